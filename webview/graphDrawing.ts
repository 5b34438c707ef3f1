/** Draws a track's loop-delay and utilisation graphs and its GC pauses on the shared time axis. */
import type { GcPause, LoopSample } from '../model/loopData';
import type { Theme } from './theme';

/** The time mapping and vertical band a graph draws into (device pixels). */
export interface GraphTarget {
  ctx: CanvasRenderingContext2D;
  x0: number;
  width: number;
  y: number;
  h: number;
  /** Epoch µs at x0 and µs per device pixel. */
  t0: number;
  pxUs: number;
}

/** First index whose `ts` is ≥ `t` in a list sorted by `ts`. */
export function lowerBound(list: readonly { ts: number }[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Samples in view plus one each side, so lines run to the edges. */
function visibleSamples(samples: readonly LoopSample[], g: GraphTarget): LoopSample[] {
  const a = Math.max(0, lowerBound(samples, g.t0) - 1);
  const b = Math.min(samples.length, lowerBound(samples, g.t0 + g.pxUs * g.width) + 1);
  return samples.slice(a, b);
}

/**
 * A path through the samples' values. Samples sharing a pixel column are merged into one point
 * (their maximum), so a zoomed-out view of hours of samples stays a path of at most one point a
 * pixel: long paths are what software rasterisation chokes on.
 */
function line(g: GraphTarget, samples: readonly LoopSample[], value: (s: LoopSample) => number, scale: number, close: boolean): Path2D {
  const path = new Path2D();
  let started = false;
  let column = NaN;
  let colMax = -Infinity;
  let lastX = 0;
  const emit = (x: number, v: number): void => {
    const y = g.y + g.h - Math.min(1, v / scale) * (g.h - 2);
    if (!started) {
      if (close) {
        path.moveTo(x, g.y + g.h);
        path.lineTo(x, y);
      } else {
        path.moveTo(x, y);
      }
      started = true;
    } else {
      path.lineTo(x, y);
    }
    lastX = x;
  };
  for (const s of samples) {
    const v = value(s);
    if (!Number.isFinite(v)) continue;
    const x = Math.round(g.x0 + (s.ts - g.t0) / g.pxUs);
    if (x !== column) {
      if (colMax > -Infinity) emit(column, colMax);
      column = x;
      colMax = v;
    } else if (v > colMax) {
      colMax = v;
    }
  }
  if (colMax > -Infinity) emit(column, colMax);
  if (close && started) path.lineTo(lastX, g.y + g.h);
  return path;
}

/** Saves the context and clips drawing to the graph's band (callers restore). */
function clipTo(g: GraphTarget): void {
  g.ctx.save();
  g.ctx.beginPath();
  g.ctx.rect(g.x0, g.y, g.width, g.h);
  g.ctx.clip();
}

/** Loop delay p50/p99 as lines over the max as a faint area; returns the scale's top in ms. */
export function drawDelay(g: GraphTarget, samples: readonly LoopSample[], theme: Theme, dpr: number): number {
  let top = 10;
  for (const s of samples) if (Number.isFinite(s.max) && s.max > top) top = s.max;
  const vis = visibleSamples(samples, g);
  const { ctx } = g;
  clipTo(g);
  ctx.fillStyle = theme.delayP99;
  ctx.globalAlpha = 0.18;
  ctx.fill(line(g, vis, (s) => s.max, top, true));
  ctx.globalAlpha = 1;
  ctx.lineWidth = Math.max(1, dpr);
  ctx.strokeStyle = theme.delayP99;
  ctx.stroke(line(g, vis, (s) => s.p99, top, false));
  ctx.strokeStyle = theme.delayP50;
  ctx.stroke(line(g, vis, (s) => s.p50, top, false));
  ctx.restore();
  return top;
}

/** Utilisation (0..1) as an area. */
export function drawUtilization(g: GraphTarget, samples: readonly LoopSample[], theme: Theme): void {
  const { ctx } = g;
  clipTo(g);
  ctx.fillStyle = theme.utilization;
  ctx.globalAlpha = 0.6;
  ctx.fill(line(g, visibleSamples(samples, g), (s) => s.utilization, 1, true));
  ctx.restore();
}

/** GC pauses as boxes at least one device pixel wide. */
export function drawGc(g: GraphTarget, pauses: readonly GcPause[], theme: Theme): void {
  const { ctx } = g;
  ctx.fillStyle = theme.gc;
  const end = g.t0 + g.pxUs * g.width;
  // Pauses are short, so starting a little before the view finds every one that reaches into it.
  for (let i = Math.max(0, lowerBound(pauses, g.t0) - 64); i < pauses.length; i++) {
    const p = pauses[i];
    if (p.ts > end) break;
    if (p.ts + p.dur < g.t0) continue;
    const x = g.x0 + (p.ts - g.t0) / g.pxUs;
    ctx.fillRect(Math.max(g.x0, x), g.y + 1, Math.max(1, p.dur / g.pxUs), g.h - 2);
  }
}
