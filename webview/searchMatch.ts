/** Search by file or function name over stall stacks and the callback sites of slow dispatches. */
import type { CallbackSite, Stall, StackFrame } from '../model/loopData';
import type { SliceRef, Track } from './timelineModel';

function frameMatches(f: StackFrame, q: string): boolean {
  return f.functionName.toLowerCase().includes(q) || f.url.toLowerCase().includes(q);
}

/** Normalises what the user typed (empty means no search). */
export function normaliseQuery(text: string): string {
  return text.trim().toLowerCase();
}

/** True when any frame of the stall, or its resource type, matches `q` (already normalised). */
export function stallMatches(stall: Stall, q: string): boolean {
  if (!q) return true;
  return stall.stack.some((f) => frameMatches(f, q)) || (stall.resourceType ?? '').toLowerCase().includes(q);
}

/** asyncIds whose callback site matches `q`. */
export function matchingSites(sites: ReadonlyMap<number, CallbackSite>, q: string): Set<number> {
  const ids = new Set<number>();
  if (!q) return ids;
  for (const [id, site] of sites) if (frameMatches(site, q)) ids.add(id);
  return ids;
}

/** Dispatches of `track` whose callback site matches `q`, at most `limit`. */
export function matchingSlices(track: Track, q: string, limit = 2000): SliceRef[] {
  const ids = matchingSites(track.sites, q);
  const out: SliceRef[] = [];
  if (!ids.size) return out;
  for (const lane of track.lanes) {
    const s = lane.slices;
    for (let i = 0; i < s.length && out.length < limit; i++) if (ids.has(s.asyncId(i))) out.push({ track, lane, index: i });
  }
  return out;
}
