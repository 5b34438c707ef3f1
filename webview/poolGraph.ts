/**
 * The thread-pool graph of a track: requests in flight per sampling window as bars against the
 * pool's size (a dashed line), the part above the size (requests waiting for a thread) in the
 * p99-delay colour, and saturated spans tinted in the stall colour. Also what hover, click and the text alternative say.
 */
import type { PoolSample, PoolSaturation } from '../model/loopData';
import { formatDuration, formatOffset } from './format';
import { lowerBound, type GraphTarget } from './graphDrawing';
import type { Theme } from './theme';

/** What a graph needs of a track. */
export interface PoolTrack {
  pool: readonly PoolSample[];
  poolSaturations: readonly PoolSaturation[];
}

/** A pool sample (and the saturation it falls in, if any) picked at a time. */
export interface PoolHit {
  sample: PoolSample;
  /** Start of the sample's window, epoch µs (its `ts` is the end). */
  start: number;
  saturation?: PoolSaturation;
}

/** Samples are ~100 ms apart while the pool is busy; a longer gap means it was quiet in between. */
const WINDOW_US = 100_000;
const MAX_WINDOW_US = 1_100_000;

/** Start of sample `i`'s window. */
function windowStart(samples: readonly PoolSample[], i: number): number {
  const ts = samples[i].ts;
  const prev = i > 0 ? samples[i - 1].ts : -Infinity;
  return ts - prev <= MAX_WINDOW_US ? prev : ts - WINDOW_US;
}

/** The graph's top: the most in flight ever, at least one above the pool size so its line shows. */
export function poolScale(samples: readonly PoolSample[]): number {
  let top = 1;
  for (const s of samples) top = Math.max(top, s.inFlight, s.size + 1);
  return top;
}

/** Draws the graph into `g`; returns its scale's top (requests). */
export function drawPool(g: GraphTarget, track: PoolTrack, theme: Theme, dpr: number): number {
  const { ctx } = g;
  const samples = track.pool;
  const top = poolScale(samples);
  const end = g.t0 + g.pxUs * g.width;
  const xOf = (t: number): number => g.x0 + (t - g.t0) / g.pxUs;
  const yOf = (v: number): number => g.y + g.h - Math.min(1, v / top) * (g.h - 2);
  ctx.save();
  ctx.beginPath();
  ctx.rect(g.x0, g.y, g.width, g.h);
  ctx.clip();

  // Saturated spans first, under the bars: the whole band tinted, so they show at any zoom.
  ctx.fillStyle = theme.stallFill;
  for (const s of track.poolSaturations) {
    if (s.ts > end || s.ts + s.dur < g.t0) continue;
    const xa = Math.max(g.x0, xOf(s.ts));
    ctx.fillRect(xa, g.y, Math.max(2 * dpr, Math.min(g.x0 + g.width, xOf(s.ts + s.dur)) - xa), g.h);
  }

  // Bars: one per window; windows narrower than a pixel are merged per column (their maximum),
  // so hours of samples stay a few hundred rectangles.
  const first = Math.max(0, lowerBound(samples, g.t0) - 1);
  const bar = (xa: number, w: number, inFlight: number, size: number): void => {
    if (inFlight <= 0) return;
    const ySize = yOf(size);
    const yIn = yOf(inFlight);
    ctx.fillStyle = theme.delayP50;
    ctx.globalAlpha = 0.6;
    ctx.fillRect(xa, Math.max(yIn, ySize), w, g.y + g.h - Math.max(yIn, ySize));
    // Above the pool size: requests waiting for a thread.
    if (inFlight > size) {
      ctx.fillStyle = theme.delayP99;
      ctx.globalAlpha = 0.85;
      ctx.fillRect(xa, yIn, w, ySize - yIn);
    }
    ctx.globalAlpha = 1;
  };
  let column = NaN;
  let colIn = 0;
  let colSize = 0;
  const flush = (): void => {
    if (column === column) bar(column, 1, colIn, colSize);
    column = NaN;
  };
  for (let i = first; i < samples.length; i++) {
    const s = samples[i];
    const xa = xOf(windowStart(samples, i));
    if (xa > g.x0 + g.width) break;
    const xb = xOf(s.ts);
    if (xb - xa >= 1) {
      flush();
      bar(xa, xb - xa, s.inFlight, s.size);
      continue;
    }
    const col = Math.floor(xa);
    if (col !== column) {
      flush();
      column = col;
      colIn = s.inFlight;
      colSize = s.size;
    } else {
      colIn = Math.max(colIn, s.inFlight);
      colSize = Math.max(colSize, s.size);
    }
  }
  flush();

  // The pool size as a dashed line across the samples' span.
  if (samples.length) {
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.beginPath();
    let lastY = NaN;
    for (let i = first; i < samples.length; i++) {
      const s = samples[i];
      const from = windowStart(samples, i);
      if (from > end) break;
      const y = Math.round(yOf(s.size)) + 0.5;
      if (y !== lastY) ctx.moveTo(xOf(from), y);
      ctx.lineTo(xOf(s.ts), y);
      lastY = y;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  return top;
}

/** The sample whose window holds `t` (within `tolUs`), and the saturation there. */
export function poolAt(track: PoolTrack, t: number, tolUs: number): PoolHit | undefined {
  const samples = track.pool;
  const saturation = track.poolSaturations.find((s) => t >= s.ts - tolUs && t <= s.ts + s.dur + tolUs);
  const i = lowerBound(samples, t - tolUs);
  if (i >= samples.length) return undefined;
  const start = windowStart(samples, i);
  if (t < start - tolUs) return undefined;
  return { sample: samples[i], start, saturation };
}

/** One line for the tooltip. */
export function describePool(hit: PoolHit): string {
  const s = hit.sample;
  const waits = s.completed ? `, ${s.completed} called back (wait max ${formatMs(s.maxWaitMs)}, median ${formatMs(s.p50WaitMs)})` : '';
  const queued = s.queued ? `, ${s.queued} waiting for a thread` : '';
  const sat = hit.saturation ? ` — saturated for ${formatDuration(hit.saturation.dur)}` : '';
  return `Thread pool: ${s.inFlight} in flight on ${s.size} threads${queued}${waits}${sat}`;
}

/** Label/value rows for the details panel. */
export function poolFacts(hit: PoolHit, origin: number): [string, string][] {
  const s = hit.sample;
  const rows: [string, string][] = [
    ['Window', `${formatOffset(hit.start - origin, s.ts - hit.start)} – ${formatOffset(s.ts - origin, s.ts - hit.start)}`],
    ['In flight (most at once)', String(s.inFlight)],
    ['Pool size', `${s.size} threads (UV_THREADPOOL_SIZE)`],
    ['Waiting for a thread', String(s.queued)],
    ['Callbacks run', String(s.completed)],
  ];
  if (s.completed) rows.push(['Wait, submission to callback', `max ${formatMs(s.maxWaitMs)}, median ${formatMs(s.p50WaitMs)}`]);
  const sat = hit.saturation;
  if (sat) {
    rows.push(['Saturated', `${formatDuration(sat.dur)} from ${formatOffset(sat.ts - origin, sat.dur)}, up to ${sat.peak} in flight on ${sat.size} threads`]);
    rows.push(['Longest wait while saturated', formatMs(sat.maxWaitMs)]);
  }
  return rows;
}

/** A sentence for the canvas's text alternative about the pool in [start, end], or '' when unused there. */
export function poolSummary(tracks: readonly (PoolTrack & { session: { title: string } })[], start: number, end: number): string {
  const parts: string[] = [];
  for (const t of tracks) {
    const spans = t.poolSaturations.filter((s) => s.ts <= end && s.ts + s.dur >= start);
    const a = lowerBound(t.pool, start);
    const b = lowerBound(t.pool, end + 1);
    if (!spans.length && a >= b) continue;
    let peak = 0;
    let size = 0;
    for (let i = a; i < b; i++) {
      peak = Math.max(peak, t.pool[i].inFlight);
      size = t.pool[i].size;
    }
    if (spans.length) {
      const longest = spans.reduce((m, s) => (s.dur > m.dur ? s : m));
      const most = spans.reduce((m, s) => Math.max(m, s.peak), peak);
      parts.push(`${t.session.title}: thread pool saturated ${spans.length === 1 ? 'once' : `${spans.length} times`} (longest ${formatDuration(longest.dur)}, up to ${most} requests in flight on ${longest.size} threads, callbacks waited up to ${formatMs(longest.maxWaitMs)})`);
    } else {
      parts.push(`${t.session.title}: thread pool not saturated (up to ${peak} requests in flight on ${size} threads)`);
    }
  }
  return parts.length ? ` ${parts.join('. ')}.` : '';
}

const formatMs = (ms: number): string => formatDuration(ms * 1000);
