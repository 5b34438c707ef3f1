import { describe, expect, it } from 'vitest';
import { createThreadPoolTracker, poolSizeFrom, SATURATION_MS, STALE_MS, Submit, submitModeOf } from './threadPoolTracker';

/** A tracker on a hand-driven clock whose type ids are 0 = Timeout, 1 = FSREQCALLBACK, 2 = PBKDF2REQUEST, 3 = ZLIB. */
function setup(size = 4, capacity = 64) {
  let clock = 0;
  const tracker = createThreadPoolTracker({ now: () => clock, origin: 0, readSize: () => size, capacity });
  tracker.noteTypes(0, ['Timeout', 'FSREQCALLBACK', 'PBKDF2REQUEST', 'ZLIB']);
  return { tracker, at: (t: number) => (clock = t) };
}

describe('poolSizeFrom (libuv reads UV_THREADPOOL_SIZE with atoi)', () => {
  it('defaults to 4, turns 0 and garbage into 1, caps at 1024', () => {
    expect(poolSizeFrom(undefined)).toBe(4);
    expect(poolSizeFrom('16')).toBe(16);
    expect(poolSizeFrom(' 8threads')).toBe(8);
    expect(poolSizeFrom('0')).toBe(1);
    expect(poolSizeFrom('abc')).toBe(1);
    expect(poolSizeFrom('')).toBe(1);
    expect(poolSizeFrom('5000')).toBe(1024);
    // libuv's count is unsigned: a negative value wraps to a huge one and is capped.
    expect(poolSizeFrom('-2')).toBe(1024);
  });
});

describe('submitModeOf', () => {
  it('knows the pool request types and nothing else', () => {
    expect(submitModeOf('FSREQCALLBACK')).toBe(Submit.AtInit);
    expect(submitModeOf('PBKDF2REQUEST')).toBe(Submit.AtRun);
    expect(submitModeOf('ZLIB')).toBe(Submit.AtWrite);
    expect(submitModeOf('PBKDF2Job')).toBe(Submit.CompletesOnly);
    expect(submitModeOf('FSReqCallback')).toBe(Submit.CompletesOnly);
    expect(submitModeOf('Timeout')).toBe(Submit.None);
    expect(submitModeOf('TCPWRAP')).toBe(Submit.None);
    expect(submitModeOf('PROMISE')).toBe(Submit.None);
  });
});

describe('thread-pool tracker tables', () => {
  it('counts requests from init to before and ignores other types', () => {
    const { tracker, at } = setup();
    at(10);
    tracker.onInit(0, 1, {}); // a Timeout
    tracker.onInit(1, 2, {});
    tracker.onInit(1, 3, {});
    expect(tracker.inFlight).toBe(2);
    tracker.onBefore(0, 1, 12);
    tracker.onBefore(1, 2, 15);
    expect(tracker.inFlight).toBe(1);
    const s = tracker.sample(20)!;
    expect(s).toMatchObject({ t: 'pool', inFlight: 2, size: 4, queued: 0, completed: 1, maxWaitMs: 5, p50WaitMs: 5 });
    tracker.onBefore(1, 3, 40);
    expect(tracker.sample(50)).toMatchObject({ inFlight: 1, completed: 1, maxWaitMs: 30 });
    // A callback seen twice ends the wait once.
    tracker.onBefore(1, 3, 41);
    expect(tracker.inFlight).toBe(0);
  });

  it('stays silent until the pool is used, sends one zero sample after, then nothing', () => {
    const { tracker, at } = setup();
    expect(tracker.sample(5)).toBeUndefined();
    at(10);
    tracker.onInit(1, 7, {});
    tracker.onBefore(1, 7, 11);
    expect(tracker.sample(100)?.completed).toBe(1);
    expect(tracker.sample(200)).toMatchObject({ inFlight: 0, completed: 0 });
    expect(tracker.sample(300)).toBeUndefined();
    expect(tracker.sample(400)).toBeUndefined();
  });

  it('keeps every entry findable through collisions and removals (backward-shift deletion)', () => {
    const { tracker, at } = setup(1024, 64);
    at(0);
    // ids 64 apart share a home slot; 1..40 fill a run that wraps over them.
    const ids = [5, 69, 133, 6, 70, 197, 63, 127, 191, 0 + 64 * 5];
    for (const id of ids) tracker.onInit(1, id, {});
    expect(tracker.inFlight).toBe(ids.length);
    // Remove in an order that opens holes in the middle of runs, including the wrapped one.
    const order = [69, 63, 5, 191, 320, 197, 6, 127, 133, 70];
    order.forEach((id, n) => {
      tracker.onBefore(1, id, 100 + n);
      expect(tracker.inFlight).toBe(ids.length - n - 1);
    });
    const s = tracker.sample(200)!;
    expect(s.completed).toBe(ids.length);
    expect(s.maxWaitMs).toBe(109);
  });

  it('counts past the table without timing, and still comes back to zero', () => {
    const { tracker, at } = setup(4, 16); // at most 12 timed
    at(0);
    for (let id = 1; id <= 20; id++) tracker.onInit(1, id, {});
    expect(tracker.inFlight).toBe(20);
    for (let id = 1; id <= 20; id++) tracker.onBefore(1, id, 10);
    expect(tracker.inFlight).toBe(0);
    expect(tracker.sample(20)).toMatchObject({ inFlight: 20, queued: 16, completed: 20 });
  });

  it('flags a saturation only when more than size stay in flight for 50 ms', () => {
    const { tracker, at } = setup(4);
    at(0);
    for (let id = 1; id <= 4; id++) tracker.onInit(1, id, {});
    // Exactly the pool size for a long time: not saturated.
    for (let id = 1; id <= 4; id++) tracker.onBefore(1, id, 500);
    expect(tracker.saturations()).toEqual([]);
    // Five in flight for 20 ms: too short.
    at(1000);
    for (let id = 11; id <= 15; id++) tracker.onInit(1, id, {});
    tracker.onBefore(1, 11, 1020);
    expect(tracker.saturations()).toEqual([]);
    for (let id = 12; id <= 15; id++) tracker.onBefore(1, id, 1030);
    // Sixteen in flight; back to four after 80 ms.
    at(2000);
    for (let id = 21; id <= 36; id++) tracker.onInit(1, id, {});
    for (let id = 21; id <= 32; id++) tracker.onBefore(1, id, 2000 + (id - 20) * (80 / 12));
    const spans = tracker.saturations();
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ t: 'poolSaturated', ts: 2000 * 1000, peak: 16, size: 4 });
    expect(spans[0].dur).toBeCloseTo(80_000, 0);
    expect(spans[0].maxWaitMs).toBeCloseTo(80, 1);
    expect(tracker.saturations()).toEqual([]);
  });

  it('closes a saturation still open at exit', () => {
    const { tracker, at } = setup(1);
    at(0);
    tracker.onInit(1, 1, {});
    tracker.onInit(1, 2, {});
    expect(tracker.saturations(SATURATION_MS - 1)).toEqual([]);
    at(100);
    tracker.onInit(1, 3, {});
    tracker.onInit(1, 4, {});
    const spans = tracker.saturations(200);
    expect(spans).toEqual([{ t: 'poolSaturated', ts: 100_000, dur: 100_000, peak: 4, size: 1, maxWaitMs: 0 }]);
  });

  it('drops a request whose callback never came after STALE_MS', () => {
    const { tracker, at } = setup();
    at(0);
    tracker.onInit(1, 9, {});
    tracker.sample(STALE_MS / 2);
    expect(tracker.inFlight).toBe(1);
    tracker.sample(STALE_MS + 10_000);
    expect(tracker.inFlight).toBe(0);
  });

  it('counts a crypto job when it is given a callback (never a sync one), and a zlib handle at each write()', () => {
    const { tracker, at } = setup();
    at(5);
    // Like Node's jobs: no own `ondone` until the async path assigns one, then run() queues it.
    class FakeJob {
      constructor(readonly id: number) {}
      getAsyncId() {
        return this.id;
      }
      run(): unknown {
        return (this as { ondone?: unknown }).ondone ? undefined : ['sync result'];
      }
    }
    const syncJob = new FakeJob(1);
    tracker.onInit(2, 1, syncJob); // init of a sync job: nothing in flight
    expect(syncJob.run()).toEqual(['sync result']);
    expect(tracker.inFlight).toBe(0);
    const asyncJob = new FakeJob(2) as FakeJob & { ondone?: () => void };
    tracker.onInit(2, 2, asyncJob);
    const ondone = () => {};
    asyncJob.ondone = ondone;
    expect(asyncJob.ondone).toBe(ondone);
    expect(Object.keys(asyncJob)).toContain('ondone');
    expect(asyncJob.run()).toBeUndefined();
    expect(tracker.inFlight).toBe(1);
    tracker.onBefore(2, 2, 8);

    class FakeZlib {
      writes = 0;
      getAsyncId() {
        return 3;
      }
      write(a: number, b: number, c: number, d: number, e: number, f: number, g: number) {
        this.writes++;
        return a + b + c + d + e + f + g;
      }
    }
    const z = new FakeZlib();
    tracker.onInit(3, 3, z);
    expect(z.write(1, 2, 3, 4, 5, 6, 7)).toBe(28);
    expect(tracker.inFlight).toBe(1);
    tracker.onBefore(3, 3, 9);
    z.write(0, 0, 0, 0, 0, 0, 0);
    tracker.onBefore(3, 3, 10);
    expect(tracker.inFlight).toBe(0);
    expect(tracker.sample(20)?.completed).toBe(3);
  });
});
