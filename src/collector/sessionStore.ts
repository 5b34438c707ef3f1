import { EventEmitter } from 'node:events';
import type { CallbackSite, DispatchChunk, GcPause, LoopSample, PausedInterval, PoolSample, PoolSaturation, RecordingGap, Stall, ThreadInfo } from '../../model/loopData';
import { closeGap, earliestTs, openGap } from './recordingGaps';

/** Limits that keep a store's memory bounded whatever the load. */
export interface StoreLimits {
  /** Dispatches kept per store (all sessions together); older chunks are dropped first. */
  maxEvents: number;
  /** Dispatches older than this many milliseconds before the newest one are dropped. */
  maxAgeMs: number;
}

/** Defaults: the last 5 minutes or 2M dispatches, whichever is smaller. */
export const defaultStoreLimits: StoreLimits = { maxEvents: 2_000_000, maxAgeMs: 5 * 60_000 };

/** Everything received from one thread of one process. */
export class Session {
  readonly chunks: DispatchChunk[] = [];
  readonly stalls: Stall[] = [];
  readonly loop: LoopSample[] = [];
  readonly gc: GcPause[] = [];
  readonly paused: PausedInterval[] = [];
  /** Thread-pool pressure samples and saturation spans (sent only while the pool is in use). */
  readonly pool: PoolSample[] = [];
  readonly poolSaturations: PoolSaturation[] = [];
  /** Intervals lost while the agent could not reach the collector. */
  readonly gaps: RecordingGap[] = [];
  /** While reconnected but before new data came: where the gap being measured starts. */
  gapFrom: number | undefined;
  readonly sites = new Map<number, CallbackSite>();
  /** Resource type names; a dispatch's `typeId` indexes this. */
  readonly resourceTypes: string[] = [];
  /** Dispatches held in `chunks`. */
  eventCount = 0;
  /** Dispatches the agent dropped (ring full) plus those the store dropped (limits). */
  droppedByAgent = 0;
  droppedByStore = 0;
  /** Epoch microseconds when the connection closed; undefined while live. */
  endedAt: number | undefined;
  /** Why the session ended, when it did not end by a clean goodbye. */
  endReason: string | undefined;

  constructor(readonly id: string, readonly info: ThreadInfo) {}

  /** True while the agent is connected. */
  get live(): boolean {
    return this.endedAt === undefined;
  }
}

/** Events a store emits; views subscribe to redraw. */
export interface SessionStoreEvents {
  added: [Session];
  /** New data of any kind arrived for the session. */
  updated: [Session];
  ended: [Session];
  cleared: [];
}

/** All sessions of a collector, keyed by session id, with bounded memory. */
export class SessionStore extends EventEmitter<SessionStoreEvents> {
  private readonly sessions = new Map<string, Session>();
  private totalEvents = 0;
  private nextSerial = 1;

  constructor(private limits: StoreLimits = defaultStoreLimits) {
    super();
  }

  /** Changes the limits; applies them at once. */
  setLimits(limits: StoreLimits): void {
    this.limits = limits;
    this.enforceLimits();
  }

  /** Opens a session for a newly connected thread, or reopens the one an agent reconnects to. */
  open(info: ThreadInfo): Session {
    for (const s of this.sessions.values()) {
      if (s.info.pid === info.pid && s.info.tid === info.tid && s.info.startedAt === info.startedAt) {
        if (!s.live && s.endReason !== undefined) openGap(s);
        s.endedAt = undefined;
        s.endReason = undefined;
        return s;
      }
    }
    const id = `${info.pid}:${info.tid}:${this.nextSerial++}`;
    const session = new Session(id, info);
    this.sessions.set(id, session);
    this.emit('added', session);
    return session;
  }

  /** All sessions, oldest first. */
  list(): Session[] {
    return [...this.sessions.values()];
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Adds a block of dispatches and drops the oldest data past the limits. */
  addDispatches(session: Session, chunk: DispatchChunk): void {
    if (chunk.count === 0) return;
    if (session.gapFrom !== undefined) closeGap(session, earliestTs(chunk));
    session.chunks.push(chunk);
    session.eventCount += chunk.count;
    this.totalEvents += chunk.count;
    this.enforceLimits();
    this.emit('updated', session);
  }

  /** Notes that the session changed in a way other than dispatches (stall, sample, …). */
  touch(session: Session): void {
    this.emit('updated', session);
  }

  /** Marks a session ended; its data stays. */
  end(session: Session, ts: number, reason?: string): void {
    if (!session.live) return;
    session.endedAt = ts;
    session.endReason = reason;
    this.emit('ended', session);
  }

  /** Forgets one session and its data (a long-running collector drops ended ones). */
  remove(session: Session): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.totalEvents -= session.eventCount;
  }

  /** Forgets every session. */
  clear(): void {
    this.sessions.clear();
    this.totalEvents = 0;
    this.emit('cleared');
  }

  /** Total dispatches held. */
  get eventCount(): number {
    return this.totalEvents;
  }

  private enforceLimits(): void {
    const { maxEvents, maxAgeMs } = this.limits;
    let newest = 0;
    for (const s of this.sessions.values()) {
      const last = s.chunks[s.chunks.length - 1];
      if (last) newest = Math.max(newest, last.ts[last.count - 1]);
    }
    const oldestAllowed = newest - maxAgeMs * 1000;
    // Drop whole chunks, oldest first across sessions, so that dropping stays O(chunks).
    while (this.totalEvents > maxEvents || this.oldestChunkTs() < oldestAllowed) {
      const victim = this.sessionWithOldestChunk();
      if (!victim) break;
      const chunk = victim.chunks.shift()!;
      victim.eventCount -= chunk.count;
      victim.droppedByStore += chunk.count;
      this.totalEvents -= chunk.count;
    }
  }

  private oldestChunkTs(): number {
    const s = this.sessionWithOldestChunk();
    return s ? s.chunks[0].ts[0] : Infinity;
  }

  private sessionWithOldestChunk(): Session | undefined {
    let best: Session | undefined;
    for (const s of this.sessions.values()) {
      if (s.chunks.length && (!best || s.chunks[0].ts[0] < best.chunks[0].ts[0])) best = s;
    }
    return best;
  }
}
