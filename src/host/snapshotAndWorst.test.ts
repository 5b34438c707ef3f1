import { describe, expect, it } from 'vitest';
import { countedStalls } from './sessionStalls';
import { aggregateStallFlags } from './stallFlags';
import { stateSnapshot } from './stateSnapshot';
import { worstStalls } from './worstStalls';
import { sessionLabel } from './sessionLabel';
import { frame, stall, storeWithSession } from './testFixtures';

function fixture() {
  const { store, session } = storeWithSession();
  session.stalls.push(
    stall(1e6, 120_000, [frame('node:fs', 1), frame('file:///w/a.js', 7, 'readAll')]),
    stall(5e6, 900_000, [frame('file:///w/a.js', 20, 'waitHere')]), // overlaps the pause below
    stall(9e6, 60_000, [frame('node:internal/x', 1)]),
  );
  const counted = countedStalls(store.list(), () => ({ intervals: [{ ts: 5e6, dur: 1e6 }] }));
  return { session, counted };
}

describe('stateSnapshot', () => {
  it('lists sessions with the stalls that count, at their blocking line', () => {
    const { session, counted } = fixture();
    const flags = aggregateStallFlags(counted.map((c) => ({ sessionId: c.session.id, stalls: c.stalls })));
    const snap = stateSnapshot({ collectorUrl: 'ws://127.0.0.1:1', counted, flags, pauses: [], warnings: ['w'], terminalReporting: false,
      timelineOpen: true, recording: undefined });
    expect(snap.sessions[0]).toMatchObject({ id: session.id, pid: 100, live: true, stallsDroppedWhilePaused: 1,
      stalls: [{ url: 'file:///w/a.js', lineNumber: 7, ts: 1e6, dur: 120_000, durMs: 120 }, { url: 'node:internal/x', lineNumber: 1, dur: 60_000 }] });
    expect(snap.diagnostics).toEqual([{ path: '/w/a.js', lineNumber: 7, message: 'blocked the event loop 1× (max 120 ms)', severity: 'warning' }]);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe('sessionLabel', () => {
  it('names the script rather than the node binary', () => {
    expect(sessionLabel({ title: '/usr/bin/node', argv: ['/usr/bin/node', '--inspect', '/w/server.js'], pid: 5, tid: 0 })).toBe('server.js (pid 5)');
    expect(sessionLabel({ title: 'my-worker', argv: ['node', 'a.js'], pid: 5, tid: 2 })).toBe('my-worker (pid 5, thread 2)');
  });
});

describe('worstStalls', () => {
  it('lists the longest counted stalls with where to open them', () => {
    const items = worstStalls(fixture().counted);
    expect(items.map((i) => [i.path, i.lineNumber, i.description])).toEqual([['/w/a.js', 7, 'a.js:7'], [undefined, 1, 'no user frame']]);
    expect(items[0].label).toBe('$(warning) 120 ms — readAll');
  });
});
