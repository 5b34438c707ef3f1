import { describe, expect, it } from 'vitest';
import { matchingSites, matchingSlices, normaliseQuery, stallMatches } from './searchMatch';
import { TimelineModel } from './timelineModel';

describe('search', () => {
  const stall = { ts: 0, dur: 60_000, captured: 'interrupt' as const, stack: [{ functionName: 'parseHuge', url: 'file:///app/parser.js', lineNumber: 3, columnNumber: 1 }] };

  it('matches stalls by function or file name, case-insensitively', () => {
    expect(stallMatches(stall, normaliseQuery('  PARSEhuge '))).toBe(true);
    expect(stallMatches(stall, 'parser.js')).toBe(true);
    expect(stallMatches(stall, 'other')).toBe(false);
    expect(stallMatches(stall, '')).toBe(true);
  });

  it('finds dispatches whose callback site matches', () => {
    const m = new TimelineModel();
    m.apply({ type: 'sessionStarted', session: { id: 's', pid: 1, tid: 0, title: 's', live: false } });
    m.apply({
      type: 'dispatches', sessionId: 's', resourceTypes: ['Timeout'], count: 3,
      typeId: new Uint16Array(3), asyncId: new Float64Array([4, 5, 4]), triggerAsyncId: new Float64Array([1, 1, 1]),
      ts: new Float64Array([1, 2, 3]), dur: new Float64Array([1, 1, 1]),
    });
    m.apply({ type: 'sites', sessionId: 's', sites: [{ asyncId: 4, functionName: 'tick', url: '/app/clock.js', lineNumber: 1, columnNumber: 1 }] });
    const track = m.tracks[0];
    expect([...matchingSites(track.sites, 'clock')]).toEqual([4]);
    expect(matchingSlices(track, 'clock').map((r) => r.index)).toEqual([0, 2]);
    expect(matchingSlices(track, 'nothing')).toEqual([]);
  });
});
