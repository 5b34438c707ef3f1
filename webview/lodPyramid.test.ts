import { describe, expect, it } from 'vitest';
import { createLodFrame, LodPyramid, typeBit } from './lodPyramid';
import { SliceColumns } from './sliceColumns';

/** Deterministic pseudo-random numbers so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function randomLane(n: number, seed: number): SliceColumns {
  const r = rng(seed);
  const cols = new SliceColumns();
  let t = 1_700_000_000_000_000;
  for (let i = 0; i < n; i++) {
    t += r() * 50;
    const dur = r() < 0.001 ? 20_000 + r() * 80_000 : r() * 30;
    cols.push(t, dur, i + 10, i + 5, 0);
  }
  return cols;
}

function visibleCount(cols: SliceColumns, t0: number, t1: number, minDur: number): number {
  let n = 0;
  for (let i = 0; i < cols.length; i++) {
    const ts = cols.ts(i);
    const dur = cols.dur(i);
    if (ts + dur >= t0 && ts <= t1 && dur >= minDur) n++;
  }
  return n;
}

describe('LodPyramid', () => {
  it('accounts for every visible slice once, as an aggregate or a wide slice', () => {
    const cols = randomLane(100_000, 1);
    const pyramid = new LodPyramid(cols);
    pyramid.update();
    const ext = pyramid.extent()!;
    for (const [a, b, width] of [[0, 1, 1000], [0.4, 0.41, 800], [0.5, 0.50001, 300]] as const) {
      const t0 = ext.start + (ext.end - ext.start) * a;
      const t1 = ext.start + (ext.end - ext.start) * b;
      const frame = createLodFrame(width);
      frame.t0 = t0;
      frame.pxUs = (t1 - t0) / width;
      pyramid.query(frame);
      const aggregated = frame.count.reduce((s, c) => s + c, 0);
      // Aggregates at the edges may include a few slices just outside the range; never fewer.
      const expected = visibleCount(cols, t0, t1, 0);
      expect(aggregated + frame.wide.length).toBeGreaterThanOrEqual(expected);
      expect(aggregated + frame.wide.length).toBeLessThanOrEqual(expected + 64);
    }
  });

  it('never merges a slice wider than a pixel into an aggregate', () => {
    const cols = randomLane(50_000, 2);
    const pyramid = new LodPyramid(cols);
    pyramid.update();
    const ext = pyramid.extent()!;
    const frame = createLodFrame(500);
    frame.t0 = ext.start;
    frame.pxUs = (ext.end - ext.start) / 500;
    pyramid.query(frame);
    const wide = new Set(frame.wide);
    for (let i = 0; i < cols.length; i++) {
      if (cols.dur(i) >= frame.pxUs) expect(wide.has(i)).toBe(true);
    }
  });

  it('keeps slices that start before the visible range but reach into it', () => {
    const cols = new SliceColumns();
    cols.push(0, 10_000, 1, 0, 0); // long slice from 0 to 10 ms
    for (let i = 0; i < 1000; i++) cols.push(20_000 + i * 10, 5, i + 2, 1, 0);
    const pyramid = new LodPyramid(cols);
    pyramid.update();
    const frame = createLodFrame(100);
    frame.t0 = 5_000;
    frame.pxUs = 10;
    pyramid.query(frame);
    expect(frame.wide).toContain(0);
  });

  it('gives the same answer built incrementally as built at once', () => {
    const whole = randomLane(30_000, 3);
    const bulk = new LodPyramid(whole);
    bulk.update();
    const parts = new SliceColumns();
    const incremental = new LodPyramid(parts);
    for (let i = 0; i < whole.length; i++) {
      parts.push(whole.ts(i), whole.dur(i), whole.asyncId(i), whole.triggerAsyncId(i), 0);
      if (i % 777 === 0) incremental.update();
    }
    incremental.update();
    const ext = bulk.extent()!;
    expect(incremental.extent()).toEqual(ext);
    const a = createLodFrame(640);
    const b = createLodFrame(640);
    a.t0 = b.t0 = ext.start;
    a.pxUs = b.pxUs = (ext.end - ext.start) / 640;
    bulk.query(a);
    incremental.query(b);
    expect(Array.from(b.count)).toEqual(Array.from(a.count));
    expect(b.wide).toEqual(a.wide);
  });

  it('prunes slices shorter than the minimum duration', () => {
    const cols = randomLane(20_000, 4);
    const pyramid = new LodPyramid(cols);
    pyramid.update();
    const ext = pyramid.extent()!;
    const frame = createLodFrame(2000);
    frame.t0 = ext.start;
    frame.pxUs = (ext.end - ext.start) / 2000;
    pyramid.query(frame, 10_000);
    for (const i of frame.wide) expect(cols.dur(i)).toBeGreaterThanOrEqual(10_000);
    expect(frame.wide.length).toBe(visibleCount(cols, ext.start, ext.end, 10_000));
  });

  it('finds the slices overlapping a short range for hit testing', () => {
    const cols = randomLane(20_000, 5);
    const pyramid = new LodPyramid(cols);
    pyramid.update();
    const ext = pyramid.extent()!;
    const t0 = ext.start + (ext.end - ext.start) / 3;
    const found = pyramid.overlapping(t0, t0 + 200);
    expect(found.length).toBe(visibleCount(cols, t0, t0 + 200, 0));
  });

  it('filters by resource type, pruning subtrees without the type', () => {
    const cols = new SliceColumns();
    for (let i = 0; i < 4000; i++) cols.push(i * 100, 50, i, 0, i < 2000 ? 0 : 1);
    const pyramid = new LodPyramid(cols);
    pyramid.update();
    const frame = createLodFrame(10_000);
    frame.t0 = 0;
    frame.pxUs = 41; // every slice (50 µs) is wide; the frame spans all 400 ms
    pyramid.query(frame, 0, typeBit(1));
    expect(frame.wide.length).toBe(2000);
    for (const i of frame.wide) expect(cols.typeId(i)).toBe(1);
    frame.pxUs = 1000; // everything aggregates
    pyramid.query(frame, 0, typeBit(0));
    expect(frame.count.reduce((a, b) => a + b, 0)).toBe(2000);
  });
});
