import type { HelloMessage, PoolMessage, PoolSaturationMessage } from '../agent/protocol';
import type { StallContext } from './stallContext';

/**
 * The data model of a recorded thread, in one neutral place: the collector and CLI produce it,
 * the extension and the timeline page read it, and none of them owns it.
 * Times are epoch microseconds (`ts`) and microseconds (`dur`), as in the recording file;
 * lines and columns are 1-based.
 */

/** One frame of a JavaScript stack, top frame first in a stack. */
export interface StackFrame {
  functionName: string;
  /** A `file://` URL, an absolute path, or `node:…` for Node's own modules. */
  url: string;
  lineNumber: number;
  columnNumber: number;
  /** Where the code that ran actually was, when `url`/`lineNumber` were mapped back through a source map to the source the user wrote. */
  generated?: GeneratedPosition;
}

/** A position in the code that ran (emitted JavaScript, a bundle, a loader's in-memory output); 1-based. */
export interface GeneratedPosition {
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** A loop turn that held the loop for at least the threshold. */
export interface Stall {
  ts: number;
  dur: number;
  /** The stack of the code that was blocking, captured while it blocked; empty when none could be taken. */
  stack: StackFrame[];
  /** How the stack was taken: an inspector interrupt on the blocked thread, a CPU-profile sample, or not at all. */
  captured: 'interrupt' | 'profile' | 'none';
  /** The async resource whose callback was running, when the stall was inside one. */
  asyncId?: number;
  resourceType?: string;
  /** Implicit blocking beside the stall: GC overlap and the thread's kernel counters (model/stallContext.ts). */
  context?: StallContext;
  /** False when the stack is approximate: an uninterruptible call (JSON.parse, native code) held the capture and the stack is where it returned to. */
  exact?: boolean;
  /** ms the blocked thread took to serve the capture. */
  heldMs?: number;
  /** Why the stack is approximate; only with `exact: false`. */
  approxReason?: string;
}

/** Event-loop delay and utilisation over one sampling window (about 100 ms). */
export interface LoopSample {
  ts: number;
  /** Loop delay percentiles in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Fraction of the window the loop was busy, 0..1. */
  utilization: number;
  /** Short nextTick callbacks that ran in the window, counted by the agent instead of recorded one by one. */
  folded?: number;
}

/** A garbage-collection pause. */
export interface GcPause {
  ts: number;
  dur: number;
  kind: string;
}

/** An interval during which a debugger held the thread paused (never a stall). */
export interface PausedInterval {
  ts: number;
  dur: number;
}

/** An interval of a thread's time that no data covers because the collector was unreachable (shown as "not recorded"). */
export interface RecordingGap {
  ts: number;
  dur: number;
}

/** Where the callback of a slow dispatch was defined, keyed by the dispatch's asyncId. */
export interface CallbackSite extends StackFrame {
  asyncId: number;
}

/** A columnar block of dispatches (callbacks the loop ran), all arrays of length `count`. */
export interface DispatchChunk {
  count: number;
  /** Index into the session's `resourceTypes`. */
  typeId: Uint16Array;
  asyncId: Float64Array;
  triggerAsyncId: Float64Array;
  ts: Float64Array;
  dur: Float64Array;
}

/** Thread-pool requests in flight vs the pool's size over one sampling window (waits in ms); see agent/protocol.ts. */
export type PoolSample = Omit<PoolMessage, 't'>;

/** A span in which more thread-pool requests were in flight than the pool has threads, for at least 50 ms. */
export type PoolSaturation = Omit<PoolSaturationMessage, 't'>;

/** What the agent says of the thread it runs in when it connects: its hello, by protocol version. */
export type ThreadInfo = Omit<HelloMessage, 't' | 'v'> & { protocolVersion: number };
