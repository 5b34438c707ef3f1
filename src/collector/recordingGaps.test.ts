import { describe, expect, it } from 'vitest';
import { SessionStore } from './sessionStore';
import { noteDropped } from './recordingGaps';
import type { DispatchChunk, ThreadInfo } from '../../model/loopData';

const info: ThreadInfo = { protocolVersion: 1, pid: 7, ppid: 1, tid: 0, isMainThread: true, nodeVersion: 'v20', argv: [], title: 'node', startedAt: 1_000_000, stallThresholdMs: 50 };

function chunk(ts: number[]): DispatchChunk {
  const n = ts.length;
  return { count: n, typeId: new Uint16Array(n), asyncId: new Float64Array(n), triggerAsyncId: new Float64Array(n), ts: Float64Array.from(ts), dur: new Float64Array(n).fill(100) };
}

describe('recording gaps', () => {
  it('a reconnection records the silence between the last data before the break and the first after it', () => {
    const store = new SessionStore();
    const s = store.open(info);
    store.addDispatches(s, chunk([2_000_000, 2_100_000]));
    store.end(s, 2_200_000, 'connection closed without goodbye');
    expect(store.open({ ...info })).toBe(s);
    expect(s.gaps).toEqual([]);
    store.addDispatches(s, chunk([5_000_000, 4_900_000]));
    // Only once the agent says it dropped dispatches during the break is the silence a gap.
    expect(s.gaps).toEqual([]);
    s.droppedByAgent = 1234;
    noteDropped(s);
    expect(s.gaps).toEqual([{ ts: 2_100_100, dur: 4_900_000 - 2_100_100 }]);
    store.addDispatches(s, chunk([6_000_000]));
    expect(s.gaps).toHaveLength(1);
  });

  it('no gap when the backlog covered the break (nothing dropped, or no silence), nor after a clean goodbye', () => {
    const store = new SessionStore();
    const s = store.open(info);
    store.end(s, 1_500_000, 'connection closed without goodbye');
    store.open(info);
    store.addDispatches(s, chunk([1_900_000]));
    expect(s.gaps).toEqual([]);
    store.addDispatches(s, chunk([2_000_000]));
    store.end(s, 2_050_000, 'connection closed without goodbye');
    store.open(info);
    store.addDispatches(s, chunk([2_010_000]));
    s.droppedByAgent = 10;
    noteDropped(s);
    expect(s.gaps).toEqual([]);
    store.end(s, 3_000_000);
    store.open(info);
    store.addDispatches(s, chunk([9_000_000]));
    expect(s.gaps).toEqual([]);
  });
});
