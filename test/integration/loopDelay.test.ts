import { describe, expect, it } from 'vitest';
import { describeStalls, recordFixture } from './harness';

describe('loop delay', () => {
  it('every stall shows in the loop delay of the window it ends in, also when the loop idles between blocks', async () => {
    const r = await recordFixture('periodicBlocks.js');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stalls.length, describeStalls(r.stalls)).toBe(5);
    const delays = r.trace.traceEvents.filter((e) => e.name === 'eventLoopDelay').sort((a, b) => a.ts! - b.ts!);
    for (const stall of r.stalls) {
      const end = stall.ts! + stall.dur!;
      // The first sample at or after the stall's end covers it (a sample's ts ends its window).
      const sample = delays.find((d) => d.ts! >= end);
      expect(sample, `no delay sample after the stall at ${end}`).toBeDefined();
      const max = (sample!.args as { max: number }).max;
      expect(max, JSON.stringify(delays.map((d) => [d.ts, d.args]))).toBeGreaterThanOrEqual((0.8 * stall.dur!) / 1000);
    }
  });
});
