/**
 * Draws the slices of a lane's LOD frame that are wider than a pixel, each as its own box, nested
 * ones inset so they stay readable (aggregated columns are painted by aggregateImage.ts).
 */
import { formatDuration } from './format';
import type { LodFrame } from './lodPyramid';
import type { Lane } from './timelineModel';

/** Where and how to draw a lane, in device pixels. */
export interface LaneTarget {
  ctx: CanvasRenderingContext2D;
  /** Left edge and width of the time area. */
  x0: number;
  width: number;
  y: number;
  h: number;
  dpr: number;
  color: string;
  /** Colour for separators and text on slices. */
  background: string;
  foreground: string;
  typeNames: readonly string[];
  /** Font family for labels on slices. */
  font: string;
  /** Outline boxes instead of relying on fill contrast. */
  outline: boolean;
}

/** Draws the slices listed in `frame.wide` as boxes, with a label where there is room. */
export function drawWideSlices(t: LaneTarget, lane: Lane, frame: LodFrame): void {
  const { ctx, dpr } = t;
  const s = lane.slices;
  const wide = frame.wide;
  // Outer slices first so nested ones (which start later or end sooner) paint on top of them.
  wide.sort((a, b) => s.ts(a) - s.ts(b) || s.dur(b) - s.dur(a));
  const ends: number[] = [];
  const inset = Math.max(2, Math.round(3 * dpr));
  const left = t.x0 - 2;
  const right = t.x0 + t.width + 2;
  ctx.font = `${Math.round(11 * dpr)}px ${t.font}`;
  ctx.textBaseline = 'middle';
  for (const i of wide) {
    const ts = s.ts(i);
    const dur = s.dur(i);
    while (ends.length && ends[ends.length - 1] <= ts) ends.pop();
    const depth = Math.min(ends.length, 3);
    ends.push(ts + dur);
    const xa = t.x0 + (ts - frame.t0) / frame.pxUs;
    const xb = xa + dur / frame.pxUs;
    const x = Math.max(left, xa);
    const w = Math.min(right, xb) - x;
    if (w <= 0) continue;
    const y = t.y + 1 + depth * inset;
    const h = Math.max(3, t.h - 2 - depth * inset);
    ctx.fillStyle = t.color;
    ctx.fillRect(x, y, w, h);
    if (w >= 3 || t.outline) {
      // A separator keeps back-to-back slices distinguishable.
      ctx.strokeStyle = t.outline ? t.foreground : t.background;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, Math.max(0, w - 1), h - 1);
    }
    if (w > 50 * dpr) {
      const label = `${t.typeNames[s.typeId(i)] ?? ''} ${formatDuration(dur)}`;
      const visibleLeft = Math.max(x, t.x0);
      const room = Math.min(x + w, t.x0 + t.width) - visibleLeft - 6 * dpr;
      if (room > 20 * dpr) {
        ctx.fillStyle = t.foreground;
        ctx.fillText(fitText(ctx, label, room), visibleLeft + 3 * dpr, y + h / 2);
      }
    }
  }
}

const widths = new Map<string, number>();

/** Width of `text` in the context's current font, cached (measureText is slow and labels repeat every frame). */
export function textWidth(ctx: CanvasRenderingContext2D, text: string): number {
  const key = `${ctx.font}|${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    if (widths.size > 4096) widths.clear();
    w = ctx.measureText(text).width;
    widths.set(key, w);
  }
  return w;
}

/** Truncates `text` with an ellipsis to fit `width` device pixels. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  const full = textWidth(ctx, text);
  if (full <= width) return text;
  const keep = Math.floor((text.length * width) / full) - 1;
  return keep > 0 ? `${text.slice(0, keep)}…` : '';
}
