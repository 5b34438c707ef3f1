import { describe, expect, it } from 'vitest';
import { layoutTimeline, METRICS, rowAt } from './timelineLayout';
import { TimelineModel } from './timelineModel';

function model(): TimelineModel {
  const m = new TimelineModel();
  m.apply({ type: 'sessionStarted', session: { id: 'a', pid: 1, tid: 0, title: 'a', live: true } });
  m.apply({
    type: 'dispatches', sessionId: 'a', resourceTypes: ['Timeout', 'TCPWRAP'], count: 2,
    typeId: new Uint16Array([0, 1]), asyncId: new Float64Array([5, 6]), triggerAsyncId: new Float64Array([1, 1]),
    ts: new Float64Array([10, 20]), dur: new Float64Array([1, 1]),
  });
  m.apply({ type: 'loop', sessionId: 'a', samples: [{ ts: 10, p50: 1, p99: 2, max: 3, utilization: 0.5 }] });
  m.apply({ type: 'sessionStarted', session: { id: 'b', pid: 1, tid: 1, title: 'b', live: true } });
  return m;
}

describe('layoutTimeline', () => {
  it('stacks a header, lanes and graphs per track', () => {
    const layout = layoutTimeline(model().tracks, new Set());
    expect(layout.tracks).toHaveLength(2);
    expect(layout.tracks[0].rows.map((r) => r.kind)).toEqual(['header', 'lane', 'lane', 'delay', 'utilization']);
    expect(layout.tracks[1].rows.map((r) => r.kind)).toEqual(['header']);
    const lane = layout.tracks[0].rows[1];
    expect(rowAt(layout, lane.y + 1)).toBe(lane);
    expect(rowAt(layout, -5)).toBeUndefined();
    expect(layout.height).toBe(layout.tracks[1].y + METRICS.header + METRICS.trackGap);
  });

  it('leaves out hidden lanes', () => {
    const layout = layoutTimeline(model().tracks, new Set(['network'] as const));
    expect(layout.tracks[0].rows.filter((r) => r.kind === 'lane').map((r) => r.lane?.kind)).toEqual(['timers']);
  });
});
