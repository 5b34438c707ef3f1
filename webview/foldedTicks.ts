/**
 * The agent counts short nextTick callbacks instead of recording each (LoopSample.folded); the
 * utilisation row says how many ran in view, so the timeline shows that they are not missing.
 */
import type { LoopSample } from '../model/loopData';
import { lowerBound, type GraphTarget } from './graphDrawing';
import type { Theme } from './theme';

/** Folded callbacks counted by the samples whose window ends in [t0, t1). */
export function foldedInView(samples: readonly LoopSample[], t0: number, t1: number): number {
  let n = 0;
  for (let i = lowerBound(samples, t0); i < samples.length && samples[i].ts < t1; i++) n += samples[i].folded ?? 0;
  return n;
}

/** The count as a note at the right end of the row ("12,345 short nextTick callbacks folded"). */
export function foldedNote(count: number): string {
  return `${count.toLocaleString('en-US')} short nextTick callback${count === 1 ? '' : 's'} folded (< 1 ms each, counted not drawn)`;
}

/** Draws the note over the utilisation graph when any callbacks in view were folded. */
export function drawFoldedNote(g: GraphTarget, samples: readonly LoopSample[], theme: Theme, font: string, dpr: number): void {
  const count = foldedInView(samples, g.t0, g.t0 + g.pxUs * g.width);
  if (!count) return;
  const { ctx } = g;
  ctx.save();
  ctx.font = font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillStyle = theme.muted;
  ctx.fillText(foldedNote(count), g.x0 + g.width - 4 * dpr, g.y + g.h / 2);
  ctx.restore();
}
