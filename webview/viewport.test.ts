import { describe, expect, it } from 'vitest';
import { MIN_SPAN_US, Viewport } from './viewport';

function view(): Viewport {
  const v = new Viewport();
  v.x0 = 100;
  v.width = 1000;
  v.bounds = { start: 0, end: 1_000_000 };
  v.fit();
  return v;
}

describe('Viewport', () => {
  it('maps time to pixels and back', () => {
    const v = view();
    v.setRange({ start: 0, end: 1000 });
    expect(v.xOf(500)).toBe(600);
    expect(v.timeAt(600)).toBe(500);
    expect(v.usPerPx).toBe(1);
  });

  it('zooms around the pointer, keeping the time under it fixed', () => {
    const v = view();
    const before = v.timeAt(350);
    v.zoomAt(4, 350);
    expect(v.timeAt(350)).toBeCloseTo(before, 6);
    expect(v.span).toBeCloseTo(1_020_000 / 4, 3);
  });

  it('never zooms below the minimum span nor drifts away from the data', () => {
    const v = view();
    for (let i = 0; i < 100; i++) v.zoomAt(10, 600);
    expect(v.span).toBe(MIN_SPAN_US);
    v.panBy(1e12);
    expect(v.start).toBeLessThanOrEqual(1_000_000);
    v.zoomAt(1e-9, 600);
    expect(v.span).toBeLessThanOrEqual(4_000_000);
  });

  it('pans by pixels and centres on a time', () => {
    const v = view();
    v.setRange({ start: 1000, end: 2000 });
    v.panBy(100);
    expect(v.start).toBe(1100);
    v.centerOn(500_000);
    expect(v.start + v.span / 2).toBe(500_000);
  });
});
