import { describe, expect, it } from 'vitest';
import { aggregateStallFlags, blockingFrame, flagMessage, formatMs, formatStack, filePathOf } from './stallFlags';
import { frame, stall } from './testFixtures';

describe('blockingFrame', () => {
  it('skips node internals, dependencies, non-file frames and the agent', () => {
    const stack = [
      frame('node:internal/fs/utils', 10), frame('node:fs', 3), frame('file:///w/node_modules/lib/index.js', 4),
      frame('evalmachine.<anonymous>', 1), frame('/ext/dist/agent.js', 9), frame('file:///w/src/app.js', 12, 'handler'),
    ];
    expect(blockingFrame(stack)).toEqual(stack[5]);
    expect(blockingFrame([frame('node:internal/x', 1)])).toBeUndefined();
  });
  it('decodes file URLs, including spaces', () => {
    expect(filePathOf('file:///w/my%20app/a.js')).toBe('/w/my app/a.js');
    expect(filePathOf('/w/a.js')).toBe('/w/a.js');
    expect(filePathOf('node:fs')).toBeUndefined();
  });
});

describe('aggregateStallFlags', () => {
  it('sums stalls per blocking line, worst first, across sessions', () => {
    const a = [frame('node:fs', 1), frame('file:///w/a.js', 5, 'slow', 3)];
    const b = [frame('file:///w/b.js', 9)];
    const flags = aggregateStallFlags([
      { sessionId: 's1', stalls: [stall(0, 100_000, a), stall(1e6, 312_000, a), stall(2e6, 60_000, b)] },
      { sessionId: 's2', stalls: [stall(0, 80_000, a), stall(0, 50_000, [frame('node:internal/x', 1)])] },
    ]);
    expect(flags.map((f) => [f.path, f.lineNumber, f.count, f.maxDur, f.totalDur, f.sessionIds])).toEqual([
      ['/w/a.js', 5, 3, 312_000, 492_000, ['s1', 's2']],
      ['/w/b.js', 9, 1, 60_000, 60_000, ['s1']],
    ]);
    expect(flags[0].worst.ts).toBe(1e6);
    expect(flagMessage(flags[0])).toBe('blocked the event loop 3× (max 312 ms)');
  });
});

describe('formatting', () => {
  it('formats durations and stacks', () => {
    expect(formatMs(312_400)).toBe('312 ms');
    expect(formatMs(2_500)).toBe('2.5 ms');
    expect(formatStack([frame('file:///w/a.js', 5, ''), frame('node:fs', 2, 'readFileSync', 7)])).toEqual(['(anonymous) (/w/a.js:5:1)', 'readFileSync (node:fs:2:7)']);
  });
});

import { sourceTarget } from './sourceTarget';
describe('sourceTarget', () => {
  it('maps 1-based frames to 0-based editor positions, and refuses node: modules', () => {
    expect(sourceTarget('file:///w/a%20b.js', 12, 5)).toEqual({ kind: 'file', path: '/w/a b.js', line: 11, character: 4 });
    expect(sourceTarget('node:fs', 1, 1)).toMatchObject({ kind: 'none' });
  });
});
