import { describe, expect, it } from 'vitest';
import { SessionStore } from './sessionStore';
import { importRecording, readRecording, serializeTrace, writeRecording } from './recording';
import { decodeTextFrame, ProtocolError } from './frameDecoder';
import { applyMessage } from './sessionWriter';
import { storeWithSession } from '../host/testFixtures';
import { ViewFeed } from '../host/viewFeed';

describe('thread-pool data through the collector', () => {
  it('validates pool messages and stores them on the session', () => {
    const { store, session } = storeWithSession();
    const pool = decodeTextFrame(JSON.stringify({ t: 'pool', ts: 1e6, inFlight: 16, size: 4, queued: 12, completed: 3, maxWaitMs: 250, p50WaitMs: 120 }));
    const span = decodeTextFrame(JSON.stringify({ t: 'poolSaturated', ts: 1e6, dur: 4e5, peak: 16, size: 4, maxWaitMs: 380 }));
    applyMessage(store, session, pool);
    applyMessage(store, session, span);
    expect(session.pool).toEqual([{ ts: 1e6, inFlight: 16, size: 4, queued: 12, completed: 3, maxWaitMs: 250, p50WaitMs: 120 }]);
    expect(session.poolSaturations).toEqual([{ ts: 1e6, dur: 4e5, peak: 16, size: 4, maxWaitMs: 380 }]);
    expect(() => decodeTextFrame(JSON.stringify({ t: 'pool', ts: 1, inFlight: 'x' }))).toThrow(ProtocolError);
    expect(() => decodeTextFrame(JSON.stringify({ t: 'poolSaturated', ts: 1, dur: -1, peak: 1, size: 1, maxWaitMs: 0 }))).toThrow(/malformed poolSaturated/);
  });

  it('writes counters and saturation intervals, and reads them back', () => {
    const { session } = storeWithSession();
    session.loop.push({ ts: 1e6, p50: 0, p99: 1, max: 2, utilization: 0.1 });
    session.pool.push({ ts: 1e6, inFlight: 16, size: 4, queued: 12, completed: 0, maxWaitMs: 0, p50WaitMs: 0 });
    session.pool.push({ ts: 1.1e6, inFlight: 12, size: 4, queued: 8, completed: 4, maxWaitMs: 101.5, p50WaitMs: 99 });
    session.poolSaturations.push({ ts: 1e6, dur: 3e5, peak: 16, size: 4, maxWaitMs: 301 });
    const trace = writeRecording([session]);
    const counters = trace.traceEvents.filter((e) => e.cat === 'loopscope.pool' && e.ph === 'C');
    expect(counters[1]).toMatchObject({ name: 'threadPool', ts: 1.1e6, args: { inFlight: 12, size: 4, queued: 8, maxWaitMs: 101.5 } });
    expect(trace.traceEvents.find((e) => e.name === 'poolSaturated')).toMatchObject({ ph: 'X', ts: 1e6, dur: 3e5, args: { peak: 16, size: 4 } });
    const [thread] = readRecording([...serializeTrace(trace)].join(''));
    expect(thread.pool).toEqual(session.pool);
    expect(thread.poolSaturations).toEqual(session.poolSaturations);
    const [imported] = importRecording(new SessionStore(), [...serializeTrace(trace)].join(''));
    expect(imported.pool).toHaveLength(2);
    expect(imported.poolSaturations).toHaveLength(1);
  });

  it('feeds new pool data to the page once', () => {
    const { store, session } = storeWithSession();
    const feed = new ViewFeed({ sessions: () => store.list(), pausesFor: () => ({ intervals: [] }) });
    feed.collect();
    session.pool.push({ ts: 1e6, inFlight: 5, size: 4, queued: 1, completed: 0, maxWaitMs: 0, p50WaitMs: 0 });
    expect(feed.collect()).toEqual([{ type: 'pool', sessionId: session.id, samples: session.pool, saturations: [] }]);
    expect(feed.collect()).toEqual([]);
    session.poolSaturations.push({ ts: 1e6, dur: 6e4, peak: 5, size: 4, maxWaitMs: 70 });
    expect(feed.collect()).toEqual([{ type: 'pool', sessionId: session.id, samples: [], saturations: session.poolSaturations }]);
  });
});
