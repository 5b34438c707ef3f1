import { describe, expect, it } from 'vitest';
import { DisposableList } from './disposableList';

describe('DisposableList', () => {
  it('disposes newest first, survives a throwing item, and disposes late additions at once', () => {
    const order: string[] = [];
    const list = new DisposableList();
    list.add({ dispose: () => order.push('a') });
    list.add({ dispose: () => { throw new Error('boom'); } });
    list.onDispose(() => order.push('c'));
    const err = console.error;
    console.error = () => {};
    list.dispose();
    console.error = err;
    expect(order).toEqual(['c', 'a']);
    list.add({ dispose: () => order.push('late') });
    expect(order).toEqual(['c', 'a', 'late']);
  });
});
