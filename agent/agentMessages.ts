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
  /** True when the recording thread is the process's main thread (only it can be inspected from a worker). */
  recordingMainThread: boolean;
  hello: import('./protocol').HelloMessage;
}

/** A stall candidate in the recording thread's clock (ms), before its stack is joined. */
export interface StallNote {
  t: 'stallNote';
  start: number;
  end: number;
  asyncId: number;
  resourceType: string;
}

/** Asks the worker to send everything and acknowledge through the shared control slot. */
export interface FlushNote {
  t: 'flush';
}

/** Everything the recording thread posts. */
export type ToTransport =
  | StallNote
  | FlushNote
  | import('./protocol').TypesMessage
  | import('./protocol').LoopMessage
  | import('./protocol').GcMessage
  | import('./protocol').SiteMessage;
