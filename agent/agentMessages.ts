/** Messages from the recording thread to its transport worker (postMessage; all rare). */

/** Worker data the transport worker starts with. */
export interface TransportWorkerData {
  loopscopeAgentWorker: true;
  sab: SharedArrayBuffer;
  capacity: number;
  /** Loop samples and GC pauses (agent/sampleSlots.ts). */
  samplesSab: SharedArrayBuffer;
  url: string;
  token: string;
  stallThresholdMs: number;
  /** The recording thread's `performance.timeOrigin` (epoch ms), to convert its clock. */
  origin: number;
  /** True when the recording thread is the process's main thread (a worker's is reached through the main thread's NodeWorker domain). */
  recordingMainThread: boolean;
  /** False where the process has no inspector to connect to: stalls are found and timed, without a stack. */
  watchStacks: boolean;
  /** The recording thread's kernel thread id (Linux), for its per-thread counters. */
  kernelTid?: number;
  hello: import('./protocol').HelloMessage;
  /** The recording thread's OS thread id, where it can be known (Linux), for telling its quiet spells from its busy ones. */
  osThreadId?: number;
}

/** A stall candidate in the recording thread's clock (ms), before its stack is joined. */
export interface StallNote {
  t: 'stallNote';
  start: number;
  end: number;
  asyncId: number;
  resourceType: string;
  /** The thread's kernel counters read as the stall was noted (threadCounters.ts slots), Linux only. */
  counters?: number[];
  /** When they were read, ms on the recording thread's clock. */
  countersAt?: number;
}

/** The recording thread's counters as its first callback after an idle spell began. */
export interface BaselineNote {
  t: 'baseline';
  counters: number[];
  /** ms on the recording thread's clock. */
  countersAt: number;
}

/** Asks the worker to send everything and acknowledge through the shared control slot. */
export interface FlushNote {
  t: 'flush';
}

/**
 * A worker's title, known only once its script is (after the agent loaded): the transport
 * connects after this, so that the hello names the worker by its script.
 */
export interface TitleNote {
  t: 'title';
  title: string;
}

/** Everything the recording thread posts. */
export type ToTransport =
  | StallNote
  | BaselineNote
  | FlushNote
  | TitleNote
  | import('./protocol').TypesMessage
  | import('./protocol').LoopMessage
  | import('./protocol').GcMessage
  | import('./protocol').SiteMessage
  | import('./protocol').PoolMessage
  | import('./protocol').PoolSaturationMessage;
