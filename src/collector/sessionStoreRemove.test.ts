import { describe, expect, it } from 'vitest';
import { chunk, threadInfo } from '../host/testFixtures';
import { SessionStore } from './sessionStore';

describe('SessionStore.remove', () => {
  it('forgets one session and its dispatches, and nothing else', () => {
    const store = new SessionStore();
    const a = store.open(threadInfo({ pid: 1 }));
    const b = store.open(threadInfo({ pid: 2 }));
    store.addDispatches(a, chunk(10, 1_000_000));
    store.addDispatches(b, chunk(5, 1_000_000));
    store.remove(a);
    expect(store.list()).toEqual([b]);
    expect(store.eventCount).toBe(5);
    // Twice, or another store's session with the same id: no effect.
    store.remove(a);
    const other = new SessionStore();
    other.open(threadInfo({ pid: 1 }));
    const twin = other.open(threadInfo({ pid: 2 }));
    expect(twin.id).toBe(b.id);
    store.remove(twin);
    expect(store.list()).toEqual([b]);
    expect(store.eventCount).toBe(5);
  });
});
