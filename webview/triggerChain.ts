/**
 * The trigger chain of a dispatch: which callback scheduled it, which one scheduled that, back
 * to the origin. Found by scanning the track's slices (done once per click, never per frame).
 */
import type { CallbackSite } from '../model/loopData';
import type { SliceRef, Track } from './timelineModel';

/** One link of a trigger chain. */
export interface ChainLink {
  asyncId: number;
  /** The dispatch of that resource that ran last before the link below it started, if recorded. */
  slice?: SliceRef;
  /** Where that resource's callback was defined, when the recorder named it. */
  site?: CallbackSite;
}

/** Links are capped so a cycle in foreign data cannot hang the page. */
const MAX_LINKS = 32;

/** The latest dispatch of `asyncId` in `track` that started at or before `before` (µs), if any. */
export function findDispatch(track: Track, asyncId: number, before = Infinity): SliceRef | undefined {
  let best: SliceRef | undefined;
  let bestTs = -Infinity;
  for (const lane of track.lanes) {
    const s = lane.slices;
    for (let i = 0; i < s.length; i++) {
      if (s.asyncId(i) !== asyncId) continue;
      const ts = s.ts(i);
      if (ts <= before && ts > bestTs) {
        best = { track, lane, index: i };
        bestTs = ts;
      }
    }
  }
  return best;
}

/** The chain from `start`'s trigger back to the origin (closest first). */
export function triggerChain(start: SliceRef): ChainLink[] {
  const { track } = start;
  const links: ChainLink[] = [];
  const seen = new Set<number>([start.lane.slices.asyncId(start.index)]);
  let trigger = start.lane.slices.triggerAsyncId(start.index);
  let before = start.lane.slices.ts(start.index);
  while (links.length < MAX_LINKS && !seen.has(trigger)) {
    seen.add(trigger);
    const slice = findDispatch(track, trigger, before);
    links.push({ asyncId: trigger, slice, site: track.sites.get(trigger) });
    if (!slice) break;
    before = slice.lane.slices.ts(slice.index);
    trigger = slice.lane.slices.triggerAsyncId(slice.index);
  }
  return links;
}
