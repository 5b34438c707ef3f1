import { describe, expect, it } from 'vitest';
import type { Session } from '../collector/sessionStore';
import type { ThreadPauses } from './pauseRegistry';
import { concatChunks, dispatchMessages, maxDispatchesPerMessage, newChunks, ViewFeed } from './viewFeed';
import { chunk, frame, stall, storeWithSession } from './testFixtures';

function feedFor(sessions: () => Session[], pauses: ThreadPauses = { intervals: [] }) {
  return new ViewFeed({ sessions, pausesFor: () => pauses });
}

describe('ViewFeed', () => {
  it('announces a session, then sends only what is new', () => {
    const { store, session } = storeWithSession();
    session.resourceTypes.push('Timeout');
    const feed = feedFor(() => store.list());
    store.addDispatches(session, chunk(3, 1e6));
    const first = feed.collect();
    expect(first.map((m) => m.type)).toEqual(['sessionStarted', 'dispatches']);
    expect(first[1]).toMatchObject({ sessionId: session.id, count: 3, resourceTypes: ['Timeout'] });
    expect(first[0]).toMatchObject({ session: { id: session.id, title: 'node app.js', pid: 100, live: true } });
    expect(feed.collect()).toEqual([]);
    store.addDispatches(session, chunk(2, 2e6));
    store.addDispatches(session, chunk(4, 3e6));
    session.stalls.push(stall(3e6, 80_000, [frame('file:///w/a.js', 1)]));
    session.loop.push({ ts: 3e6, p50: 1, p99: 2, max: 3, utilization: 0.5 });
    session.sites.set(1, { asyncId: 1, ...frame('file:///w/a.js', 2) });
    const second = feed.collect();
    expect(second.map((m) => m.type)).toEqual(['dispatches', 'stalls', 'loop', 'sites']);
    expect(second[0]).toMatchObject({ count: 6 });
  });
  it('replays everything after reset, and reports the end once', () => {
    const { store, session } = storeWithSession();
    store.addDispatches(session, chunk(2, 1e6));
    const feed = feedFor(() => store.list());
    feed.collect();
    store.end(session, 5e6, 'exit code 1');
    expect(feed.collect()).toEqual([{ type: 'sessionEnded', sessionId: session.id, endedAt: 5e6, reason: 'exit code 1' }]);
    expect(feed.collect()).toEqual([]);
    feed.reset();
    expect(feed.collect().map((m) => m.type)).toEqual(['sessionStarted', 'dispatches', 'sessionEnded']);
  });
  it('drops stalls that overlap a debugger pause and sends the pause', () => {
    const { store, session } = storeWithSession();
    const feed = feedFor(() => store.list(), { intervals: [{ ts: 1e6, dur: 4e6 }] });
    session.stalls.push(stall(1.5e6, 3e6, []), stall(9e6, 60_000, []));
    const out = feed.collect();
    expect(out.find((m) => m.type === 'stalls')).toMatchObject({ stalls: [{ ts: 9e6 }] });
    expect(out.find((m) => m.type === 'paused')).toMatchObject({ intervals: [{ ts: 1e6, dur: 4e6 }] });
  });
});

describe('ViewFeed over a long run', () => {
  it('keeps sending new loop samples and stalls once the store trims its capped lists', () => {
    const { store, session } = storeWithSession();
    const feed = feedFor(() => store.list());
    const cap = 5;
    const push = (ts: number) => {
      session.loop.push({ ts, p50: 1, p99: 2, max: 3, utilization: 0.1 });
      if (session.loop.length > cap) session.loop.splice(0, session.loop.length - cap);
    };
    for (let i = 0; i < cap; i++) push(i);
    feed.collect();
    push(100);
    push(101);
    const loops = feed.collect().filter((m) => m.type === 'loop');
    expect(loops).toMatchObject([{ samples: [{ ts: 100 }, { ts: 101 }] }]);
  });
});

describe('chunks', () => {
  it('finds chunks after the last one sent, even when older ones were dropped', () => {
    const [a, b, c] = [chunk(1, 0), chunk(1, 1), chunk(1, 2)];
    expect(newChunks([a, b, c], b)).toEqual([c]);
    expect(newChunks([b, c], a)).toEqual([b, c]);
    expect(newChunks([a], undefined)).toEqual([a]);
  });
  it('concatenates columns and caps message size', () => {
    const merged = concatChunks([chunk(2, 0), chunk(3, 10_000)]);
    expect(merged.count).toBe(5);
    expect([...merged.ts]).toEqual([0, 1000, 10_000, 11_000, 12_000]);
    const big = [chunk(maxDispatchesPerMessage - 1, 0), chunk(5, 1e9)];
    expect(dispatchMessages({ id: 's', resourceTypes: [] }, big).map((m) => m.count)).toEqual([maxDispatchesPerMessage - 1, 5]);
  });
});
