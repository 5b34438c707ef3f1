/**
 * Draws the whole canvas in one place: overview, time axis, and per track its header, lanes,
 * stalls, pauses and graphs. Works in device pixels throughout so lines stay crisp at any
 * device-pixel ratio; sizing to the element and the ratio happens only in `resize()`.
 */
import { formatDuration, formatOffset, tickStep } from './format';
import { drawDelay, drawGc, drawUtilization, lowerBound, type GraphTarget } from './graphDrawing';
import { drawPool } from './poolGraph';
import { drawFoldedNote } from './foldedTicks';
import { AggregatePainter, aggregateColors, type AggregateColors } from './aggregateImage';
import { drawWideSlices, fitText, textWidth, type LaneTarget } from './laneDrawing';
import { drawGaps } from './gapDrawing';
import { createLodFrame, type LodFrame } from './lodPyramid';
import { OverviewDrawing } from './overviewDrawing';
import { LANE_LABELS, type LaneKind } from './resourceLanes';
import { lanePhase } from './phaseView';
import type { Selection } from './selection';
import type { Theme } from './theme';
import { METRICS, type TimelineLayout, type TrackBand } from './timelineLayout';
import type { SliceRef, TimelineModel, Track } from './timelineModel';
import type { Viewport } from './viewport';

/** Everything a frame depends on. */
export interface RenderState {
  model: TimelineModel;
  viewport: Viewport;
  layout: TimelineLayout;
  theme: Theme;
  /** Vertical scroll of the track area, CSS pixels. */
  scrollY: number;
  selection: Selection | undefined;
  /** Slices shorter than this (µs) are hidden. */
  minDurUs: number;
  /** Resource types shown (bits from `typeBit`). */
  typeMask: number;
  /** Slices matching the search, outlined. */
  highlights: readonly SliceRef[];
}

/** Owns the canvas and draws frames. */
export class TimelineRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private dpr = 1;
  /** CSS size of the canvas. */
  cssWidth = 1;
  cssHeight = 1;
  private frame: LodFrame = createLodFrame(1);
  private readonly overview = new OverviewDrawing();
  private readonly painter = new AggregatePainter();
  /** Lanes painted so far this frame (each gets its own pixel buffer). */
  private laneSlot = 0;
  private colors: { theme: Theme; byLane: Map<LaneKind, AggregateColors> } | undefined;

  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
  }

  /** Matches the backing store to the element's size and the device-pixel ratio; true when it changed. */
  resize(cssWidth: number, cssHeight: number, dpr: number): boolean {
    const w = Math.max(1, Math.round(cssWidth * dpr));
    const h = Math.max(1, Math.round(cssHeight * dpr));
    if (w === this.canvas.width && h === this.canvas.height && dpr === this.dpr) return false;
    this.dpr = dpr;
    this.cssWidth = cssWidth;
    this.cssHeight = cssHeight;
    this.canvas.width = w;
    this.canvas.height = h;
    this.overview.invalidate();
    return true;
  }

  /** Draws one frame; returns the time it took in ms. */
  draw(st: RenderState): number {
    const started = performance.now();
    const { ctx, dpr } = this;
    const { theme, viewport: vp } = st;
    const W = this.canvas.width;
    const H = this.canvas.height;
    const x0 = Math.round(METRICS.gutter * dpr);
    const tw = W - x0;
    if (this.frame.coverage.length !== tw) this.frame = createLodFrame(Math.max(1, tw));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, W, H);
    const tracksTop = Math.round((st.layout.axis.y + st.layout.axis.h) * dpr);
    const pxUs = vp.span / tw;
    this.laneSlot = 0;

    ctx.save();
    ctx.beginPath();
    ctx.rect(0, tracksTop, W, H - tracksTop);
    ctx.clip();
    for (const band of st.layout.tracks) {
      const top = (band.y - st.scrollY) * dpr;
      if (top > H || top + band.h * dpr < tracksTop) continue;
      this.drawTrack(st, band, x0, tw, pxUs);
    }
    // The grid goes over the lanes (lanes are painted as pixels, which would hide it), faintly.
    this.drawGrid(st, x0, tw, tracksTop, pxUs);
    ctx.restore();
    this.overview.draw(ctx, st, x0, tw, dpr);
    this.drawAxis(st, x0, tw, pxUs);
    return performance.now() - started;
  }

  private y(st: RenderState, cssY: number): number {
    return Math.round((cssY - st.scrollY) * this.dpr);
  }

  private drawTrack(st: RenderState, band: TrackBand, x0: number, tw: number, pxUs: number): void {
    const { ctx, dpr } = this;
    const { theme, viewport: vp, model } = st;
    const track = band.track;
    const bandTop = this.y(st, band.y);
    const bandBottom = this.y(st, band.y + band.h);
    const font = `${Math.round(11 * dpr)}px ${theme.font}`;
    const t0 = vp.start;
    const xOf = (t: number): number => x0 + (t - t0) / pxUs;

    for (const row of band.rows) {
      const y = this.y(st, row.y);
      const h = Math.round(row.h * dpr);
      const g: GraphTarget = { ctx, x0, width: tw, y, h, t0, pxUs };
      if (row.kind === 'header') {
        this.drawHeader(st, track, y, h, font);
      } else if (row.kind === 'lane' && row.lane) {
        const lane = row.lane;
        this.frame.t0 = t0;
        this.frame.pxUs = pxUs;
        lane.lod.query(this.frame, st.minDurUs, st.typeMask);
        const target: LaneTarget = {
          ctx, x0, width: tw, y, h, dpr, color: theme.lanes[lane.kind], background: theme.background,
          foreground: theme.foreground, typeNames: model.typeNames, outline: theme.highContrast, font: theme.font,
        };
        this.painter.paint(ctx, this.laneSlot++, x0, y, h, this.frame, this.laneColors(theme, lane.kind));
        ctx.save();
        ctx.beginPath();
        ctx.rect(x0, y, tw, h);
        ctx.clip();
        drawWideSlices(target, lane, this.frame);
        ctx.restore();
        this.label(LANE_LABELS[lane.kind], y, h, font);
        this.phaseTag(lanePhase(lane.kind), y, h, font);
      } else if (row.kind === 'delay') {
        const top = drawDelay(g, track.loop, theme, dpr);
        this.label(`Delay ≤${Math.round(top)}ms`, y, h, font);
      } else if (row.kind === 'utilization') {
        drawUtilization(g, track.loop, theme);
        drawFoldedNote(g, track.loop, theme, font, dpr);
        this.label('Utilisation', y, h, font);
      } else if (row.kind === 'pool') {
        const top = drawPool(g, track, theme, dpr);
        this.label(`Pool ≤${top}`, y, h, font);
      } else if (row.kind === 'gc') {
        drawGc(g, track.gc, theme);
        this.label('GC', y, h, font);
      }
    }

    // Paused intervals over the lanes, grey: the thread was stopped by a debugger, not busy.
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, bandTop, tw, bandBottom - bandTop);
    ctx.clip();
    for (const p of visible(track.paused, t0, t0 + pxUs * tw)) {
      const xa = Math.max(x0, xOf(p.ts));
      const xb = Math.min(x0 + tw, xOf(p.ts + p.dur));
      ctx.fillStyle = theme.paused;
      ctx.fillRect(xa, bandTop, Math.max(1, xb - xa), bandBottom - bandTop);
      if (xb - xa > 60 * dpr) {
        ctx.fillStyle = theme.muted;
        ctx.font = font;
        ctx.textBaseline = 'middle';
        ctx.fillText('paused (debugger)', xa + 4 * dpr, bandTop + (METRICS.header * dpr) / 2 + METRICS.header * dpr);
      }
    }
    ctx.restore();

    // Time the recording does not cover (the collector was unreachable): hatched, "not recorded".
    if (track.gaps.length) {
      drawGaps({ ctx, x0, width: tw, top: bandTop, bottom: bandBottom, dpr, color: theme.muted, textColor: theme.foreground, font, xOf }, track.gaps);
    }

    // Stalls across the whole track, drawn last so nothing hides them.
    const lanesTop = this.y(st, band.rows[0].y + band.rows[0].h);
    for (const stall of visible(track.stalls, t0, t0 + pxUs * tw)) {
      const xa = Math.max(x0, xOf(stall.ts));
      const xb = Math.min(x0 + tw, xOf(stall.ts + stall.dur));
      const w = Math.max(2 * dpr, xb - xa);
      ctx.fillStyle = theme.stallFill;
      ctx.fillRect(xa, lanesTop, w, bandBottom - lanesTop);
      ctx.fillStyle = theme.stall;
      ctx.fillRect(xa, bandTop + Math.round(METRICS.header * dpr) - 5 * dpr, w, 5 * dpr);
      ctx.fillRect(xa, lanesTop, Math.max(1, dpr), bandBottom - lanesTop);
      ctx.fillRect(xa + w - Math.max(1, dpr), lanesTop, Math.max(1, dpr), bandBottom - lanesTop);
      const selected = st.selection?.kind === 'stall' && st.selection.ref.stall === stall;
      if (selected) {
        ctx.strokeStyle = theme.selection;
        ctx.lineWidth = 2 * dpr;
        ctx.strokeRect(xa, bandTop, w, bandBottom - bandTop);
      }
      if (w > 44 * dpr) {
        // The label sits in the header row, on its own background, so it never covers slice labels.
        ctx.font = `bold ${font}`;
        const full = `stall ${formatDuration(stall.dur)}`;
        const text = textWidth(ctx, full) <= w - 6 * dpr ? full : fitText(ctx, formatDuration(stall.dur), w - 6 * dpr);
        const textW = textWidth(ctx, text);
        const ty = bandTop + 1 * dpr;
        const th = Math.round(METRICS.header * dpr) - 7 * dpr;
        ctx.fillStyle = theme.background;
        ctx.fillRect(xa, ty, textW + 6 * dpr, th);
        ctx.fillStyle = theme.stall;
        ctx.textBaseline = 'middle';
        ctx.fillText(text, xa + 3 * dpr, ty + th / 2);
      }
    }

    this.drawSliceOutlines(st, band, xOf, pxUs);
    ctx.fillStyle = theme.border;
    ctx.fillRect(0, bandBottom, this.canvas.width, Math.max(1, Math.round(dpr)));
  }

  private laneColors(theme: Theme, kind: LaneKind): AggregateColors {
    if (this.colors?.theme !== theme) this.colors = { theme, byLane: new Map() };
    let c = this.colors.byLane.get(kind);
    if (!c) {
      c = aggregateColors(theme.lanesRgb[kind], theme.backgroundRgb);
      this.colors.byLane.set(kind, c);
    }
    return c;
  }

  private drawHeader(st: RenderState, track: Track, y: number, h: number, font: string): void {
    const { ctx, dpr } = this;
    const { theme } = st;
    const status = track.session.live ? 'live' : 'ended';
    ctx.font = `bold ${font}`;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.foreground;
    const title = `${track.session.title}`;
    ctx.fillText(fitText(ctx, title, this.canvas.width * 0.6), 4 * dpr, y + h / 2 - 2 * dpr);
    const tw = textWidth(ctx, title);
    ctx.font = font;
    ctx.fillStyle = theme.muted;
    const info = ` — ${status} · ${track.sliceCount.toLocaleString('en-US')} callbacks · ${track.stalls.length} stalls`;
    ctx.fillText(info, Math.min(4 * dpr + tw, this.canvas.width * 0.6), y + h / 2 - 2 * dpr);
  }

  private drawSliceOutlines(st: RenderState, band: TrackBand, xOf: (t: number) => number, pxUs: number): void {
    const { ctx, dpr } = this;
    const outline = (ref: SliceRef, color: string, width: number): void => {
      if (ref.track !== band.track) return;
      const row = band.rows.find((r) => r.lane === ref.lane);
      if (!row) return;
      const s = ref.lane.slices;
      const xa = xOf(s.ts(ref.index));
      const w = Math.max(3 * dpr, s.dur(ref.index) / pxUs);
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.strokeRect(xa - width / 2, this.y(st, row.y) + width / 2, w + width, Math.round(row.h * dpr) - width);
    };
    for (const ref of st.highlights) outline(ref, st.theme.delayP99, Math.max(1, dpr));
    if (st.selection?.kind === 'slice') outline(st.selection.slice, st.theme.selection, 2 * dpr);
  }

  private label(text: string, y: number, h: number, font: string): void {
    const { ctx, dpr } = this;
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = this.lastTheme?.muted ?? '#888';
    ctx.fillText(fitText(ctx, text, (METRICS.gutter - 8) * dpr), 4 * dpr, y + h / 2);
  }

  /** The lane's loop phase, right-aligned in the gutter beside its label. */
  private phaseTag(text: string | undefined, y: number, h: number, font: string): void {
    if (!text) return;
    const { ctx, dpr } = this;
    ctx.save();
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ctx.globalAlpha = 0.7;
    ctx.fillStyle = this.lastTheme?.muted ?? '#888';
    ctx.fillText(text, (METRICS.gutter - 6) * dpr, y + h / 2);
    ctx.restore();
  }

  private lastTheme: Theme | undefined;

  private drawGrid(st: RenderState, x0: number, tw: number, top: number, pxUs: number): void {
    const { ctx } = this;
    this.lastTheme = st.theme;
    const vp = st.viewport;
    const step = tickStep(vp.span, tw / (110 * this.dpr));
    ctx.fillStyle = st.theme.grid;
    for (let t = Math.ceil(vp.start / step) * step; t < vp.start + vp.span; t += step) {
      ctx.fillRect(Math.round(x0 + (t - vp.start) / pxUs), top, Math.max(1, Math.round(this.dpr)), this.canvas.height - top);
    }
  }

  private drawAxis(st: RenderState, x0: number, tw: number, pxUs: number): void {
    const { ctx, dpr } = this;
    const { theme, viewport: vp } = st;
    const y = Math.round(st.layout.axis.y * dpr);
    const h = Math.round(st.layout.axis.h * dpr);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, y, this.canvas.width, h);
    const origin = vp.bounds?.start ?? vp.start;
    const step = tickStep(vp.span, tw / (110 * dpr));
    ctx.font = `${Math.round(10 * dpr)}px ${theme.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.muted;
    for (let t = Math.ceil(vp.start / step) * step; t < vp.start + vp.span; t += step) {
      const x = Math.round(x0 + (t - vp.start) / pxUs);
      ctx.fillRect(x, y + h - 5 * dpr, Math.max(1, Math.round(dpr)), 5 * dpr);
      ctx.fillText(formatOffset(t - origin, vp.span), x + 3 * dpr, y + h / 2 - 2 * dpr);
    }
    ctx.fillText(`span ${formatDuration(vp.span)}`, 4 * dpr, y + h / 2 - 2 * dpr);
    ctx.fillStyle = theme.border;
    ctx.fillRect(0, y + h - Math.max(1, Math.round(dpr)), this.canvas.width, Math.max(1, Math.round(dpr)));
  }
}

/** Items of a `ts`-sorted list that overlap [t0, t1]; long items starting before t0 are found by a bounded look-back. */
function visible<T extends { ts: number; dur: number }>(list: readonly T[], t0: number, t1: number): T[] {
  const out: T[] = [];
  const i0 = lowerBound(list, t0);
  for (let i = i0 - 1; i >= 0 && i >= i0 - 256; i--) if (list[i].ts + list[i].dur >= t0) out.push(list[i]);
  for (let i = i0; i < list.length && list[i].ts <= t1; i++) out.push(list[i]);
  return out;
}
