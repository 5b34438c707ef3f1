/**
 * Which part of the event loop ran a dispatch: a libuv phase (timers, pending, poll, check,
 * close) or a JavaScript queue drained between callbacks (nextTick, promise microtasks). Node
 * exposes no cheap "current phase", so it is derived from the resource type, which is exact for
 * the types only one phase runs (Timeout → timers, Immediate → check, TickObject → nextTick,
 * PROMISE → promise) and an inference for I/O handles and requests (their completions run in
 * poll, but libuv also runs some deferred I/O callbacks in "pending" and handle close callbacks in
 * "close", under the same type). A dispatch nested inside another runs within that one's phase.
 * Shared by the collector (a stall's `args.phase`) and the timeline (slice details, lane labels).
 */

/** The loop phases and queues a dispatch can be labelled with. */
export const LOOP_PHASES = ['timers', 'pending', 'poll', 'check', 'close', 'nextTick', 'promise', 'microtask', 'unknown'] as const;

/** One of LOOP_PHASES. */
export type LoopPhase = (typeof LOOP_PHASES)[number];

/** A phase and whether the resource type determines it or only suggests it. */
export interface PhaseGuess {
  phase: LoopPhase;
  /** True when only this phase runs callbacks of the type. */
  exact: boolean;
}

const EXACT: Record<string, LoopPhase> = {
  Timeout: 'timers',
  Timer: 'timers',
  TIMERWRAP: 'timers',
  Immediate: 'check',
  TickObject: 'nextTick',
  PROMISE: 'promise',
  Microtask: 'microtask',
};

/** I/O handles and requests whose completions libuv delivers from its poll phase. */
const POLL = /^(TCP|UDP|PIPE|TTY|TLS|HTTP|HTTP2|FS|FILEHANDLE|STATWATCHER|GETADDRINFO|GETNAMEINFO|QUERY|DNS|WRITEWRAP|SHUTDOWNWRAP|CONNECTWRAP|JSSTREAM|ZLIB|PBKDF2|RANDOM|SCRYPT|HASH|KEYGEN|CIPHER|SIGN|VERIFY|CHECKPRIME|DERIVEBITS|SIGNALWRAP|PROCESSWRAP|MESSAGEPORT|WORKER|ELDHISTOGRAM|INSPECTOR|QUIC|STREAM)/i;

/** The phase a callback of `resourceType` runs in, judged by the type alone. */
export function phaseOfType(resourceType: string): PhaseGuess {
  const exact = EXACT[resourceType];
  if (exact) return { phase: exact, exact: true };
  // Outside any callback (a stall in microtasks after one, e.g. an await continuation).
  if (resourceType === '') return { phase: 'microtask', exact: false };
  if (POLL.test(resourceType)) return { phase: 'poll', exact: false };
  return { phase: 'unknown', exact: false };
}

/** A dispatch's phase, and for one nested inside another callback, that callback and its own queue. */
export interface DispatchPhase extends PhaseGuess {
  /** The outermost dispatch's resource type, when this one began inside it. */
  within?: string;
  /** For a nested nextTick/promise/microtask dispatch: that queue (it drains inside the outer callback). */
  queue?: LoopPhase;
}

const QUEUES: ReadonlySet<LoopPhase> = new Set(['nextTick', 'promise', 'microtask']);

/**
 * The phase of a dispatch that may be nested inside another (an outer dispatch still running when
 * it began): it runs within the outermost one's phase.
 */
export function phaseOfDispatch(resourceType: string, outerType?: string): DispatchPhase {
  if (outerType === undefined) return phaseOfType(resourceType);
  const own = phaseOfType(resourceType).phase;
  const outer = phaseOfType(outerType);
  return { phase: outer.phase, exact: false, within: outerType, ...(QUEUES.has(own) ? { queue: own } : {}) };
}

/** A dispatch as a reader of a recording has it: resource type, start and duration (any one unit). */
export interface TimedDispatch {
  type: string;
  ts: number;
  dur: number;
}

/**
 * The phase of each dispatch of one thread, derived on read (the recording does not store it):
 * one sweep in start order keeps the stack of dispatches still running, and a dispatch that begins
 * inside one takes the outermost one's phase. Results are in the order of `dispatches`.
 */
export function phasesOf(dispatches: readonly TimedDispatch[]): DispatchPhase[] {
  const order = dispatches.map((_, i) => i).sort((a, b) => dispatches[a].ts - dispatches[b].ts || dispatches[b].dur - dispatches[a].dur);
  const result: DispatchPhase[] = new Array(dispatches.length);
  const open: number[] = [];
  for (const i of order) {
    const d = dispatches[i];
    while (open.length && dispatches[open[open.length - 1]].ts + dispatches[open[open.length - 1]].dur < d.ts + d.dur) open.pop();
    const outer = open.length && dispatches[open[0]].ts < d.ts ? dispatches[open[0]].type : undefined;
    result[i] = phaseOfDispatch(d.type, outer);
    open.push(i);
  }
  return result;
}

/** Text for details: "timers", "poll (from the resource type)", "promise, inside a Timeout callback (timers)". */
export function phaseLabel(guess: DispatchPhase): string {
  if (guess.within) return `${guess.queue ? `${guess.queue}, ` : ''}inside a ${guess.within} callback (${guess.phase})`;
  if (guess.phase === 'unknown') return 'unknown (the resource type does not tell)';
  return guess.exact ? guess.phase : `${guess.phase} (from the resource type)`;
}
