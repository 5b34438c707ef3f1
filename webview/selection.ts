/** What the user selected: a dispatch slice, a stall, or a thread-pool sample. */
import type { TimeRange } from './viewport';
import type { SliceRef, StallRef, Track } from './timelineModel';
import type { PoolHit } from './poolGraph';

/** The current selection. */
export type Selection = { kind: 'slice'; slice: SliceRef } | { kind: 'stall'; ref: StallRef } | { kind: 'pool'; track: Track; hit: PoolHit };

/** The time range a selection covers. */
export function selectionRange(sel: Selection): TimeRange {
  if (sel.kind === 'stall') return { start: sel.ref.stall.ts, end: sel.ref.stall.ts + sel.ref.stall.dur };
  if (sel.kind === 'pool') {
    const sat = sel.hit.saturation;
    return sat ? { start: sat.ts, end: sat.ts + sat.dur } : { start: sel.hit.start, end: sel.hit.sample.ts };
  }
  const s = sel.slice.lane.slices;
  const ts = s.ts(sel.slice.index);
  return { start: ts, end: ts + s.dur(sel.slice.index) };
}

/** The range to show when zooming to a selection: the selection plus a margin each side. */
export function zoomRangeFor(sel: Selection): TimeRange {
  const r = selectionRange(sel);
  const margin = Math.max((r.end - r.start) * 0.15, 20);
  return { start: r.start - margin, end: r.end + margin };
}
