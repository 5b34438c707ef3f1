/**
 * Translates a session store into view-protocol messages: each `collect()` returns what was added
 * since the previous one, batched per session, so the panel posts a few messages per tick.
 */
import type { DispatchChunk, PausedInterval } from '../../model/loopData';
import type { Session } from '../collector/sessionStore';
import type { DispatchesMessage, SessionDescriptor, ToWebview } from '../../webview/protocol';
import type { ThreadPauses } from './pauseRegistry';
import { stallsOutsidePauses } from './pauseTracker';
import { displayTitle } from './sessionLabel';

/** Largest number of dispatches merged into one message (keeps each postMessage small). */
export const maxDispatchesPerMessage = 100_000;

/** What was already sent of one session. */
interface Cursor {
  lastChunk: DispatchChunk | undefined;
  /** The last item sent of each capped list (the store trims them oldest first, so counts would stop moving). */
  stalls: object | undefined;
  loop: object | undefined;
  gc: object | undefined;
  paused: object | undefined;
  hostPaused: number;
  sites: number;
  pool: object | undefined;
  poolSaturations: object | undefined;
  gaps: number;
  ended: boolean;
}

/** Where a feed reads sessions and the debugger's pauses from. */
export interface FeedSource {
  sessions(): readonly Session[];
  pausesFor(session: Session): ThreadPauses;
}

/** The page's descriptor of a session. */
export function describeSession(session: Session): SessionDescriptor {
  const { pid, tid, startedAt, stallThresholdMs } = session.info;
  return { id: session.id, pid, tid, title: displayTitle(session.info), live: session.live, startedAt, stallThresholdMs };
}

/** Incremental store → ToWebview translation; `reset()` makes the next `collect()` replay everything. */
export class ViewFeed {
  private cursors = new Map<string, Cursor>();

  constructor(private readonly source: FeedSource) {}

  /** Forgets what was sent (the page was reloaded or told to reset). */
  reset(): void {
    this.cursors.clear();
  }

  /** Messages that bring the page up to date with the store. */
  collect(): ToWebview[] {
    const out: ToWebview[] = [];
    const seen = new Set<string>();
    for (const session of this.source.sessions()) {
      seen.add(session.id);
      let cursor = this.cursors.get(session.id);
      if (!cursor) {
        cursor = { lastChunk: undefined, stalls: undefined, loop: undefined, gc: undefined, paused: undefined, hostPaused: 0, sites: 0, pool: undefined, poolSaturations: undefined, gaps: 0, ended: false };
        this.cursors.set(session.id, cursor);
        out.push({ type: 'sessionStarted', session: describeSession(session) });
      }
      this.collectSession(session, cursor, out);
    }
    for (const id of this.cursors.keys()) if (!seen.has(id)) this.cursors.delete(id);
    return out;
  }

  private collectSession(session: Session, cursor: Cursor, out: ToWebview[]): void {
    const sessionId = session.id;
    out.push(...dispatchMessages(session, newChunks(session.chunks, cursor.lastChunk)));
    cursor.lastChunk = session.chunks[session.chunks.length - 1] ?? cursor.lastChunk;

    const pauses = this.source.pausesFor(session);
    const newStalls = after(session.stalls, cursor.stalls);
    cursor.stalls = session.stalls[session.stalls.length - 1] ?? cursor.stalls;
    const kept = stallsOutsidePauses(newStalls, [...session.paused, ...pauses.intervals], pauses.openSince);
    if (kept.length) out.push({ type: 'stalls', sessionId, stalls: kept });

    const loop = after(session.loop, cursor.loop);
    cursor.loop = session.loop[session.loop.length - 1] ?? cursor.loop;
    if (loop.length) out.push({ type: 'loop', sessionId, samples: loop });

    const gc = after(session.gc, cursor.gc);
    cursor.gc = session.gc[session.gc.length - 1] ?? cursor.gc;
    if (gc.length) out.push({ type: 'gc', sessionId, pauses: gc });

    const paused: PausedInterval[] = [...after(session.paused, cursor.paused), ...tail(pauses.intervals, cursor.hostPaused)];
    cursor.paused = session.paused[session.paused.length - 1] ?? cursor.paused;
    cursor.hostPaused = pauses.intervals.length;
    if (paused.length) out.push({ type: 'paused', sessionId, intervals: paused });

    const pool = after(session.pool, cursor.pool);
    const saturations = after(session.poolSaturations, cursor.poolSaturations);
    cursor.pool = session.pool[session.pool.length - 1] ?? cursor.pool;
    cursor.poolSaturations = session.poolSaturations[session.poolSaturations.length - 1] ?? cursor.poolSaturations;
    if (pool.length || saturations.length) out.push({ type: 'pool', sessionId, samples: pool, saturations });
    const gaps = tail(session.gaps, cursor.gaps);
    cursor.gaps = session.gaps.length;
    if (gaps.length) out.push({ type: 'gaps', sessionId, gaps });

    if (session.sites.size > cursor.sites) {
      out.push({ type: 'sites', sessionId, sites: [...session.sites.values()].slice(cursor.sites) });
      cursor.sites = session.sites.size;
    }

    if (!session.live && !cursor.ended) {
      cursor.ended = true;
      out.push({ type: 'sessionEnded', sessionId, endedAt: session.endedAt!, reason: session.endReason });
    }
  }
}

/** Items after index `from`; when the array shrank (trimmed), everything it holds. */
function tail<T>(items: readonly T[], from: number): T[] {
  return from > items.length ? [...items] : items.slice(from);
}

/** Items after `last` (searched from the end); all of them when `last` is undefined or was trimmed away. */
function after<T extends object>(items: readonly T[], last: object | undefined): T[] {
  if (!last) return [...items];
  for (let i = items.length - 1; i >= 0; i--) if (items[i] === last) return items.slice(i + 1);
  return [...items];
}

/** The chunks after `last`; all of them when `last` is gone (the store drops oldest first, so the rest are newer). */
export function newChunks(chunks: readonly DispatchChunk[], last: DispatchChunk | undefined): DispatchChunk[] {
  if (!last) return [...chunks];
  for (let i = chunks.length - 1; i >= 0; i--) if (chunks[i] === last) return chunks.slice(i + 1);
  return [...chunks];
}

/** Merges chunks into as few `dispatches` messages as the size cap allows. */
export function dispatchMessages(session: Pick<Session, 'id' | 'resourceTypes'>, chunks: readonly DispatchChunk[]): DispatchesMessage[] {
  const out: DispatchesMessage[] = [];
  let batch: DispatchChunk[] = [];
  let size = 0;
  const flush = () => {
    if (!batch.length) return;
    out.push({ type: 'dispatches', sessionId: session.id, resourceTypes: [...session.resourceTypes], ...concatChunks(batch) });
    batch = [];
    size = 0;
  };
  for (const c of chunks) {
    if (c.count === 0) continue;
    if (size + c.count > maxDispatchesPerMessage) flush();
    batch.push(c);
    size += c.count;
  }
  flush();
  return out;
}

/** One chunk holding the rows of several, in order. */
export function concatChunks(chunks: readonly DispatchChunk[]): DispatchChunk {
  if (chunks.length === 1) return chunks[0];
  const count = chunks.reduce((n, c) => n + c.count, 0);
  const out: DispatchChunk = { count, typeId: new Uint16Array(count), asyncId: new Float64Array(count),
    triggerAsyncId: new Float64Array(count), ts: new Float64Array(count), dur: new Float64Array(count) };
  let at = 0;
  for (const c of chunks) {
    out.typeId.set(c.typeId.subarray(0, c.count), at);
    out.asyncId.set(c.asyncId.subarray(0, c.count), at);
    out.triggerAsyncId.set(c.triggerAsyncId.subarray(0, c.count), at);
    out.ts.set(c.ts.subarray(0, c.count), at);
    out.dur.set(c.dur.subarray(0, c.count), at);
    at += c.count;
  }
  return out;
}

