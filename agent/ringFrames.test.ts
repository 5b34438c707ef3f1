import { describe, expect, it } from 'vitest';
import { C_WRITE, createRing, type RingViews } from './sharedRing';
import { DISPATCH_FIELDS, DISPATCH_HEADER } from './protocol';
import { drainWrittenInFrames } from './ringFrames';

/** Writes `count` records numbered from `first` into the ring, as the recording thread does. */
function write(ring: RingViews, first: number, count: number): void {
  const mask = ring.capacity - 1;
  let at = Atomics.load(ring.control, C_WRITE);
  for (let i = 0; i < count; i++) {
    ring.records[(at & mask) * DISPATCH_FIELDS] = first + i;
    at = (at + 1) | 0;
  }
  Atomics.store(ring.control, C_WRITE, at);
}

/** The numbers of the records a frame carries, in order. */
function numbers(frame: Float64Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => frame[DISPATCH_HEADER + i * DISPATCH_FIELDS]);
}

describe('drainWrittenInFrames', () => {
  it('sends what was written before it began, in order, in frames no larger than asked', () => {
    const ring = createRing(64);
    write(ring, 0, 25);
    const frames: number[][] = [];
    expect(drainWrittenInFrames(ring, (f, n) => frames.push(numbers(f, n)), 10)).toBe(25);
    expect(frames.map((f) => f.length)).toEqual([10, 10, 5]);
    expect(frames.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('does not chase a program that keeps writing while it sends', () => {
    const ring = createRing(1024);
    write(ring, 0, 30);
    let next = 30;
    const frames: number[][] = [];
    // Every send lets the producer write more, as a flooding program does between the worker's sends.
    const sent = drainWrittenInFrames(ring, (f, n) => {
      frames.push(numbers(f, n));
      // Bounded, so a drain that did chase the producer ends and fails on the count instead of hanging.
      if (frames.length <= 3) {
        write(ring, next, 7);
        next += 7;
      }
    }, 10);
    expect(sent).toBe(30);
    expect(frames).toHaveLength(3);
    // What came in meanwhile waits, whole and in order, for the next flush.
    const later: number[][] = [];
    drainWrittenInFrames(ring, (f, n) => later.push(numbers(f, n)), 100);
    expect(later).toHaveLength(1);
    expect(later[0]).toEqual(Array.from({ length: 21 }, (_, i) => 30 + i));
  });

  it('reads across the ring\'s wrap', () => {
    const ring = createRing(16);
    write(ring, 0, 12);
    drainWrittenInFrames(ring, () => {});
    write(ring, 12, 10);
    const got: number[] = [];
    drainWrittenInFrames(ring, (f, n) => got.push(...numbers(f, n)), 4);
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => 12 + i));
  });
});
