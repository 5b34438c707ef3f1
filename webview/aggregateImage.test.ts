import { describe, expect, it } from 'vitest';
import { aggregateColors, columnLevel, rgbaWord } from './aggregateImage';

describe('aggregate colours', () => {
  it('packs opaque little-endian RGBA words', () => {
    expect(rgbaWord([1, 2, 3])).toBe(0xff030201);
  });

  it('blends the lane colour over the background per busy level', () => {
    const c = aggregateColors([255, 0, 0], [0, 0, 0]);
    expect(c.empty).toBe(rgbaWord([0, 0, 0]));
    expect(c.levels[3]).toBe(rgbaWord([255, 0, 0]));
    expect(c.levels[0]).toBe(rgbaWord([102, 0, 0]));
  });

  it('keeps any column with a slice visible and saturates at full coverage', () => {
    expect(columnLevel(0, 0)).toBe(-1);
    expect(columnLevel(1, 0.0001)).toBe(0);
    expect(columnLevel(3, 0.6)).toBe(2);
    expect(columnLevel(9, 7)).toBe(3);
  });
});
