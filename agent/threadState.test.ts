import { describe, expect, it } from 'vitest';
import { currentOsThreadId, runQueueWaitMs } from './threadState';

describe('runQueueWaitMs', () => {
  it('reads a running total for this thread that never goes back', () => {
    const tid = currentOsThreadId();
    expect(tid).toBeDefined();
    const first = runQueueWaitMs(tid!);
    expect(first).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 1e6; i++) Math.sqrt(i);
    expect(runQueueWaitMs(tid!)).toBeGreaterThanOrEqual(first!);
  });
  it('is undefined for a thread that is not ours', () => {
    expect(runQueueWaitMs(2 ** 30)).toBeUndefined();
  });
});
