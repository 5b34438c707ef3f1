import { describe, expect, it } from 'vitest';
import type { PoolSample } from '../model/loopData';
import { describePool, poolAt, poolScale, poolSummary } from './poolGraph';
import { TraceCollector } from './traceCollector';
import { isToWebview } from './protocol';

const sample = (ts: number, inFlight: number, extra: Partial<PoolSample> = {}): PoolSample => ({
  ts, inFlight, size: 4, queued: Math.max(0, inFlight - 4), completed: 0, maxWaitMs: 0, p50WaitMs: 0, ...extra,
});

const track = {
  session: { title: 'main' },
  pool: [sample(1_000_000, 16), sample(1_100_000, 12, { completed: 4, maxWaitMs: 410, p50WaitMs: 400 }), sample(1_200_000, 4), sample(5_000_000, 1)],
  poolSaturations: [{ ts: 950_000, dur: 200_000, peak: 16, size: 4, maxWaitMs: 410 }],
};

describe('pool graph helpers', () => {
  it('scales to the most in flight, at least one above the pool size', () => {
    expect(poolScale(track.pool)).toBe(16);
    expect(poolScale([sample(0, 1)])).toBe(5);
  });

  it('finds the window under a time and the saturation there', () => {
    const hit = poolAt(track, 1_050_000, 0)!;
    expect(hit.sample.inFlight).toBe(12);
    expect(hit.start).toBe(1_000_000);
    expect(hit.saturation?.peak).toBe(16);
    expect(describePool(hit)).toBe('Thread pool: 12 in flight on 4 threads, 8 waiting for a thread, 4 called back (wait max 410 ms, median 400 ms) — saturated for 200 ms');
    // After a quiet gap a sample's window is its own 100 ms, not the gap.
    expect(poolAt(track, 3_000_000, 0)).toBeUndefined();
    expect(poolAt(track, 4_950_000, 0)?.start).toBe(4_900_000);
    expect(poolAt(track, 6_000_000, 0)).toBeUndefined();
  });

  it('summarises saturation for the text alternative, and says nothing without pool data', () => {
    expect(poolSummary([track], 0, 10_000_000)).toBe(' main: thread pool saturated once (longest 200 ms, up to 16 requests in flight on 4 threads, callbacks waited up to 410 ms).');
    expect(poolSummary([track], 1_190_000, 1_300_000)).toBe(' main: thread pool not saturated (up to 4 requests in flight on 4 threads).');
    expect(poolSummary([{ ...track, pool: [], poolSaturations: [] }], 0, 1e9)).toBe('');
  });

  it('reads pool events from a recording into one pool message per thread', () => {
    const c = new TraceCollector();
    c.event({ ph: 'C', cat: 'loopscope.pool', name: 'threadPool', pid: 1, tid: 1, ts: 200, args: { inFlight: 6, size: 4, queued: 2, maxWaitMs: 9, p50WaitMs: 3, completed: 2 } });
    c.event({ ph: 'C', cat: 'loopscope.pool', name: 'threadPool', pid: 1, tid: 1, ts: 100, args: { inFlight: 5, size: 4 } });
    c.event({ ph: 'X', cat: 'loopscope.pool', name: 'poolSaturated', pid: 1, tid: 1, ts: 100, dur: 60_000, args: { peak: 6, size: 4, maxWaitMs: 9 } });
    c.event({ ph: 'C', cat: 'loopscope.pool', name: 'somethingElse', pid: 1, tid: 1, ts: 100, args: {} });
    const pool = c.finish().find((m) => m.type === 'pool');
    expect(pool).toEqual({
      type: 'pool', sessionId: '1:1',
      samples: [sample(100, 5, { queued: 1 }), { ts: 200, inFlight: 6, size: 4, queued: 2, completed: 2, maxWaitMs: 9, p50WaitMs: 3 }],
      saturations: [{ ts: 100, dur: 60_000, peak: 6, size: 4, maxWaitMs: 9 }],
    });
    expect(c.ignoredEvents).toBe(1);
    expect(isToWebview(pool)).toBe(true);
  });
});
