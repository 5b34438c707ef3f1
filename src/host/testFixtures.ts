/** Builders of sessions, stalls and chunks for the unit tests of src/host. */
import type { DispatchChunk, Stall, StackFrame, ThreadInfo } from '../../model/loopData';
import { SessionStore } from '../collector/sessionStore';

/** A thread description with overridable fields. */
export function threadInfo(over: Partial<ThreadInfo> = {}): ThreadInfo {
  return { protocolVersion: 1, pid: 100, ppid: 1, tid: 0, isMainThread: true, nodeVersion: 'v20.20.0', argv: ['node', 'app.js'],
    title: 'node app.js', startedAt: 1_000_000, stallThresholdMs: 50, ...over };
}

/** A frame at `url:line`. */
export function frame(url: string, lineNumber: number, functionName = 'fn', columnNumber = 1): StackFrame {
  return { functionName, url, lineNumber, columnNumber };
}

/** A stall at `ts` lasting `dur` µs with the given stack. */
export function stall(ts: number, dur: number, stack: StackFrame[]): Stall {
  return { ts, dur, stack, captured: 'interrupt' };
}

/** A chunk of `count` dispatches starting at `ts0`, 1 ms apart. */
export function chunk(count: number, ts0: number): DispatchChunk {
  const c: DispatchChunk = { count, typeId: new Uint16Array(count), asyncId: new Float64Array(count),
    triggerAsyncId: new Float64Array(count), ts: new Float64Array(count), dur: new Float64Array(count) };
  for (let i = 0; i < count; i++) { c.asyncId[i] = i + 1; c.ts[i] = ts0 + i * 1000; c.dur[i] = 10; }
  return c;
}

/** A store with one open session. */
export function storeWithSession(over: Partial<ThreadInfo> = {}) {
  const store = new SessionStore();
  const session = store.open(threadInfo(over));
  return { store, session };
}
