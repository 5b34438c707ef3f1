import { describe, expect, it } from 'vitest';
import type { GcPause, Stall } from './loopData';
import { contextFacts, gcOverlap, readStallContext, sortedGc, stallWords, withGc } from './stallContext';

const stall = (ts: number, durMs: number, context?: Stall['context']): Stall => ({ ts, dur: durMs * 1000, stack: [], captured: 'none', ...(context ? { context } : {}) });

describe('GC overlap of a stall', () => {
  const gc: GcPause[] = [
    { ts: 0, dur: 5_000, kind: 'minor' }, // before the stall
    { ts: 9_000, dur: 2_000, kind: 'minor' }, // straddles its start: 1 ms inside
    { ts: 20_000, dur: 30_000, kind: 'major' },
    { ts: 60_000, dur: 10_000, kind: 'major' },
    { ts: 105_000, dur: 10_000, kind: 'incremental' }, // straddles its end: 5 ms inside
    { ts: 200_000, dur: 1_000, kind: 'minor' }, // after
  ];
  it('counts only the part of each pause inside the stall, by kind', () => {
    expect(gcOverlap(10_000, 100_000, gc)).toEqual({ gcMs: 46, gcByKind: { minor: 1, major: 40, incremental: 5 } });
  });
  it('is zero without pauses in the stall', () => {
    expect(gcOverlap(120_000, 50_000, gc)).toEqual({ gcMs: 0, gcByKind: {} });
    expect(gcOverlap(0, 10, [])).toEqual({ gcMs: 0, gcByKind: {} });
  });
  it('sorts unsorted pauses before searching them', () => {
    const shuffled = [gc[3], gc[0], gc[5], gc[2], gc[1], gc[4]];
    expect(gcOverlap(10_000, 100_000, sortedGc(shuffled)).gcMs).toBe(46);
  });
  it('keeps a GC share already in the context, and adds one where none is', () => {
    expect(withGc(stall(10_000, 100, { gcMs: 7 }), gc).gcMs).toBe(7);
    expect(withGc(stall(10_000, 100, { cpuMs: 90, wallMs: 110 }), gc)).toMatchObject({ cpuMs: 90, wallMs: 110, gcMs: 46 });
  });
});

describe('stall words', () => {
  it('names GC when it is most of the stall', () => {
    expect(stallWords(stall(0, 100, { gcMs: 60 }))).toEqual(['mostly GC']);
    expect(stallWords(stall(0, 100, { gcMs: 40 }))).toEqual([]);
  });
  it('names page faults from a few major faults on', () => {
    expect(stallWords(stall(0, 100, { majorFaults: 3 }))).toEqual(['page faults']);
    expect(stallWords(stall(0, 100, { majorFaults: 2 }))).toEqual([]);
  });
  it('tells on-CPU, off-CPU and waiting-for-CPU apart', () => {
    expect(stallWords(stall(0, 200, { wallMs: 220, cpuMs: 200, runQueueMs: 1 }))).toEqual([]);
    expect(stallWords(stall(0, 200, { wallMs: 220, cpuMs: 3, runQueueMs: 1 }))).toEqual(['off-CPU']);
    expect(stallWords(stall(0, 200, { wallMs: 220, cpuMs: 100, runQueueMs: 110 }))).toEqual(['waiting for CPU']);
  });
  it('says nothing without a context (other systems, old recordings)', () => {
    expect(stallWords(stall(0, 200))).toEqual([]);
    expect(contextFacts(stall(0, 200))).toEqual([]);
  });
  it('gives details rows for what was measured only', () => {
    const rows = contextFacts(stall(0, 100, { gcMs: 80, gcByKind: { major: 70, minor: 10 }, wallMs: 120, cpuMs: 30, runQueueMs: 5, majorFaults: 0, involuntarySwitches: 4 }));
    expect(rows).toEqual([
      ['GC', '80 ms of the stall (80%) — major 70 ms, minor 10 ms'],
      ['CPU', '30 ms on CPU of 120 ms measured (25%), 5.0 ms waiting for a CPU'],
      ['Major page faults', '0'],
      ['Involuntary switches', '4'],
    ]);
    expect(contextFacts(stall(0, 100, { gcMs: 0, gcByKind: {} }))).toEqual([['GC', 'none during the stall']]);
  });
});

describe('stall context read from a recording', () => {
  it('keeps numbers and drops anything else', () => {
    expect(readStallContext({ gcMs: 3, cpuMs: 'x', wallMs: 10, gcByKind: { major: 3, bad: null }, extra: 1 })).toEqual({ gcMs: 3, wallMs: 10, gcByKind: { major: 3 } });
    expect(readStallContext(null)).toBeUndefined();
    expect(readStallContext('x')).toBeUndefined();
  });
});
