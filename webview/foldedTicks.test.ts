import { describe, expect, it } from 'vitest';
import { foldedInView, foldedNote } from './foldedTicks';

const sample = (ts: number, folded?: number) => ({ ts, p50: 0, p99: 0, max: 0, utilization: 0, folded });

describe('folded nextTick counts', () => {
  it('adds the counts of the samples in view only', () => {
    const samples = [sample(100, 5), sample(200), sample(300, 7), sample(400, 11)];
    expect(foldedInView(samples, 150, 400)).toBe(7);
    expect(foldedInView(samples, 0, 1000)).toBe(23);
    expect(foldedInView(samples, 450, 1000)).toBe(0);
  });

  it('names the count', () => {
    expect(foldedNote(12345)).toMatch(/^12,345 short nextTick callbacks folded/);
    expect(foldedNote(1)).toMatch(/^1 short nextTick callback folded/);
  });
});
