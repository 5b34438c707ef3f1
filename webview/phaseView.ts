/**
 * The loop phase as the timeline shows it: each lane's phase beside its label (lanes group
 * resource types that one phase or queue runs), a selected slice's phase (the outermost dispatch
 * it began inside decides, found once per click), and a stall's phase and context words.
 */
import { phaseLabel, phaseOfDispatch, phaseOfType } from '../model/loopPhase';
import { contextFacts, stallWords, withGc, type StallContext } from '../model/stallContext';
import type { Stall } from '../model/loopData';
import type { LaneKind } from './resourceLanes';
import type { SliceRef, Track } from './timelineModel';

/** A resource type each lane holds, whose phase names the lane's phase. */
const LANE_TYPE: Partial<Record<LaneKind, string>> = {
  timers: 'Timeout',
  immediates: 'Immediate',
  ticks: 'TickObject',
  io: 'FSREQCALLBACK',
  network: 'TCPWRAP',
  promises: 'PROMISE',
};

/** Labels that name a JavaScript queue drained between callbacks rather than a libuv phase. */
export const LOOP_QUEUES: ReadonlySet<string> = new Set(['nextTick', 'promise', 'microtask']);

/** The loop phase (or queue) that runs a lane's callbacks ("check" for Immediates), if one does. */
export function lanePhase(kind: LaneKind): string | undefined {
  const type = LANE_TYPE[kind];
  return type ? phaseOfType(type).phase : undefined;
}

/** The slice's phase as details text; nested slices take the outermost enclosing dispatch's phase. */
export function slicePhaseText(slice: SliceRef, typeNames: readonly string[]): string {
  const s = slice.lane.slices;
  const ts = s.ts(slice.index);
  const end = ts + s.dur(slice.index);
  let outer: { ts: number; type: string } | undefined;
  for (const lane of slice.track.lanes) {
    const o = lane.slices;
    for (let i = 0; i < o.length; i++) {
      if (lane === slice.lane && i === slice.index) continue;
      const ots = o.ts(i);
      // Strictly earlier start, ends no sooner: it was running when this one began.
      if (ots < ts && ots + o.dur(i) >= end && (!outer || ots < outer.ts)) outer = { ts: ots, type: typeNames[o.typeId(i)] ?? 'UNKNOWN' };
    }
  }
  return phaseLabel(phaseOfDispatch(typeNames[s.typeId(slice.index)] ?? 'UNKNOWN', outer?.type));
}

/** A stall's phase as details text (a stall outside callbacks ran in microtasks after one). */
export function stallPhaseText(stall: Stall): string {
  if (!stall.resourceType) return 'microtask (outside any callback, e.g. an await continuation)';
  return phaseLabel(phaseOfType(stall.resourceType));
}

/** The stall's context with GC joined from the track (a live stall may arrive before its GC pauses). */
export function stallContextIn(track: Track, stall: Stall): StallContext {
  return withGc(stall, track.gc);
}

/** Short words for the stall list ("mostly GC", "page faults", "off-CPU", "waiting for CPU"). */
export function stallWordsIn(track: Track, stall: Stall): string[] {
  return stallWords(stall, stallContextIn(track, stall));
}

/** Detail rows of the stall's context. */
export function stallContextFacts(track: Track, stall: Stall): [string, string][] {
  return contextFacts(stall, stallContextIn(track, stall));
}
