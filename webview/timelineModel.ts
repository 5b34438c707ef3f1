/**
 * Everything the page shows, one track per recorded thread, fed only through `apply()` with
 * view-protocol messages (a loaded recording is turned into the same messages first).
 */
import { LodPyramid } from './lodPyramid';
import type { CallbackSite, GcPause, LoopSample, PausedInterval, PoolSample, PoolSaturation, RecordingGap, Stall } from '../model/loopData';
import type { SessionDescriptor, ToWebview } from './protocol';
import { LANE_KINDS, laneOf, type LaneKind } from './resourceLanes';
import { SliceColumns } from './sliceColumns';

/** One lane of a track: its slices and their level-of-detail pyramid. */
export interface Lane {
  kind: LaneKind;
  slices: SliceColumns;
  /** Rebuilt when old slices are dropped. */
  lod: LodPyramid;
}

/** One recorded thread. */
export interface Track {
  session: SessionDescriptor;
  /** Lanes in display order; only lanes that received slices exist. */
  lanes: Lane[];
  /** Stalls sorted by start. */
  stalls: Stall[];
  loop: LoopSample[];
  gc: GcPause[];
  paused: PausedInterval[];
  /** Thread-pool samples and saturation spans, sorted by start (webview/poolGraph.ts draws them). */
  pool: PoolSample[];
  poolSaturations: PoolSaturation[];
  /** Intervals not recorded (the collector was unreachable), sorted by start. */
  gaps: RecordingGap[];
  sites: Map<number, CallbackSite>;
  /** Session-local typeId → page-wide type id. */
  typeMap: number[];
  sliceCount: number;
  endedAt?: number;
  endReason?: string;
}

/** A stall together with the track it happened in. */
export interface StallRef {
  track: Track;
  stall: Stall;
}

/** A dispatch slice addressed by track, lane and index. */
export interface SliceRef {
  track: Track;
  lane: Lane;
  index: number;
}

const byTs = (a: { ts: number }, b: { ts: number }): number => a.ts - b.ts;

function sortedMerge<T extends { ts: number }>(into: T[], items: readonly T[]): void {
  const wasSorted = into.length === 0 || items.length === 0 || items[0].ts >= into[into.length - 1].ts;
  into.push(...items);
  if (!wasSorted || !isSorted(items)) into.sort(byTs);
}

function isSorted(items: readonly { ts: number }[]): boolean {
  for (let i = 1; i < items.length; i++) if (items[i].ts < items[i - 1].ts) return false;
  return true;
}

/** The page's data model. */
export class TimelineModel {
  readonly tracks: Track[] = [];
  private readonly byId = new Map<string, Track>();
  /** Page-wide resource type names (a slice's typeId indexes this). */
  readonly typeNames: string[] = [];
  private readonly typeIds = new Map<string, number>();
  private readonly dirtyLanes = new Set<Lane>();
  /** Increases on every change, so views know when to redraw. */
  version = 0;
  /** Increases when the set of stalls (or the tracks they belong to) changes, so the stall list re-renders only then. */
  stallsVersion = 0;
  /** Increases when old slices were dropped, which renumbers slices (held SliceRefs become stale). */
  epoch = 0;
  /** Slices dropped to stay under `liveSliceLimit`. */
  droppedSlices = 0;

  /**
   * @param liveSliceLimit while any session is live, the oldest slices are dropped beyond this many
   *   (a loaded recording is never trimmed).
   */
  constructor(readonly liveSliceLimit = 6_000_000) {}

  /** Applies one host message; returns false for messages that are not about data. */
  apply(msg: ToWebview): boolean {
    if (msg.type === 'reset' || msg.type === 'stalls' || msg.type === 'sessionStarted') this.stallsVersion++;
    switch (msg.type) {
      case 'reset':
        this.tracks.length = 0;
        this.byId.clear();
        this.dirtyLanes.clear();
        break;
      case 'sessionStarted':
        this.track(msg.session.id, msg.session);
        break;
      case 'dispatches': {
        const track = this.track(msg.sessionId);
        for (let t = track.typeMap.length; t < msg.resourceTypes.length; t++) track.typeMap.push(this.typeId(msg.resourceTypes[t]));
        this.appendDispatches(track, msg.count, msg.typeId, msg.asyncId, msg.triggerAsyncId, msg.ts, msg.dur);
        break;
      }
      case 'stalls':
        sortedMerge(this.track(msg.sessionId).stalls, msg.stalls);
        break;
      case 'loop':
        sortedMerge(this.track(msg.sessionId).loop, msg.samples);
        break;
      case 'gc':
        sortedMerge(this.track(msg.sessionId).gc, msg.pauses);
        break;
      case 'paused':
        sortedMerge(this.track(msg.sessionId).paused, msg.intervals);
        break;
      case 'pool': {
        const track = this.track(msg.sessionId);
        sortedMerge(track.pool, msg.samples);
        sortedMerge(track.poolSaturations, msg.saturations);
        break;
      }
      case 'gaps':
        sortedMerge(this.track(msg.sessionId).gaps, msg.gaps);
        break;
      case 'sites': {
        const sites = this.track(msg.sessionId).sites;
        for (const site of msg.sites) sites.set(site.asyncId, site);
        break;
      }
      case 'sessionEnded': {
        const track = this.track(msg.sessionId);
        track.endedAt = msg.endedAt;
        track.endReason = msg.reason;
        track.session = { ...track.session, live: false };
        break;
      }
      default:
        return false;
    }
    this.version++;
    return true;
  }

  /** Page-wide id of a resource type name, adding it when new. */
  typeId(name: string): number {
    let id = this.typeIds.get(name);
    if (id === undefined) {
      id = this.typeNames.length;
      this.typeNames.push(name);
      this.typeIds.set(name, id);
    }
    return id;
  }

  private track(id: string, session?: SessionDescriptor): Track {
    let track = this.byId.get(id);
    if (!track) {
      track = {
        session: session ?? { id, pid: 0, tid: 0, title: id, live: true },
        lanes: [], stalls: [], loop: [], gc: [], paused: [], pool: [], poolSaturations: [], gaps: [], sites: new Map(), typeMap: [], sliceCount: 0,
      };
      this.byId.set(id, track);
      this.tracks.push(track);
    } else if (session) {
      track.session = session;
    }
    return track;
  }

  /** The track of a session id, if known. */
  trackById(id: string): Track | undefined {
    return this.byId.get(id);
  }

  private appendDispatches(
    track: Track, count: number, typeId: Uint16Array, asyncId: Float64Array, trigger: Float64Array, ts: Float64Array, dur: Float64Array,
  ): void {
    // Resolve each session type to its lane once, group the rows by lane (a counting sort), then
    // copy lane by lane; rows whose type is outside the session's table go to 'other' as 'unknown'.
    const lanes: Lane[] = [];
    const laneIndexOfType = track.typeMap.map((pageType) => {
      const lane = this.lane(track, laneOf(this.typeNames[pageType]));
      if (!lanes.includes(lane)) lanes.push(lane);
      return lanes.indexOf(lane);
    });
    const strayLane = lanes.length;
    const laneOfRow = new Uint8Array(count);
    const perLane = new Uint32Array(strayLane + 2);
    for (let i = 0; i < count; i++) {
      const l = laneIndexOfType[typeId[i]] ?? strayLane;
      laneOfRow[i] = l;
      perLane[l + 1]++;
    }
    const strays = perLane[strayLane + 1] > 0;
    const typeMap = Int32Array.from([...track.typeMap, strays ? this.typeId('unknown') : 0]);
    for (let l = 1; l < perLane.length; l++) perLane[l] += perLane[l - 1];
    const starts = perLane.slice();
    const rows = new Uint32Array(count);
    for (let i = 0; i < count; i++) rows[starts[laneOfRow[i]]++] = i;
    if (strays) lanes.push(this.lane(track, 'other'));
    lanes.forEach((lane, l) => {
      // Stray rows read their type through the extra 'unknown' entry at the end of typeMap.
      const types = l === strayLane ? new Uint16Array(count).fill(typeMap.length - 1) : typeId;
      lane.slices.appendRows(rows, perLane[l], perLane[l + 1], ts, dur, asyncId, trigger, types, typeMap);
    });
    for (const lane of lanes) this.dirtyLanes.add(lane);
    track.sliceCount += count;
  }

  private lane(track: Track, kind: LaneKind): Lane {
    let lane = track.lanes.find((l) => l.kind === kind);
    if (!lane) {
      const slices = new SliceColumns();
      lane = { kind, slices, lod: new LodPyramid(slices) };
      track.lanes.push(lane);
      track.lanes.sort((a, b) => LANE_KINDS.indexOf(a.kind) - LANE_KINDS.indexOf(b.kind));
    }
    return lane;
  }

  /** Brings level-of-detail pyramids up to date with appended slices; call before drawing. */
  refresh(): void {
    if (this.sliceCount > this.liveSliceLimit && this.tracks.some((t) => t.session.live)) this.trim();
    for (const lane of this.dirtyLanes) lane.lod.update();
    this.dirtyLanes.clear();
  }

  /** Drops the oldest chunks of slices until under the live limit, rebuilding the pyramids of lanes that lost some. */
  private trim(): void {
    const touched = new Set<Lane>();
    while (this.sliceCount > this.liveSliceLimit) {
      let oldest: { track: Track; lane: Lane } | undefined;
      let oldestEnd = Infinity;
      for (const track of this.tracks) {
        for (const lane of track.lanes) {
          const end = lane.slices.firstChunkEnd();
          if (end < oldestEnd) {
            oldestEnd = end;
            oldest = { track, lane };
          }
        }
      }
      if (!oldest) break;
      const dropped = oldest.lane.slices.dropFirstChunk();
      oldest.track.sliceCount -= dropped;
      this.droppedSlices += dropped;
      touched.add(oldest.lane);
    }
    for (const lane of touched) {
      lane.lod = new LodPyramid(lane.slices);
      this.dirtyLanes.add(lane);
    }
    if (touched.size) {
      this.epoch++;
      this.version++;
    }
  }

  /** Earliest and latest time of anything recorded (epoch µs), or undefined when empty. */
  bounds(): { start: number; end: number } | undefined {
    let start = Infinity;
    let end = -Infinity;
    const take = (s: number, e: number): void => {
      if (s < start) start = s;
      if (e > end) end = e;
    };
    for (const track of this.tracks) {
      for (const lane of track.lanes) {
        const ext = lane.lod.extent();
        if (ext) take(ext.start, ext.end);
      }
      for (const list of [track.stalls, track.gc, track.paused] as { ts: number; dur: number }[][]) {
        if (list.length) take(list[0].ts, list.reduce((m, x) => Math.max(m, x.ts + x.dur), -Infinity));
      }
      if (track.loop.length) take(track.loop[0].ts, track.loop[track.loop.length - 1].ts);
      if (track.pool.length) take(track.pool[0].ts, track.pool[track.pool.length - 1].ts);
      if (track.session.startedAt) take(track.session.startedAt, track.session.startedAt);
      if (track.endedAt) take(track.endedAt, track.endedAt);
    }
    return start <= end ? { start, end } : undefined;
  }

  /** Every stall, longest first (cached until the model changes; callers must not modify it). */
  stallsByDuration(): readonly StallRef[] {
    if (this.stallCache?.version === this.version) return this.stallCache.refs;
    const all: StallRef[] = [];
    for (const track of this.tracks) for (const stall of track.stalls) all.push({ track, stall });
    all.sort((a, b) => b.stall.dur - a.stall.dur || a.stall.ts - b.stall.ts);
    this.stallCache = { version: this.version, refs: all };
    return all;
  }

  private stallCache: { version: number; refs: StallRef[] } | undefined;

  /** Total dispatch slices held. */
  get sliceCount(): number {
    return this.tracks.reduce((n, t) => n + t.sliceCount, 0);
  }

  /** Bytes held by slice columns and pyramids (the bulk of the page's memory). */
  get byteLength(): number {
    let bytes = 0;
    for (const track of this.tracks) for (const lane of track.lanes) bytes += lane.slices.byteLength + lane.lod.byteLength;
    return bytes;
  }
}
