import path from 'node:path';
import type { GcPause, LoopSample, Stall, ThreadInfo } from '../../model/loopData';
import type { Session, SessionStore } from '../collector/sessionStore';

/**
 * The newest thread-pool reading of a thread, taken from its session's `pool` samples
 * (`PoolSample`, model/loopData.ts); a thread that never used the pool has none and exports none.
 */
export interface ThreadPoolSample {
  /** Epoch microseconds. */
  ts: number;
  /** libuv thread-pool requests queued or running at `ts` (fs, dns.lookup, crypto, zlib). */
  inFlight: number;
  /** The same count split by kind of request, when the agent knows it. */
  byKind?: Record<string, number>;
}

/** The attributes every data point of one thread carries (OpenTelemetry names). */
export interface ThreadAttributes {
  'process.pid': number;
  'thread.id': number;
  'thread.name': string;
  /** The program's OTEL_SERVICE_NAME when its agent sent one, else its main script's name. */
  'service.name': string;
  [key: string]: string | number;
}

/** Loop figures of one thread over the last window, in the units they are exported in. */
export interface LoopWindow {
  /** Mean of the samples' median delays, seconds. */
  p50: number;
  /** Largest p99 delay of any sample in the window, seconds. */
  p99: number;
  /** Largest delay in the window, seconds. */
  max: number;
  /** Mean utilisation, 0..1. */
  utilization: number;
}

/** What the export knows of one thread: latest window of loop samples and running totals. */
export class ThreadMetrics {
  /** Loop samples of the last window, oldest first. */
  readonly recentLoop: LoopSample[] = [];
  /** GC seconds and pauses by kind (`major`, `minor`, …), since the thread connected. */
  readonly gcSeconds = new Map<string, number>();
  readonly gcCount = new Map<string, number>();
  stallCount = 0;
  stallSeconds = 0;
  /** Latest thread-pool sample, when the session carries any. */
  threadPool: ThreadPoolSample | undefined;
  /** Collector-clock milliseconds when the session ended; undefined while live. */
  endedAtMs: number | undefined;
  // The newest item already counted of each list: the store trims lists from the front, so an
  // index would shift; an object reference does not.
  lastLoop: LoopSample | undefined;
  lastStall: Stall | undefined;
  lastGc: GcPause | undefined;

  constructor(readonly attributes: ThreadAttributes) {}

  /** Aggregates the loop samples taken within `windowMs` of the newest; undefined before the first sample. */
  loopWindow(windowMs: number): LoopWindow | undefined {
    const samples = this.recentLoop;
    if (samples.length === 0) return undefined;
    const from = samples[samples.length - 1].ts - windowMs * 1000;
    let n = 0;
    let p50 = 0;
    let p99 = 0;
    let max = 0;
    let utilization = 0;
    for (const s of samples) {
      if (s.ts < from) continue;
      n++;
      p50 += s.p50;
      utilization += s.utilization;
      p99 = Math.max(p99, s.p99);
      max = Math.max(max, s.max);
    }
    return { p50: p50 / n / 1000, p99: p99 / 1000, max: max / 1000, utilization: utilization / n };
  }
}

/** Told of each new stall, with its thread. */
export type StallListener = (stall: Stall, thread: ThreadMetrics) => void;

/** Options of a `StoreMetrics`. */
export interface StoreMetricsOptions {
  /** Loop figures are aggregated over this many milliseconds of samples (default 10,000: the default export interval). */
  windowMs?: number;
  /** An ended thread's series are dropped this long after it ended (default 60,000 ms), after a last export. */
  forgetEndedAfterMs?: number;
  /** Called once for each new stall, with its thread (more with `onStall`). */
  onStall?: StallListener;
  /** The clock, for tests (default Date.now). */
  now?: () => number;
}

/**
 * Follows a SessionStore and keeps, per thread, what the exporters read: the loop samples of the
 * last window and running totals of GC and stalls. Plain data, no OpenTelemetry import, so the
 * mapping is unit tested without a backend.
 */
export class StoreMetrics {
  private readonly threads = new Map<Session, ThreadMetrics>();
  private readonly stallListeners: StallListener[] = [];
  private readonly windowMs: number;
  private readonly forgetMs: number;
  private readonly now: () => number;
  private readonly onUpdated = (s: Session) => this.ingest(s);
  private readonly onEnded = (s: Session) => {
    this.ingest(s);
    const t = this.threads.get(s);
    if (t) t.endedAtMs = this.now();
  };
  private readonly onCleared = () => this.threads.clear();

  constructor(private readonly store: SessionStore, options: StoreMetricsOptions = {}) {
    this.windowMs = options.windowMs ?? 10_000;
    this.forgetMs = options.forgetEndedAfterMs ?? 60_000;
    this.now = options.now ?? Date.now;
    if (options.onStall) this.stallListeners.push(options.onStall);
    store.on('added', this.onUpdated);
    store.on('updated', this.onUpdated);
    store.on('ended', this.onEnded);
    store.on('cleared', this.onCleared);
    for (const s of store.list()) {
      this.ingest(s);
      if (!s.live) this.threads.get(s)!.endedAtMs = this.now();
    }
  }

  /** The threads to export now: live ones and those that ended less than `forgetEndedAfterMs` ago. */
  current(): ThreadMetrics[] {
    const now = this.now();
    for (const [session, t] of this.threads) {
      if (t.endedAtMs !== undefined && now - t.endedAtMs > this.forgetMs) this.threads.delete(session);
    }
    return [...this.threads.values()];
  }

  /** Adds a listener told of each stall that arrives from now on. */
  onStall(listener: StallListener): void {
    this.stallListeners.push(listener);
  }

  /** The window loop figures are aggregated over, in milliseconds. */
  get loopWindowMs(): number {
    return this.windowMs;
  }

  /** Stops following the store. */
  dispose(): void {
    this.store.off('added', this.onUpdated);
    this.store.off('updated', this.onUpdated);
    this.store.off('ended', this.onEnded);
    this.store.off('cleared', this.onCleared);
  }

  private ingest(session: Session): void {
    let t = this.threads.get(session);
    if (!t) {
      t = new ThreadMetrics(threadAttributes(session.info));
      this.threads.set(session, t);
    }
    if (session.live) t.endedAtMs = undefined;
    const loop = newItems(session.loop, t.lastLoop);
    if (loop.length) {
      t.lastLoop = loop[loop.length - 1];
      t.recentLoop.push(...loop);
      const from = t.lastLoop.ts - this.windowMs * 1000;
      let drop = 0;
      while (drop < t.recentLoop.length && t.recentLoop[drop].ts < from) drop++;
      if (drop) t.recentLoop.splice(0, drop);
    }
    const gc = newItems(session.gc, t.lastGc);
    if (gc.length) {
      t.lastGc = gc[gc.length - 1];
      for (const g of gc) {
        t.gcSeconds.set(g.kind, (t.gcSeconds.get(g.kind) ?? 0) + g.dur / 1e6);
        t.gcCount.set(g.kind, (t.gcCount.get(g.kind) ?? 0) + 1);
      }
    }
    const stalls = newItems(session.stalls, t.lastStall);
    if (stalls.length) {
      t.lastStall = stalls[stalls.length - 1];
      for (const s of stalls) {
        t.stallCount++;
        t.stallSeconds += s.dur / 1e6;
        for (const listener of this.stallListeners) listener(s, t);
      }
    }
    const pool = threadPoolOf(session);
    if (pool) t.threadPool = pool;
  }
}

/** The items of `list` after `last` (all of them when `last` is not in it any more). */
function newItems<T>(list: readonly T[], last: T | undefined): readonly T[] {
  if (list.length === 0 || list[list.length - 1] === last) return [];
  const at = last === undefined ? -1 : list.lastIndexOf(last);
  return list.slice(at + 1);
}

/** The newest thread-pool sample of a session (its `pool` samples), checked field by field. */
export function threadPoolOf(session: Session): ThreadPoolSample | undefined {
  const list: unknown = session.pool;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const last = list[list.length - 1] as Partial<ThreadPoolSample> | undefined;
  if (!last || typeof last.inFlight !== 'number' || !Number.isFinite(last.inFlight)) return undefined;
  const byKind =
    last.byKind && typeof last.byKind === 'object'
      ? Object.fromEntries(Object.entries(last.byKind).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)))
      : undefined;
  return { ts: typeof last.ts === 'number' ? last.ts : 0, inFlight: last.inFlight, byKind };
}

/** The attributes of a thread's data points. */
export function threadAttributes(info: ThreadInfo): ThreadAttributes {
  return {
    'process.pid': info.pid,
    'thread.id': info.tid,
    'thread.name': info.isMainThread ? 'main' : info.title,
    'service.name': serviceName(info),
  };
}

/** The program's own OTEL_SERVICE_NAME (sent by its agent), else its main script's base name, else its title. */
export function serviceName(info: ThreadInfo): string {
  const sent = (info as { serviceName?: unknown }).serviceName;
  if (typeof sent === 'string' && sent.trim()) return sent.trim();
  const script = info.argv[1];
  if (script && !script.startsWith('-')) {
    const base = path.basename(script).replace(/\.(c|m)?[jt]s$/, '');
    if (base) return base;
  }
  return info.title || 'node';
}
