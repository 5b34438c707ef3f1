/**
 * Draws the intervals a recording does not cover (the collector was unreachable) over a track's
 * lanes: hatched, labelled "not recorded", so that they never read as an idle loop.
 */
import type { RecordingGap } from '../model/loopData';

/** Where and how to draw: the canvas, the band of the track, and the time-to-x mapping. */
export interface GapTarget {
  ctx: CanvasRenderingContext2D;
  x0: number;
  width: number;
  top: number;
  bottom: number;
  dpr: number;
  color: string;
  textColor: string;
  font: string;
  xOf(ts: number): number;
}

/** The label drawn in gaps wide enough to hold it. */
export const GAP_LABEL = 'not recorded';

/** Draws every gap of `gaps` that overlaps the visible width. */
export function drawGaps(t: GapTarget, gaps: readonly RecordingGap[]): void {
  const { ctx, x0, width, top, bottom, dpr } = t;
  ctx.save();
  for (const g of gaps) {
    const xa = Math.max(x0, t.xOf(g.ts));
    const xb = Math.min(x0 + width, t.xOf(g.ts + g.dur));
    if (xb < x0 || xa > x0 + width) continue;
    const w = Math.max(1, xb - xa);
    ctx.save();
    ctx.beginPath();
    ctx.rect(xa, top, w, bottom - top);
    ctx.clip();
    ctx.clearRect(xa, top, w, bottom - top);
    ctx.strokeStyle = t.color;
    ctx.lineWidth = dpr;
    ctx.beginPath();
    // Diagonal hatching, 8 CSS px apart, anchored to the gap's left edge.
    const step = 8 * dpr;
    for (let x = xa - (bottom - top); x < xa + w; x += step) {
      ctx.moveTo(x, bottom);
      ctx.lineTo(x + (bottom - top), top);
    }
    ctx.stroke();
    if (w > 80 * dpr) {
      ctx.fillStyle = t.textColor;
      ctx.font = t.font;
      ctx.textBaseline = 'middle';
      ctx.fillText(GAP_LABEL, xa + 4 * dpr, top + (bottom - top) / 2);
    }
    ctx.restore();
  }
  ctx.restore();
}
