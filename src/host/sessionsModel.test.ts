import { describe, expect, it, vi } from 'vitest';
import { SessionStore } from '../collector/sessionStore';
import { SessionsModel } from './sessionsModel';
import { frame, stall, threadInfo } from './testFixtures';

describe('SessionsModel', () => {
  it('derives flags from live and recorded sessions, and clears them', () => {
    const store = new SessionStore();
    const model = new SessionsModel(store, 1);
    const live = store.open(threadInfo());
    live.stalls.push(stall(1e6, 100_000, [frame('file:///w/a.js', 3)]));
    const recorded = new SessionStore().open(threadInfo({ pid: 200 }));
    recorded.stalls.push(stall(1e6, 200_000, [frame('file:///w/a.js', 3)]));
    model.setRecording('trace.json', [recorded]);
    expect(model.flags().map((f) => [f.lineNumber, f.count, f.maxDur])).toEqual([[3, 2, 200_000]]);
    model.clear();
    expect(model.flags()).toEqual([]);
    expect(model.sessions()).toEqual([]);
    model.dispose();
  });
  it('drops stalls while a debugger holds the thread, and emits one throttled change', async () => {
    vi.useFakeTimers();
    const store = new SessionStore();
    const model = new SessionsModel(store, 100);
    const changed = vi.fn();
    model.on('changed', changed);
    const s = store.open(threadInfo({ pid: 7 }));
    model.pauses.setTarget('dbg', { pid: 7 });
    model.pauses.tracker('dbg').fromAdapter({ type: 'event', event: 'stopped' }, 2e6);
    s.stalls.push(stall(2.1e6, 5e6, [frame('/w/a.js', 1)]));
    store.touch(s);
    store.touch(s);
    expect(model.counted()[0]).toMatchObject({ stalls: [], droppedWhilePaused: 1 });
    vi.advanceTimersByTime(150);
    expect(changed).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
    model.dispose();
  });
  it('keeps the newest warnings, bounded, and announces each', () => {
    const model = new SessionsModel(new SessionStore(), 1);
    const seen: string[] = [];
    model.on('warning', (m) => seen.push(m));
    for (let i = 0; i < 60; i++) model.warn(`w${i}`);
    expect(seen).toHaveLength(60);
    expect(model.warnings).toHaveLength(50);
    expect(model.warnings[0]).toBe('w10');
    model.dispose();
  });
});
