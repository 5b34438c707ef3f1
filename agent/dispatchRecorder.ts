import asyncHooks from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { DISPATCH_FIELDS, F_ASYNC_ID, F_DUR, F_TRIGGER_ID, F_TS, F_TYPE } from './protocol';
import { C_DROPPED, C_IN_CALLBACK, C_READ, C_SLEEPING, C_WRITE, H_BEAT, H_HEARTBEAT, type RingViews } from './sharedRing';
import { enableWithoutPromiseHooks } from './promiseHookGuard';
import { createRunQueueClock } from './runQueueClock';
import type { ThreadPoolTracker } from './threadPoolTracker';

/** A loop turn, or a callback, that held the loop for at least the threshold; its stack is joined later. */
export interface StallCandidate {
  /** Start and end, ms on this thread's `performance.now()` clock. */
  start: number;
  end: number;
  asyncId: number;
  /** Resource type, or '' when the stall was outside any callback (microtasks, module code). */
  resourceType: string;
}

/** What the recorder tells its owner about. */
export interface RecorderSink {
  stall(candidate: StallCandidate): void;
  /** New resource type names, starting at index `from`. */
  types(from: number, names: string[]): void;
  /** A resource whose callback once ran long was created again; `stack` is its creation site. */
  site(asyncId: number, stack: string[][]): void;
}

/** Options for the recorder. */
export interface RecorderOptions {
  ring: RingViews;
  stallThresholdMs: number;
  promises: boolean;
  sink: RecorderSink;
  /** This file, so the agent can tell whether user code ran before it. */
  selfFile: string;
  /** Enable the hook as is, never stubbing promise hooks (for a program already running). */
  plainHooks?: boolean;
  /** The agent's own resources (its worker and ports): their callbacks are never recorded. */
  ownResources: WeakSet<object>;
  /** Called when the first callback after an idle spell wakes the watchdog (rare: not per callback). */
  onWake?(): void;
  /** Thread-pool pressure: told of every resource's creation and every callback (agent/threadPoolTracker.ts). */
  pool?: Pick<ThreadPoolTracker, 'onInit' | 'onBefore'>;
}

/** Records every before/after pair into the shared ring and notices stalls; `stop()` disables the hooks. */
export interface DispatchRecorder {
  stop(): void;
  /** Called by the agent's own timer: keeps the heartbeat fresh and detects stalls outside callbacks. */
  beat(): void;
  /** Marks the callback now running as the agent's own so that it is not recorded. */
  markAgentCallback(): void;
  /** Ends any stall in progress (at exit). */
  finish(): void;
  /** True when a callback of the program ran within the last `ms` milliseconds. */
  activeWithin(ms: number): boolean;
  /** Runs `schedule`, which creates one of the agent's own resources: its callbacks are never recorded. */
  asAgent<T>(schedule: () => T): T;
  /** Short nextTick callbacks counted (not recorded) since the last call; resets the count. */
  takeFolded(): number;
}

const MAX_DEPTH = 256;
const TYPE_TABLE = 1 << 16; // direct-mapped asyncId → type cache; a miss falls back to the resource itself
/**
 * nextTick callbacks shorter than this are counted, not recorded: they are most of a server's
 * dispatches (10 of 13 per HTTP request) and, at 0.2 µs a clock read on a loaded machine, timing
 * each from both ends was a large part of the agent's cost. They are timed from the previous
 * hook to their end (one clock read), so a long one is still recorded and can be a stall.
 */
const FOLD_BELOW_MS = 1;
/** stackOwn value of a nextTick callback being timed from the previous hook. */
const FOLD = 2;
/** Slots of the recorder's `marks`: the last sign of life (a hook or the beat), and the last hook. */
const M_LAST_EVENT = 0;
const M_LAST_HOOK = 1;

/** Installs the hooks. Every hook body is guarded: a throw inside an async hook kills the process. */
export function startDispatchRecorder(options: RecorderOptions): DispatchRecorder {
  const { ring, sink } = options;
  const { control, clock, records, capacity } = ring;
  const mask = capacity - 1;
  const threshold = options.stallThresholdMs;
  const origin = performance.timeOrigin;
  const now = () => performance.now();
  const pool = options.pool;

  // Preallocated per-depth state of the callbacks currently running (callbacks nest).
  const stackStart = new Float64Array(MAX_DEPTH);
  const stackAsyncId = new Float64Array(MAX_DEPTH);
  const stackTrigger = new Float64Array(MAX_DEPTH);
  const stackType = new Uint16Array(MAX_DEPTH);
  const stackOwn = new Uint8Array(MAX_DEPTH);
  let depth = 0;

  // One entry per slot, [asyncId, triggerAsyncId, type] side by side: one array instead of three.
  const table = new Float64Array(TYPE_TABLE * 3);

  const typeIds = new Map<string, number>();
  const typeNames: string[] = [];
  const typeIdOf = (name: string): number => {
    let id = typeIds.get(name);
    if (id === undefined) {
      id = typeNames.length;
      typeNames.push(name);
      typeIds.set(name, id);
      sink.types(id, [name]);
    }
    return id;
  };
  const unknownType = typeIdOf('UNKNOWN');
  const promiseType = typeIdOf('PROMISE');
  const tickType = typeIdOf('TickObject');
  let folded = 0;

  // Callbacks that once ran long: their next resources get a creation-site stack (cheap: only those).
  const slowCallbacks = new WeakSet<object>();
  let slowSeen = false;

  // The last sign of life (a hook or the agent's beat), Infinity until the loop runs (evaluating
  // the main module before the first turn is start-up, not a stall), and the last hook. In a typed
  // array, not in `let`s: V8 boxes a double assigned to a closure variable, a heap number per hook.
  const marks = new Float64Array(2);
  marks[M_LAST_EVENT] = Infinity;
  // The agent's own timers, by asyncId (a few, re-armed over time): skipped before any bookkeeping.
  const ownIds = new Float64Array(4);
  let ownNext = 0;
  let schedulingOwn = false;
  const isOwn = (asyncId: number) => asyncId === ownIds[0] || asyncId === ownIds[1] || asyncId === ownIds[2] || asyncId === ownIds[3];
  let inHook = false; // re-entry guard: the agent's own work inside a hook is never recorded

  const heartbeat = (t: number) => {
    clock[H_HEARTBEAT] = origin + t;
  };

  // A gap between two signs of life that the loop did not spend idle is a stall outside any
  // callback (microtasks after one, such as await continuations). libuv's idle counter (a 55 ns
  // read) is taken at most every 5 ms at the end of a callback, and at each beat: idle time from
  // before a gap is then counted against it by at most 5 ms, and a busy program does not pay per event.
  const timing = performance.nodeTiming;
  // A turn held by the machine (the thread runnable but given no CPU) is not the code blocking:
  // a quarter of the threshold must be the thread's own time, on CPU or in a syscall. A quiet
  // program that was preempted is dropped (its own time is near zero); a busy loop on a loaded
  // machine still gets some CPU and stays a stall.
  const runQueueWait = createRunQueueClock();
  let waitAtRead = runQueueWait?.() ?? 0;
  let waitReadAt = now();
  const heldByCode = (dur: number) => dur - (runQueueWait ? runQueueWait() - waitAtRead : 0) >= threshold / 4;
  let idleAtLastEvent = timing.idleTime;
  let idleReadAt = now();
  const gapStall = (t: number) => {
    const gap = t - marks[M_LAST_EVENT];
    if (gap >= threshold) {
      const busy = gap - (timing.idleTime - idleAtLastEvent);
      if (busy >= threshold && heldByCode(busy)) sink.stall({ start: marks[M_LAST_EVENT], end: marks[M_LAST_EVENT] + busy, asyncId: 0, resourceType: '' });
    }
  };

  const init = (asyncId: number, type: string, triggerAsyncId: number, resource: object) => {
    if (schedulingOwn) {
      ownIds[ownNext++ & 3] = asyncId;
      return;
    }
    if (inHook) return;
    inHook = true;
    try {
      const entry = (asyncId & (TYPE_TABLE - 1)) * 3;
      const typeId = type === 'TickObject' ? tickType : typeIdOf(type);
      table[entry] = asyncId;
      table[entry + 1] = triggerAsyncId;
      table[entry + 2] = typeId;
      pool?.onInit(typeId, asyncId, resource); // thread-pool pressure: a request may be submitted
      if (slowSeen) {
        const cb = callbackOf(resource);
        if (cb && slowCallbacks.has(cb)) sink.site(asyncId, captureStack(3));
      }
    } catch {
      // Never throw into user code.
    } finally {
      inHook = false;
    }
  };

  const before = (asyncId: number) => {
    try {
      // The agent's own beat is invisible: no depth, no heartbeat, no activity.
      if (isOwn(asyncId)) return;
      // A nextTick callback starts where the previous hook left off: ticks run back to back
      // after a callback, with no clock read here. Its span then also covers any microtasks
      // that queued it, an upper bound that only matters when it is long (it is then recorded).
      const entry = (asyncId & (TYPE_TABLE - 1)) * 3;
      const known = table[entry] === asyncId;
      if (known && table[entry + 2] === tickType) {
        if (depth === 0) control[C_IN_CALLBACK] = 1;
        if (depth < MAX_DEPTH) {
          stackStart[depth] = marks[M_LAST_EVENT];
          stackAsyncId[depth] = asyncId;
          stackTrigger[depth] = table[entry + 1];
          stackType[depth] = tickType;
          stackOwn[depth] = FOLD;
        }
        depth++;
        return;
      }
      const t = now();
      if (depth === 0) {
        gapStall(t);
        control[C_IN_CALLBACK] = 1;
        // Re-read the runqueue wait at most every 10 ms (one small syscall), so that little wait
        // from before a stall is counted against it.
        if (runQueueWait && t - waitReadAt > 10) {
          waitAtRead = runQueueWait();
          waitReadAt = t;
        }
        // The watchdog sleeps while the loop is idle; the first callback after that wakes it.
        if (control[C_SLEEPING] === 1) {
          control[C_SLEEPING] = 0;
          Atomics.notify(control, C_SLEEPING);
          options.onWake?.();
        }
      }
      if (depth < MAX_DEPTH) {
        let type = unknownType;
        let trigger: number;
        let own = false;
        if (known) {
          type = table[entry + 2];
          trigger = table[entry + 1];
        } else {
          // A resource created long ago (its entry was overwritten by newer ones): looked up the
          // slow way once, then put back, so that a long-lived socket pays this once per wrap of the table.
          const resource = asyncHooks.executionAsyncResource();
          own = options.ownResources.has(resource);
          type = typeIdOf(resourceTypeName(resource));
          trigger = asyncHooks.triggerAsyncId();
          if (!own) {
            table[entry] = asyncId;
            table[entry + 1] = trigger;
            table[entry + 2] = type;
          }
        }
        stackStart[depth] = t;
        stackAsyncId[depth] = asyncId;
        stackTrigger[depth] = trigger;
        stackType[depth] = type;
        pool?.onBefore(type, asyncId, t); // thread-pool pressure: a request's wait ends
        stackOwn[depth] = own || (type === promiseType && !options.promises) ? 1 : 0;
      }
      depth++;
      marks[M_LAST_EVENT] = t;
      marks[M_LAST_HOOK] = t;
      heartbeat(t);
    } catch {
      // Never throw into user code.
    }
  };

  const after = (asyncId: number) => {
    try {
      if (isOwn(asyncId)) return;
      const t = now();
      // Unwind to the matching entry: an uncaught exception can skip inner `after`s.
      while (depth > 0) {
        depth--;
        if (depth >= MAX_DEPTH) continue;
        if (stackAsyncId[depth] === asyncId) {
          if (stackOwn[depth] === 0) record(depth, t);
          else if (stackOwn[depth] === FOLD) {
            if (t - stackStart[depth] < FOLD_BELOW_MS) folded++;
            else record(depth, t);
          }
          break;
        }
      }
      if (depth === 0) {
        if (t - idleReadAt > 5) {
          idleAtLastEvent = timing.idleTime;
          idleReadAt = t;
        }
        control[C_IN_CALLBACK] = 0;
      }
      marks[M_LAST_EVENT] = t;
      heartbeat(t);
    } catch {
      // Never throw into user code.
    }
  };

  const record = (d: number, t: number) => {
    const start = stackStart[d];
    const dur = t - start;
    const write = control[C_WRITE];
    // A plain read of the worker's index: a stale value only makes the ring look fuller.
    if (((write - control[C_READ]) | 0) >= capacity) {
      Atomics.add(control, C_DROPPED, 1);
    } else {
      const base = (write & mask) * DISPATCH_FIELDS;
      records[base + F_TYPE] = stackType[d];
      records[base + F_ASYNC_ID] = stackAsyncId[d];
      records[base + F_TRIGGER_ID] = stackTrigger[d];
      records[base + F_TS] = (origin + start) * 1000;
      records[base + F_DUR] = dur * 1000;
      Atomics.store(control, C_WRITE, (write + 1) | 0);
    }
    if (dur >= threshold && heldByCode(dur)) {
      const resource = asyncHooks.executionAsyncResource();
      sink.stall({ start, end: t, asyncId: stackAsyncId[d], resourceType: typeNames[stackType[d]] ?? '' });
      const cb = callbackOf(resource);
      if (cb) {
        slowCallbacks.add(cb);
        slowSeen = true;
      }
    }
  };

  const hook = asyncHooks.createHook({ init, before, after });
  if (options.promises || options.plainHooks) hook.enable();
  else enableWithoutPromiseHooks(hook, options.selfFile);
  heartbeat(now());

  return {
    stop: () => hook.disable(),
    beat: () => {
      const t = now();
      if (depth === 0) gapStall(t);
      marks[M_LAST_EVENT] = t;
      idleAtLastEvent = timing.idleTime;
      idleReadAt = t;
      if (runQueueWait) {
        waitAtRead = runQueueWait();
        waitReadAt = t;
      }
      clock[H_BEAT] = origin + t;
    },
    markAgentCallback: () => {
      if (depth > 0 && depth <= MAX_DEPTH) stackOwn[depth - 1] = 1;
    },
    activeWithin: (ms) => now() - marks[M_LAST_HOOK] < ms,
    asAgent: (schedule) => {
      schedulingOwn = true;
      try {
        return schedule();
      } finally {
        schedulingOwn = false;
      }
    },
    finish: () => {
      if (depth === 0) gapStall(now());
    },
    takeFolded: () => {
      const n = folded;
      folded = 0;
      return n;
    },
  };
}

/** The user function a resource will call, for the resources that hold one. */
function callbackOf(resource: unknown): object | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  const r = resource as { _onTimeout?: unknown; _onImmediate?: unknown; callback?: unknown };
  const cb = r._onTimeout ?? r._onImmediate ?? r.callback;
  return typeof cb === 'function' ? cb : undefined;
}

/** A resource type for a resource the type table no longer knows (it was created long ago). */
function resourceTypeName(resource: unknown): string {
  const name = (resource as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (!name || name === 'Object') return 'UNKNOWN';
  if (name === 'TCP' || name === 'Pipe' || name === 'UDP' || name === 'TTY') return `${name.toUpperCase()}WRAP`;
  if (name === 'Promise') return 'PROMISE';
  return name;
}

/** The current stack as [functionName, url, line, column] rows, skipping `skip` agent frames. */
export function captureStack(skip: number): string[][] {
  const holder: { stack?: unknown } = {};
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 32 + skip;
  Error.prepareStackTrace = (_e, sites) =>
    sites.map((s) => [s.getFunctionName() ?? '', s.getFileName() ?? '', String(s.getLineNumber() ?? 0), String(s.getColumnNumber() ?? 0)]);
  try {
    Error.captureStackTrace(holder);
    return (holder.stack as string[][]).slice(skip);
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}
