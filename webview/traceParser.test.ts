import { describe, expect, it } from 'vitest';
import { parseTrace, TraceParseError } from './traceParser';
import { TimelineModel } from './timelineModel';
import { findDispatch, triggerChain } from './triggerChain';

const T = 1_700_000_000_000_000;

/** A small recording in the format of docs/CONTRACTS.md. */
const smallTrace = {
  traceEvents: [
    { ph: 'M', name: 'process_name', pid: 7, args: { name: 'node app.js' } },
    { ph: 'M', name: 'thread_name', pid: 7, tid: 0, args: { name: 'main' } },
    { ph: 'X', cat: 'loopscope.dispatch', name: 'Timeout', pid: 7, tid: 0, ts: T + 100, dur: 50, args: { asyncId: 10, triggerAsyncId: 1 } },
    { ph: 'X', cat: 'loopscope.dispatch', name: 'FSREQCALLBACK', pid: 7, tid: 0, ts: T + 300, dur: 20, args: { asyncId: 11, triggerAsyncId: 10 } },
    { ph: 'X', cat: 'loopscope.dispatch', name: 'Immediate', pid: 7, tid: 0, ts: T + 400, dur: 80_000, args: { asyncId: 12, triggerAsyncId: 11 } },
    { ph: 'X', cat: 'loopscope.stall', name: 'stall', pid: 7, tid: 0, ts: T + 400, dur: 80_000,
      args: { stack: [{ functionName: 'spin', url: 'file:///app/app.js', lineNumber: 12, columnNumber: 3 }], captured: 'interrupt', asyncId: 12, resourceType: 'Immediate' } },
    { ph: 'i', s: 't', cat: 'loopscope.site', name: 'site', pid: 7, tid: 0, ts: T + 80_400, args: { asyncId: 12, functionName: 'onImmediate', url: 'file:///app/app.js', lineNumber: 20, columnNumber: 14 } },
    { ph: 'C', cat: 'loopscope.loop', name: 'eventLoopDelay', pid: 7, tid: 0, ts: T + 100_000, args: { p50: 1, p99: 70, max: 80 } },
    { ph: 'C', cat: 'loopscope.loop', name: 'eventLoopUtilization', pid: 7, tid: 0, ts: T + 100_000, args: { utilization: 0.9 } },
    { ph: 'X', cat: 'loopscope.gc', name: 'gc', pid: 7, tid: 0, ts: T + 90_000, dur: 2_000, args: { kind: 'minor' } },
    { ph: 'X', cat: 'loopscope.paused', name: 'paused', pid: 7, tid: 0, ts: T + 200_000, dur: 1_000_000 },
    { ph: 'X', cat: 'v8', name: 'V8.Foreign', pid: 7, tid: 0, ts: T, dur: 5 },
  ],
  metadata: { loopscope: { version: '0.1.0', protocolVersion: 1, droppedEvents: 3 } },
};

function load(trace: unknown): TimelineModel {
  const model = new TimelineModel();
  for (const m of parseTrace(JSON.stringify(trace)).messages) model.apply(m);
  model.refresh();
  return model;
}

describe('parseTrace', () => {
  it('reads every Loopscope event kind and skips foreign ones', () => {
    const parsed = parseTrace(JSON.stringify(smallTrace));
    expect(parsed.droppedEvents).toBe(3);
    expect(parsed.ignoredEvents).toBe(1);
    const model = load(smallTrace);
    expect(model.tracks).toHaveLength(1);
    const track = model.tracks[0];
    expect(track.session.title).toBe('main (pid 7)');
    expect(track.session.live).toBe(false);
    expect(track.sliceCount).toBe(3);
    expect(track.lanes.map((l) => l.kind)).toEqual(['timers', 'immediates', 'io']);
    expect(track.stalls[0].stack[0]).toMatchObject({ url: 'file:///app/app.js', lineNumber: 12 });
    expect(track.loop).toEqual([{ ts: T + 100_000, p50: 1, p99: 70, max: 80, utilization: 0.9 }]);
    expect(track.gc[0].kind).toBe('minor');
    expect(track.paused[0].dur).toBe(1_000_000);
    expect(track.sites.get(12)?.functionName).toBe('onImmediate');
    expect(model.bounds()).toEqual({ start: T + 100, end: T + 1_200_000 });
  });

  it('accepts a bare array of events', () => {
    const model = load(smallTrace.traceEvents);
    expect(model.sliceCount).toBe(3);
  });

  it('gives a clear error for a file that is not a trace', () => {
    expect(() => parseTrace('{"traceEvents": [')).toThrow(TraceParseError);
    expect(() => parseTrace('{"traceEvents": [')).toThrow(/not JSON/);
    expect(() => parseTrace('{"hello": 1}')).toThrow(/expected a Chrome trace/);
  });
});

describe('triggerChain', () => {
  it('walks back from a dispatch to the origin with callback sites', () => {
    const model = load(smallTrace);
    const track = model.tracks[0];
    const slice = findDispatch(track, 12)!;
    expect(slice.lane.kind).toBe('immediates');
    const chain = triggerChain(slice);
    expect(chain.map((l) => l.asyncId)).toEqual([11, 10, 1]);
    expect(chain[0].slice?.lane.kind).toBe('io');
    expect(chain[2].slice).toBeUndefined();
  });
});

describe('TimelineModel', () => {
  it('sorts stalls by duration across tracks and appends live dispatches', () => {
    const model = load(smallTrace);
    model.apply({ type: 'sessionStarted', session: { id: 'live', pid: 9, tid: 0, title: 'live', live: true } });
    model.apply({ type: 'stalls', sessionId: 'live', stalls: [{ ts: T + 5, dur: 200_000, stack: [], captured: 'none' }] });
    model.apply({
      type: 'dispatches', sessionId: 'live', resourceTypes: ['Timeout'], count: 2,
      typeId: new Uint16Array([0, 0]), asyncId: new Float64Array([2, 3]), triggerAsyncId: new Float64Array([1, 1]),
      ts: new Float64Array([T + 10, T + 20]), dur: new Float64Array([1, 1]),
    });
    model.refresh();
    expect(model.stallsByDuration().map((s) => s.stall.dur)).toEqual([200_000, 80_000]);
    expect(model.trackById('live')?.sliceCount).toBe(2);
    expect(model.sliceCount).toBe(5);
    model.apply({ type: 'reset' });
    expect(model.tracks).toHaveLength(0);
  });

  it('drops the oldest slices of live sessions beyond the limit, never those of a recording', () => {
    const m = new TimelineModel(100_000);
    m.apply({ type: 'sessionStarted', session: { id: 'l', pid: 1, tid: 0, title: 'l', live: true } });
    const n = 200_000;
    const ts = Float64Array.from({ length: n }, (_, i) => i * 10);
    m.apply({
      type: 'dispatches', sessionId: 'l', resourceTypes: ['Timeout'], count: n, typeId: new Uint16Array(n),
      asyncId: ts, triggerAsyncId: new Float64Array(n), ts, dur: new Float64Array(n).fill(1),
    });
    m.refresh();
    expect(m.sliceCount).toBeLessThanOrEqual(100_000);
    expect(m.droppedSlices).toBe(n - m.sliceCount);
    expect(m.epoch).toBe(1);
    expect(m.bounds()!.start).toBe(m.droppedSlices * 10);
    m.apply({ type: 'sessionEnded', sessionId: 'l', endedAt: n * 10 });
    m.apply({
      type: 'dispatches', sessionId: 'l', resourceTypes: ['Timeout'], count: n, typeId: new Uint16Array(n),
      asyncId: ts, triggerAsyncId: new Float64Array(n), ts: ts.map((t) => t + n * 10), dur: new Float64Array(n).fill(1),
    });
    m.refresh();
    expect(m.epoch).toBe(1);
  });

  it('routes each slice to its lane in order, and type ids outside the table to Other as unknown', () => {
    const m = new TimelineModel();
    m.apply({ type: 'sessionStarted', session: { id: 's', pid: 1, tid: 0, title: 's', live: false } });
    m.apply({
      type: 'dispatches', sessionId: 's', resourceTypes: ['Timeout', 'TCPWRAP'], count: 5,
      typeId: new Uint16Array([0, 1, 9, 0, 1]), asyncId: new Float64Array([1, 2, 3, 4, 5]), triggerAsyncId: new Float64Array(5),
      ts: new Float64Array([10, 20, 30, 40, 50]), dur: new Float64Array(5).fill(1),
    });
    const lanes = Object.fromEntries(m.tracks[0].lanes.map((l) => [l.kind, l.slices]));
    const ids = (kind: string): number[] => Array.from({ length: lanes[kind].length }, (_, i) => lanes[kind].asyncId(i));
    expect(ids('timers')).toEqual([1, 4]);
    expect(ids('network')).toEqual([2, 5]);
    expect(ids('other')).toEqual([3]);
    expect(m.typeNames[lanes.other.typeId(0)]).toBe('unknown');
  });
});
