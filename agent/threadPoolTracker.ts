/**
 * Thread-pool pressure: the requests the loop hands to libuv's thread pool (fs, crypto, zlib,
 * dns.lookup), counted from submission to the run of their callback, against the pool's size.
 * The recorder's hooks call `onInit` and `onBefore`; for any other resource type they cost one
 * typed-array read. Every table is preallocated: nothing is allocated per request.
 */
import { performance } from 'node:perf_hooks';
import type { PoolMessage, PoolSaturationMessage } from './protocol';

/** How a pool request's submission is seen. */
export enum Submit {
  /** Not a thread-pool request. */
  None = 0,
  /** Created right before it is queued (fs, dns): `init` is the submission. */
  AtInit = 1,
  /**
   * A crypto job: created for sync and async use alike; an async one gets `ondone` set, then
   * `run()` queues it. Not seen: Node 24's webcrypto jobs (`crypto.subtle`), whose `run()` returns
   * a promise and which never get an `ondone` (Node 20's do).
   */
  AtRun = 2,
  /** A zlib handle: one per stream; each `write()` queues one piece of work. */
  AtWrite = 3,
  /** A constructor name the recorder falls back to for a long-lived resource: completion only. */
  CompletesOnly = 4,
}

/**
 * Node's async resource types (src/async_wrap.h, Node 20–24) whose work runs on the pool, and how
 * their submission is seen. FSREQPROMISE and FILEHANDLECLOSEREQ (fs.promises) call back through
 * `MakeCallback` like the others, so `before` sees them with promise hooks off.
 */
export const POOL_TYPES: Readonly<Record<string, Submit>> = {
  FSREQCALLBACK: Submit.AtInit,
  FSREQPROMISE: Submit.AtInit,
  FILEHANDLECLOSEREQ: Submit.AtInit,
  GETADDRINFOREQWRAP: Submit.AtInit,
  GETNAMEINFOREQWRAP: Submit.AtInit,
  ZLIB: Submit.AtWrite,
  PBKDF2REQUEST: Submit.AtRun,
  SCRYPTREQUEST: Submit.AtRun,
  RANDOMBYTESREQUEST: Submit.AtRun,
  RANDOMPRIMEREQUEST: Submit.AtRun,
  CHECKPRIMEREQUEST: Submit.AtRun,
  KEYGENREQUEST: Submit.AtRun,
  KEYPAIRGENREQUEST: Submit.AtRun,
  KEYEXPORTREQUEST: Submit.AtRun,
  CIPHERREQUEST: Submit.AtRun,
  DERIVEBITSREQUEST: Submit.AtRun,
  HASHREQUEST: Submit.AtRun,
  SIGNREQUEST: Submit.AtRun,
  VERIFYREQUEST: Submit.AtRun,
  ARGON2REQUEST: Submit.AtRun,
};

/**
 * The names a request has when the recorder's type cache no longer holds it and it is named by
 * its constructor: its callback must still end its wait. Crypto jobs are all `…Job`.
 */
const COMPLETION_NAMES = new Set(['FSReqCallback', 'FSReqPromise', 'FileHandleCloseReq', 'GetAddrInfoReqWrap', 'GetNameInfoReqWrap', 'Zlib', 'BrotliEncoder', 'BrotliDecoder']);

/** How a resource type's requests are seen (`Submit.None` for all that are not the pool's). */
export function submitModeOf(name: string): Submit {
  return POOL_TYPES[name] ?? (COMPLETION_NAMES.has(name) || /^[A-Z][A-Za-z0-9]*Job$/.test(name) ? Submit.CompletesOnly : Submit.None);
}

/** libuv's default pool size and its cap (deps/uv/src/threadpool.c). */
export const DEFAULT_POOL_SIZE = 4;
export const MAX_POOL_SIZE = 1024;
/** More requests in flight than threads for at least this long is a saturation. */
export const SATURATION_MS = 50;
/** A request still "in flight" after this long lost its callback (one that failed synchronously): it is dropped. */
export const STALE_MS = 120_000;

/** The pool size libuv takes from `UV_THREADPOOL_SIZE`: `atoi`, 0 → 1, above 1024 (or negative, as unsigned) → 1024. */
export function poolSizeFrom(value: string | undefined): number {
  if (value === undefined) return DEFAULT_POOL_SIZE;
  const m = /^\s*([+-]?)(\d+)/.exec(value);
  if (!m) return 1;
  const n = Number(m[2]);
  if (n === 0) return 1;
  if (m[1] === '-') return MAX_POOL_SIZE;
  return Math.min(n, MAX_POOL_SIZE);
}

/** Options of a tracker; the defaults are the agent's. */
export interface PoolTrackerOptions {
  /** Milliseconds on the recording thread's clock (default `performance.now`). */
  now?: () => number;
  /** Reads the pool size when the first request is seen: libuv reads it when its pool starts. */
  readSize?: () => number;
  /** Epoch ms of the clock's zero (default `performance.timeOrigin`). */
  origin?: number;
  /** Slots of the in-flight table (a power of two). */
  capacity?: number;
}

/** What the recorder calls, and what the sampler reads. */
export interface ThreadPoolTracker {
  /** Learns resource type names by their ids (the recorder's `types` sink). */
  noteTypes(from: number, names: readonly string[]): void;
  /** A resource was created: for a pool type, a request is submitted (or its submitting method is watched). */
  onInit(typeId: number, asyncId: number, resource: object): void;
  /** A callback is about to run at `t`: for a pool request, its wait ends. */
  onBefore(typeId: number, asyncId: number, t: number): void;
  /** A request submitted outside `init` (a crypto job given its `ondone`, a zlib `write`). */
  submit(asyncId: number, t: number): void;
  /** The window since the last sample, or undefined when the pool has been quiet for a whole window. */
  sample(t: number): PoolMessage | undefined;
  /** Saturation spans that ended since the last call; with `closeAt`, one still open is ended there (at exit). */
  saturations(closeAt?: number): PoolSaturationMessage[];
  /** Requests in flight now. */
  readonly inFlight: number;
}

const WAITS_KEPT = 256;
const SPANS_KEPT = 16;
const STALE_SWEEP_MS = 5000;

/** Creates a tracker with its tables allocated once. */
export function createThreadPoolTracker(options: PoolTrackerOptions = {}): ThreadPoolTracker {
  const now = options.now ?? (() => performance.now());
  const origin = options.origin ?? performance.timeOrigin;
  const readSize = options.readSize ?? (() => poolSizeFrom(process.env.UV_THREADPOOL_SIZE));
  const capacity = options.capacity ?? 8192;
  const mask = capacity - 1;
  // Beyond three quarters full, probing gets long: further requests are counted but not timed.
  const maxTracked = (capacity * 3) >> 2;

  const submitMode = new Uint8Array(65536);
  const keys = new Float64Array(capacity); // asyncId of an in-flight request; 0 = empty slot
  const since = new Float64Array(capacity);
  let tracked = 0;
  let untracked = 0;
  let size = 0;

  // The current window.
  let peak = 0;
  let completed = 0;
  let maxWait = 0;
  const waits = new Float64Array(WAITS_KEPT);
  const scratch = new Float64Array(WAITS_KEPT);
  let quietWindows = 2;
  let lastSweep = 0;

  // Saturation: more in flight than threads since `overSince` (NaN when not).
  let overSince = NaN;
  let overPeak = 0;
  let overMaxWait = 0;
  const spanStart = new Float64Array(SPANS_KEPT);
  const spanEnd = new Float64Array(SPANS_KEPT);
  const spanPeak = new Float64Array(SPANS_KEPT);
  const spanWait = new Float64Array(SPANS_KEPT);
  let spans = 0;

  const patched = new WeakSet<object>();
  const count = () => tracked + untracked;

  const rose = (t: number) => {
    const n = count();
    if (n > peak) peak = n;
    if (n > size && size > 0) {
      if (overSince !== overSince) {
        overSince = t;
        overPeak = n;
        overMaxWait = 0;
      } else if (n > overPeak) overPeak = n;
    }
  };

  const fell = (t: number) => {
    if (overSince === overSince && count() <= size) {
      if (t - overSince >= SATURATION_MS) keepSpan(overSince, t);
      overSince = NaN;
    }
  };

  const keepSpan = (start: number, end: number) => {
    // More than SPANS_KEPT spans between two reads (100 ms apart): the last one absorbs the rest.
    if (spans === SPANS_KEPT) {
      const i = SPANS_KEPT - 1;
      spanEnd[i] = end;
      spanPeak[i] = Math.max(spanPeak[i], overPeak);
      spanWait[i] = Math.max(spanWait[i], overMaxWait);
      return;
    }
    spanStart[spans] = start;
    spanEnd[spans] = end;
    spanPeak[spans] = overPeak;
    spanWait[spans] = overMaxWait;
    spans++;
  };

  const submit = (asyncId: number, t: number) => {
    if (size === 0) size = readSize();
    if (tracked >= maxTracked) {
      untracked++;
    } else {
      let i = asyncId & mask;
      while (keys[i] !== 0) {
        if (keys[i] === asyncId) return; // already in flight
        i = (i + 1) & mask;
      }
      keys[i] = asyncId;
      since[i] = t;
      tracked++;
    }
    rose(t);
  };

  /** Removes slot `i` by shifting later members of its probe run back (no tombstones). */
  const removeAt = (i: number) => {
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j];
      if (k === 0) break;
      const home = k & mask;
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const inRun = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRun) {
        keys[hole] = k;
        since[hole] = since[j];
        hole = j;
      }
    }
    keys[hole] = 0;
    tracked--;
  };

  const complete = (asyncId: number, t: number) => {
    let i = asyncId & mask;
    while (keys[i] !== 0) {
      if (keys[i] === asyncId) {
        const wait = t - since[i];
        removeAt(i);
        if (wait > maxWait) maxWait = wait;
        if (wait > overMaxWait && overSince === overSince) overMaxWait = wait;
        waits[completed % WAITS_KEPT] = wait;
        completed++;
        fell(t);
        return;
      }
      i = (i + 1) & mask;
    }
    // Not in the table: one counted without timing, or a zlib callback whose write was not seen.
    if (untracked > 0) {
      untracked--;
      completed++;
      fell(t);
    }
  };

  const watch = (resource: object, mode: Submit) => {
    const proto = Object.getPrototypeOf(resource) as Record<string, unknown> | null;
    if (!proto || patched.has(proto)) return;
    patched.add(proto);
    const self = tracker;
    try {
      if (mode === Submit.AtRun) {
        // Node sets `ondone` on an async job right before `run()` queues it; a sync job never has
        // one. Watching that assignment (not wrapping `run`) keeps the agent off the stack of a
        // blocking pbkdf2Sync, where a wrapper frame would sit above the user's line.
        Object.defineProperty(proto, 'ondone', {
          configurable: true,
          get: () => undefined,
          set(this: { getAsyncId?: () => number }, fn: unknown) {
            Object.defineProperty(this, 'ondone', { value: fn, writable: true, configurable: true, enumerable: true });
            try {
              if (typeof fn === 'function' && typeof this.getAsyncId === 'function') self.submit(this.getAsyncId(), now());
            } catch {
              // Never disturb the assignment.
            }
          },
        });
        return;
      }
      const original = proto.write;
      if (typeof original !== 'function') return;
      // Only the async `write` queues work (writeSync is left alone); it returns at once, so this
      // frame is never on a blocking stack. Same arity as the native method (7).
      const write = function write(this: { getAsyncId?: () => number }, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown) {
        try {
          if (typeof this.getAsyncId === 'function') self.submit(this.getAsyncId(), now());
        } catch {
          // Never disturb the call.
        }
        return (original as (...args: unknown[]) => unknown).call(this, a, b, c, d, e, f, g);
      };
      Object.defineProperty(proto, 'write', { value: write, writable: true, configurable: true, enumerable: false });
    } catch {
      // A frozen prototype: that type's requests simply go uncounted.
    }
  };

  const sweep = (t: number) => {
    for (let i = 0; i < capacity; i++) {
      if (keys[i] !== 0 && t - since[i] > STALE_MS) {
        removeAt(i);
        i--; // the shift may have moved another entry into slot i
      }
    }
    fell(t);
  };

  const tracker: ThreadPoolTracker = {
    noteTypes(from, names) {
      for (let i = 0; i < names.length; i++) {
        const id = from + i;
        if (id >= 0 && id < submitMode.length) submitMode[id] = submitModeOf(names[i]);
      }
    },
    onInit(typeId, asyncId, resource) {
      const mode = submitMode[typeId];
      if (mode === Submit.None) return;
      if (mode === Submit.AtInit) submit(asyncId, now());
      else if (mode !== Submit.CompletesOnly) watch(resource, mode);
    },
    onBefore(typeId, asyncId, t) {
      if (submitMode[typeId] === Submit.None) return;
      complete(asyncId, t);
    },
    submit,
    sample(t) {
      if (size === 0) return undefined;
      if (tracked > 0 && t - lastSweep > STALE_SWEEP_MS) {
        lastSweep = t;
        sweep(t);
      }
      const current = count();
      if (peak === 0 && completed === 0 && current === 0) {
        // One zero sample closes the graph; then nothing until the pool is used again.
        if (++quietWindows > 1) return undefined;
      } else {
        quietWindows = 0;
      }
      const kept = Math.min(completed, WAITS_KEPT);
      let p50 = 0;
      if (kept > 0) {
        for (let i = 0; i < kept; i++) scratch[i] = waits[i];
        const sorted = scratch.subarray(0, kept).sort();
        p50 = sorted[(kept - 1) >> 1];
      }
      const inFlight = Math.max(peak, current);
      const message: PoolMessage = {
        t: 'pool',
        ts: (origin + t) * 1000,
        inFlight,
        size,
        queued: Math.max(0, inFlight - size),
        completed,
        maxWaitMs: round(maxWait),
        p50WaitMs: round(p50),
      };
      peak = current;
      completed = 0;
      maxWait = 0;
      return message;
    },
    saturations(closeAt) {
      if (closeAt !== undefined && overSince === overSince) {
        if (closeAt - overSince >= SATURATION_MS) keepSpan(overSince, closeAt);
        overSince = NaN;
      }
      const out: PoolSaturationMessage[] = [];
      for (let i = 0; i < spans; i++) {
        out.push({
          t: 'poolSaturated', ts: (origin + spanStart[i]) * 1000, dur: (spanEnd[i] - spanStart[i]) * 1000,
          peak: spanPeak[i], size, maxWaitMs: round(spanWait[i]),
        });
      }
      spans = 0;
      return out;
    },
    get inFlight() {
      return count();
    },
  };
  return tracker;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
