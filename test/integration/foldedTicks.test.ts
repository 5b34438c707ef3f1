import { describe, expect, it } from 'vitest';
import { describeStalls, markedLines, recordFixture, userFrame } from './harness';

describe('short nextTick callbacks are counted, not recorded', () => {
  it('the counts reach the recording, and a nextTick callback that blocks is still a stall at its line', async () => {
    const r = await recordFixture('tickFold.js');
    expect(r.code, r.stderr).toBe(0);
    const ticks = r.dispatches.filter((d) => d.name === 'TickObject');
    const folded = r.trace.traceEvents
      .filter((e) => e.name === 'eventLoopUtilization')
      .reduce((n, e) => n + Number(e.args?.folded ?? 0), 0);
    // About 80 bursts of 100 ticks ran: nearly all folded, none lost from view.
    expect(folded, `folded ${folded}, recorded ${ticks.length}`).toBeGreaterThan(3000);
    expect(ticks.length).toBeLessThan(folded / 10);
    const [line] = markedLines('tickFold.js');
    const stall = r.stalls.find((s) => userFrame(s)?.lineNumber === line);
    expect(stall, describeStalls(r.stalls)).toBeDefined();
    expect(stall!.args!.resourceType).toBe('TickObject');
    expect(stall!.dur!).toBeGreaterThanOrEqual(140_000);
    // The long one is recorded as a dispatch too.
    expect(ticks.some((d) => d.dur! >= 140_000)).toBe(true);
  });
});
