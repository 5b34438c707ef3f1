/** Finds the slice under the pointer: the innermost one containing the time, else the nearest. */
import { ALL_TYPES, typeBit } from './lodPyramid';
import type { Lane } from './timelineModel';

/** Index of the slice of `lane` (of a type in `typeMask`) at time `t` within `toleranceUs`, or undefined. */
export function sliceAt(lane: Lane, t: number, toleranceUs: number, typeMask = ALL_TYPES): number | undefined {
  const s = lane.slices;
  let best: number | undefined;
  let bestScore = Infinity;
  for (const i of lane.lod.overlapping(t - toleranceUs, t + toleranceUs)) {
    if ((typeBit(s.typeId(i)) & typeMask) === 0) continue;
    const ts = s.ts(i);
    const dur = s.dur(i);
    const inside = t >= ts && t <= ts + dur;
    // Containing slices win, the shortest (innermost) first; otherwise the closest edge.
    const score = inside ? dur - 1e15 : Math.min(Math.abs(t - ts), Math.abs(t - ts - dur));
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}
