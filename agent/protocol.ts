/**
 * The wire format between the agent (producer) and a collector.
 * Text frames carry one JSON `AgentMessage`; binary frames carry a batch of dispatches as
 * little-endian float64 records, because dispatches are the only high-rate data.
 */

/** Bumped whenever a message changes shape; the collector refuses other versions by name. */
export const PROTOCOL_VERSION = 1;

/** Float64 slots per dispatch record in a binary frame and in the agent's ring. */
export const DISPATCH_FIELDS = 5;
/** Slot offsets inside one dispatch record. */
export const F_TYPE = 0;
export const F_ASYNC_ID = 1;
export const F_TRIGGER_ID = 2;
/** Start, epoch microseconds. */
export const F_TS = 3;
/** Duration, microseconds. */
export const F_DUR = 4;

/** First float64 of every binary frame: identifies a dispatch batch of this protocol version. */
export const DISPATCH_FRAME_MAGIC = 0x4c53_0001;
/** Header float64s of a binary frame: magic, record count. */
export const DISPATCH_HEADER = 2;
/** Largest frame a collector accepts (bytes); the agent never builds a bigger one. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/** Most records one binary frame carries. */
export const MAX_RECORDS_PER_FRAME = Math.floor((MAX_FRAME_BYTES / 8 - DISPATCH_HEADER) / DISPATCH_FIELDS);

/** Header the agent sends its token in. */
export const TOKEN_HEADER = 'x-loopscope-token';
/** Environment variable carrying the agent's `AgentConfig` as JSON. */
export const AGENT_CONFIG_ENV = 'LOOPSCOPE_AGENT';

/** What a launcher tells the agent, as JSON in `LOOPSCOPE_AGENT`. */
export interface AgentConfig {
  /** Collector URL, `ws://127.0.0.1:PORT`. */
  url: string;
  /** 128-bit hex token the collector expects. */
  token: string;
  /** A loop turn at least this long is a stall (default 50). */
  stallThresholdMs?: number;
  /** Record promise callbacks too (expensive on await-heavy code; default false). */
  promises?: boolean;
}

/** One JavaScript stack frame; lines and columns 1-based. */
export interface WireFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
  /** Set when the agent mapped the frame through a source map only the program holds (a loader's in-memory output): the position that ran. */
  generated?: { url: string; lineNumber: number; columnNumber: number };
}

/** First message on every connection: who the thread is. */
export interface HelloMessage {
  t: 'hello';
  /** Protocol version. */
  v: number;
  pid: number;
  ppid: number;
  /** Worker thread id; 0 for the main thread. */
  tid: number;
  isMainThread: boolean;
  nodeVersion: string;
  argv: string[];
  /** The process title or the worker's name. */
  title: string;
  /** Epoch microseconds when the agent started in this thread. */
  startedAt: number;
  stallThresholdMs: number;
  /** The program's OTEL_SERVICE_NAME, when set: names its series in the collector's OpenTelemetry export. */
  serviceName?: string;
}

/** Resource type names; a dispatch's type slot indexes the list, which only grows. */
export interface TypesMessage {
  t: 'types';
  /** Index of the first name in `names`. */
  from: number;
  names: string[];
}

/** A loop turn that held the loop for at least the threshold. */
export interface StallMessage {
  t: 'stall';
  ts: number;
  dur: number;
  stack: WireFrame[];
  captured: 'interrupt' | 'profile' | 'none';
  asyncId?: number;
  resourceType?: string;
  /**
   * False when the stack is approximate: a call that cannot be interrupted (JSON.parse of a big
   * string, native code) held the capture, and the stack is where it returned to. Absent when no
   * stack was taken (or from agents before this field).
   */
  exact?: boolean;
  /** ms the blocked thread took to serve the capture. */
  heldMs?: number;
  /** Why the stack is approximate, in words; only with `exact: false`. */
  approxReason?: string;
  /** What the kernel saw of the thread around the stall (Linux only; absent elsewhere). */
  context?: WireStallContext;
}

/**
 * The recorded thread's kernel counters over a window around the stall: from the transport
 * worker's baseline closest to its start (normally within one watchdog poll) to the reading the
 * thread took as it noted the stall. `wallMs` is that window's length, so `cpuMs / wallMs` is a
 * fair ratio and `wallMs` against the stall's `dur` shows how far the window is off.
 */
export interface WireStallContext {
  wallMs: number;
  /** Time on a CPU (schedstat). */
  cpuMs: number;
  /** Time runnable but waiting for a CPU (schedstat). */
  runQueueMs: number;
  majorFaults: number;
  involuntarySwitches: number;
}

/** Loop delay (ms percentiles) and utilisation over one window. */
export interface LoopMessage {
  t: 'loop';
  ts: number;
  p50: number;
  p99: number;
  max: number;
  utilization: number;
  /**
   * Short nextTick callbacks (TickObject) that ran in this window and were counted instead of
   * recorded one by one (absent when none). One that blocked the loop is still a stall.
   */
  folded?: number;
}

/** A GC pause. */
export interface GcMessage {
  t: 'gc';
  ts: number;
  dur: number;
  kind: string;
}

/** A debugger held the thread paused; never a stall. */
export interface PausedMessage {
  t: 'paused';
  ts: number;
  dur: number;
}

/** Where a resource whose callback ran long was created. */
export interface SiteMessage extends WireFrame {
  t: 'site';
  asyncId: number;
}

/** Dispatches the agent dropped so far because its ring or backlog was full (cumulative). */
export interface DroppedMessage {
  t: 'dropped';
  count: number;
}

/**
 * Thread-pool requests over one sampling window (about 100 ms), sent only while the pool is in
 * use: requests in flight are those submitted to libuv's pool whose callback has not run yet.
 */
export interface PoolMessage {
  t: 'pool';
  /** End of the window, epoch µs. */
  ts: number;
  /** Most requests in flight at once during the window. */
  inFlight: number;
  /** Threads in the pool (UV_THREADPOOL_SIZE as libuv reads it, 1..1024, default 4). */
  size: number;
  /** Requests that had to wait for a thread at that moment: inFlight − size when positive. */
  queued: number;
  /** Callbacks of pool requests that ran in the window. */
  completed: number;
  /** Longest and median wait, submission to callback, of those (ms). */
  maxWaitMs: number;
  p50WaitMs: number;
}

/** A span of at least 50 ms in which more requests were in flight than the pool has threads. */
export interface PoolSaturationMessage {
  t: 'poolSaturated';
  ts: number;
  dur: number;
  /** Most requests in flight during the span. */
  peak: number;
  size: number;
  /** Longest wait of a request whose callback ran during the span (ms). */
  maxWaitMs: number;
}

/** Clean goodbye at exit. */
export interface ByeMessage {
  t: 'bye';
  ts: number;
}

/** Every text frame is one of these. */
export type AgentMessage =
  | HelloMessage
  | TypesMessage
  | StallMessage
  | LoopMessage
  | GcMessage
  | PausedMessage
  | SiteMessage
  | DroppedMessage
  | PoolMessage
  | PoolSaturationMessage
  | ByeMessage;

/** A binary frame for `count` records, header filled; records go from float DISPATCH_HEADER on. */
export function createDispatchFrame(count: number): Float64Array {
  const frame = new Float64Array(DISPATCH_HEADER + count * DISPATCH_FIELDS);
  frame[0] = DISPATCH_FRAME_MAGIC;
  frame[1] = count;
  return frame;
}

/** Builds a binary frame from `count` records stored contiguously in `records` from `offset` (in records). */
export function encodeDispatchFrame(records: Float64Array, offset: number, count: number): Float64Array {
  const frame = createDispatchFrame(count);
  frame.set(records.subarray(offset * DISPATCH_FIELDS, (offset + count) * DISPATCH_FIELDS), DISPATCH_HEADER);
  return frame;
}
