import { describe, expect, it } from 'vitest';
import { PauseTracker, overlapsPause, stallsOutsidePauses } from './pauseTracker';
import { PauseRegistry, pidFromDebugSessionName } from './pauseRegistry';

describe('PauseTracker', () => {
  it('opens on stopped and closes on continued', () => {
    const t = new PauseTracker();
    t.fromAdapter({ type: 'event', event: 'stopped' }, 1000);
    expect(t.paused).toBe(true);
    expect(t.intervals(1500)).toEqual([{ ts: 1000, dur: 500 }]);
    t.fromAdapter({ type: 'event', event: 'continued' }, 3000);
    expect(t.paused).toBe(false);
    expect(t.closedIntervals()).toEqual([{ ts: 1000, dur: 2000 }]);
  });
  it('closes on a resuming request, or on termination', () => {
    const t = new PauseTracker();
    t.fromAdapter({ type: 'event', event: 'stopped' }, 0);
    t.toAdapter({ type: 'request', command: 'evaluate' }, 10);
    expect(t.paused).toBe(true);
    t.toAdapter({ type: 'request', command: 'next' }, 20);
    t.fromAdapter({ type: 'event', event: 'stopped' }, 30);
    t.fromAdapter({ type: 'event', event: 'stopped' }, 35); // another thread: same pause
    t.fromAdapter({ type: 'event', event: 'terminated' }, 50);
    expect(t.closedIntervals()).toEqual([{ ts: 0, dur: 20 }, { ts: 30, dur: 20 }]);
  });
});

describe('overlapsPause', () => {
  const pauses = [{ ts: 1_000_000, dur: 5_000_000 }];
  it('drops stalls overlapping a pause, with slack at both ends', () => {
    expect(overlapsPause({ ts: 900_000, dur: 200_000 }, pauses)).toBe(true);
    expect(overlapsPause({ ts: 6_020_000, dur: 100_000 }, pauses)).toBe(true);
    expect(overlapsPause({ ts: 7_000_000, dur: 100_000 }, pauses)).toBe(false);
    expect(overlapsPause({ ts: 100_000, dur: 100_000 }, pauses)).toBe(false);
  });
  it('treats an open pause as running until now', () => {
    expect(overlapsPause({ ts: 9_000_000, dur: 60_000 }, [], 8_000_000)).toBe(true);
    expect(overlapsPause({ ts: 1_000_000, dur: 60_000 }, [], 8_000_000)).toBe(false);
  });
  it('filters a list', () => {
    const stalls = [{ ts: 0, dur: 60_000 }, { ts: 2_000_000, dur: 70_000 }];
    expect(stallsOutsidePauses(stalls, pauses)).toEqual([stalls[0]]);
  });
});

describe('PauseRegistry', () => {
  it('applies a debug session pauses to its process only', () => {
    const r = new PauseRegistry();
    r.setTarget('a', { pid: 1 });
    r.tracker('a').fromAdapter({ type: 'event', event: 'stopped' }, 10);
    expect(r.isPaused(1, 0)).toBe(true);
    expect(r.isPaused(2, 0)).toBe(false);
    r.tracker('a').fromAdapter({ type: 'event', event: 'continued' }, 30);
    expect(r.forThread(1, 0)).toEqual({ intervals: [{ ts: 10, dur: 20 }], openSince: undefined });
    expect(r.forThread(2, 0).intervals).toEqual([]);
  });
  it('applies pauses of a session whose target is unknown to every thread', () => {
    const r = new PauseRegistry();
    r.tracker('b').fromAdapter({ type: 'event', event: 'stopped' }, 5);
    expect(r.forThread(7, 3).openSince).toBe(5);
    expect(r.records(15)).toEqual([{ debugSessionId: 'b', ts: 5, dur: 10, open: true }]);
  });
  it('forgets finished pauses on clear but keeps an open one', () => {
    const r = new PauseRegistry();
    const t = r.tracker('c');
    t.fromAdapter({ type: 'event', event: 'stopped' }, 1);
    t.fromAdapter({ type: 'event', event: 'continued' }, 2);
    t.fromAdapter({ type: 'event', event: 'stopped' }, 3);
    r.clear();
    expect(r.records(4)).toEqual([{ debugSessionId: 'c', ts: 3, dur: 1, open: true }]);
  });
  it('reads the pid from js-debug child session names', () => {
    expect(pidFromDebugSessionName('app.js [4242]')).toBe(4242);
    expect(pidFromDebugSessionName('Launch Program')).toBeUndefined();
  });
});
