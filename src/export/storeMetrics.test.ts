import { describe, expect, it } from 'vitest';
import type { LoopSample } from '../../model/loopData';
import { frame, stall, storeWithSession, threadInfo } from '../host/testFixtures';
import { serviceName, StoreMetrics, threadAttributes } from './storeMetrics';

const loop = (ts: number, p50: number, p99: number, max: number, utilization: number): LoopSample => ({ ts, p50, p99, max, utilization });

describe('StoreMetrics', () => {
  it('aggregates the loop samples of the last window: mean median, worst p99 and max, mean utilisation, in seconds', () => {
    const { store, session } = storeWithSession();
    const metrics = new StoreMetrics(store, { windowMs: 1000 });
    // The first sample is 1.5 s older than the newest: outside the 1 s window.
    session.loop.push(loop(0, 90, 900, 950, 1), loop(1_000_000, 2, 10, 12, 0.2), loop(1_200_000, 4, 30, 40, 0.4), loop(1_500_000, 6, 20, 25, 0.6));
    store.touch(session);
    const [t] = metrics.current();
    const w = t.loopWindow(1000)!;
    expect(w.p50).toBeCloseTo(0.004, 9);
    expect(w.p99).toBeCloseTo(0.03, 9);
    expect(w.max).toBeCloseTo(0.04, 9);
    expect(w.utilization).toBeCloseTo(0.4, 9);
    expect(t.recentLoop).toHaveLength(3);
  });

  it('counts each GC pause and stall once, however often the session is touched and after the store trims its lists', () => {
    const { store, session } = storeWithSession();
    const seen: number[] = [];
    const metrics = new StoreMetrics(store, { onStall: (s) => seen.push(s.dur) });
    session.gc.push({ ts: 1, dur: 2000, kind: 'minor' }, { ts: 2, dur: 3000, kind: 'major' });
    session.stalls.push(stall(10, 80_000, []));
    store.touch(session);
    store.touch(session);
    // The store drops the oldest entries past its bounds: a cursor by index would skip or repeat.
    session.gc.splice(0, 1);
    session.gc.push({ ts: 3, dur: 1000, kind: 'minor' });
    session.stalls.splice(0, 1);
    session.stalls.push(stall(20, 120_000, []), stall(30, 60_000, []));
    store.touch(session);
    const [t] = metrics.current();
    expect(Object.fromEntries(t.gcSeconds)).toEqual({ minor: 0.003, major: 0.003 });
    expect(Object.fromEntries(t.gcCount)).toEqual({ minor: 2, major: 1 });
    expect(t.stallCount).toBe(3);
    expect(t.stallSeconds).toBeCloseTo(0.26, 9);
    expect(seen).toEqual([80_000, 120_000, 60_000]);
  });

  it('follows sessions that were in the store before it, and new ones', () => {
    const { store, session } = storeWithSession();
    session.stalls.push(stall(10, 80_000, []));
    const metrics = new StoreMetrics(store);
    store.open(threadInfo({ pid: 200 }));
    expect(metrics.current().map((t) => [t.attributes['process.pid'], t.stallCount])).toEqual([
      [100, 1],
      [200, 0],
    ]);
  });

  it('keeps an ended thread for a last export, then forgets it', () => {
    let now = 1000;
    const { store, session } = storeWithSession();
    const metrics = new StoreMetrics(store, { forgetEndedAfterMs: 500, now: () => now });
    store.end(session, 5);
    now += 400;
    expect(metrics.current()).toHaveLength(1);
    now += 200;
    expect(metrics.current()).toHaveLength(0);
    store.clear();
    expect(metrics.current()).toHaveLength(0);
  });

  it('reads thread-pool samples from the session pool samples, and ignores malformed ones', () => {
    const { store, session } = storeWithSession();
    const metrics = new StoreMetrics(store);
    const withPool = session as unknown as { pool: unknown[] };
    withPool.pool = [{ ts: 1, inFlight: 'three' }];
    store.touch(session);
    expect(metrics.current()[0].threadPool).toBeUndefined();
    withPool.pool.push({ ts: 2, inFlight: 3, byKind: { fs: 2, crypto: 1, bad: 'x' } });
    store.touch(session);
    expect(metrics.current()[0].threadPool).toEqual({ ts: 2, inFlight: 3, byKind: { fs: 2, crypto: 1 } });
  });

  it('stops following the store when disposed', () => {
    const { store, session } = storeWithSession();
    const metrics = new StoreMetrics(store);
    metrics.dispose();
    session.stalls.push(stall(10, 80_000, [frame('/app/a.js', 3)]));
    store.touch(session);
    expect(metrics.current()[0].stallCount).toBe(0);
  });
});

describe('thread attributes', () => {
  it('names pid, thread and service', () => {
    expect(threadAttributes(threadInfo({ pid: 7, tid: 0 }))).toEqual({ 'process.pid': 7, 'thread.id': 0, 'thread.name': 'main', 'service.name': 'app' });
    expect(threadAttributes(threadInfo({ tid: 3, isMainThread: false, title: 'worker 3' }))['thread.name']).toBe('worker 3');
  });

  it("takes the program's OTEL_SERVICE_NAME, else its main script, else its title", () => {
    expect(serviceName(threadInfo({ serviceName: ' checkout ' }))).toBe('checkout');
    expect(serviceName(threadInfo({ argv: ['node', '/srv/api/server.mjs'] }))).toBe('server');
    expect(serviceName(threadInfo({ argv: ['node', '--inspect'], title: 'node' }))).toBe('node');
    expect(serviceName(threadInfo({ argv: ['node'], title: '' }))).toBe('node');
  });
});
