import { describe, expect, it } from 'vitest';
import { scanRecordingLines } from './recordingLines';
import { TraceCollector } from './traceCollector';
import { parseTrace, parseTraceStream, TraceParseError } from './traceParser';

const T = 1_796_013_391_339_085.2;
const events = [
  { ph: 'M', name: 'thread_name', pid: 5, tid: 1, args: { name: 'main' } },
  { ph: 'X', cat: 'loopscope.dispatch', name: 'Timeout', pid: 5, tid: 1, ts: T, dur: 206.67799999998238, args: { asyncId: 8, triggerAsyncId: 1 } },
  { ph: 'X', cat: 'loopscope.dispatch', name: 'FSREQCALLBACK', pid: 5, tid: 1, ts: T + 500, dur: 1e-7, args: { asyncId: 9, triggerAsyncId: 8 } },
  { ph: 'X', cat: 'loopscope.stall', name: 'stall', pid: 5, tid: 1, ts: T + 900, dur: 60_000, args: { stack: [], captured: 'none' } },
  { ph: 'X', cat: 'loopscope.dispatch', name: 'Immediate', pid: 5, tid: 1, ts: T + 900, dur: 60_000, args: { triggerAsyncId: 9, asyncId: 10 } },
];
/** The shape `loopscope record` writes: one event a line. */
const lineFile = `{"traceEvents":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n],"metadata":{"loopscope":{"droppedEvents":7}}}\n`;

describe('recording lines fast path', () => {
  it('reads a line-per-event file exactly as JSON.parse would', () => {
    const fast = parseTrace(lineFile);
    const slow = parseTrace(JSON.stringify({ traceEvents: events, metadata: { loopscope: { droppedEvents: 7 } } }));
    expect(fast).toEqual(slow);
    expect(fast.droppedEvents).toBe(7);
    const d = fast.messages.find((m) => m.type === 'dispatches');
    expect(d && d.type === 'dispatches' && Array.from(d.ts)).toEqual([T, T + 500, T + 900]);
  });

  it('decodes dispatch lines itself and hands other lines to JSON.parse', () => {
    const c = new TraceCollector();
    expect(scanRecordingLines(lineFile, c)).toEqual({ tail: { traceEvents: [], metadata: { loopscope: { droppedEvents: 7 } } } });
  });

  it('leaves other layouts to the JSON path', () => {
    expect(scanRecordingLines(JSON.stringify({ traceEvents: events }), new TraceCollector())).toBeUndefined();
    expect(scanRecordingLines(JSON.stringify({ traceEvents: events }, null, 2), new TraceCollector())).toBeUndefined();
    expect(parseTrace(JSON.stringify({ traceEvents: events }, null, 2)).messages).toHaveLength(parseTrace(lineFile).messages.length);
  });

  it('says a cut-short file is cut short, and a broken line is not JSON', () => {
    const cut = lineFile.slice(0, lineFile.indexOf('\n],'));
    expect(() => parseTrace(cut)).toThrow(TraceParseError);
    expect(() => parseTrace(cut)).toThrow(/cut short/);
    const broken = lineFile.replace('"name":"FSREQCALLBACK"', '"name":FSREQCALLBACK');
    expect(() => parseTrace(broken)).toThrow(/not JSON/);
  });

  it('keeps names that prefix each other apart and reads every number form', () => {
    const evs = [
      { ph: 'X', cat: 'loopscope.dispatch', name: 'TCPWRAP', pid: 5, tid: 1, ts: 1e15, dur: 2.5e-3, args: { asyncId: -3, triggerAsyncId: 123456789012345678 } },
      { ph: 'X', cat: 'loopscope.dispatch', name: 'TCP', pid: 5, tid: 1, ts: 1e15 + 1, dur: 0, args: { asyncId: 4, triggerAsyncId: 0 } },
      { ph: 'X', cat: 'loopscope.dispatch', name: 'TCPWRAPX', pid: 5, tid: 1, ts: 1e15 + 2, dur: 7, args: { asyncId: 5, triggerAsyncId: 4 } },
    ];
    const text = `{"traceEvents":[\n${evs.map((e) => JSON.stringify(e)).join(',\n')}\n]}`;
    expect(parseTrace(text)).toEqual(parseTrace(JSON.stringify({ traceEvents: evs })));
    const d = parseTrace(text).messages.find((m) => m.type === 'dispatches');
    expect(d?.type === 'dispatches' && [...d.asyncId]).toEqual([-3, 4, 5]);
    expect(d?.type === 'dispatches' && d.resourceTypes).toEqual(['TCPWRAP', 'TCP', 'TCPWRAPX']);
  });

  it('reads a streamed file in pieces cut anywhere, and other layouts whole', async () => {
    async function* pieces(text: string, size: number): AsyncGenerator<string> {
      for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
    }
    const whole = parseTrace(lineFile);
    for (const size of [1, 7, 64, 100_000]) expect(await parseTraceStream(pieces(lineFile, size))).toEqual(whole);
    const pretty = JSON.stringify({ traceEvents: events }, null, 2);
    expect((await parseTraceStream(pieces(pretty, 10))).messages).toEqual(parseTrace(pretty).messages);
    await expect(parseTraceStream(pieces(lineFile.slice(0, lineFile.indexOf('\n],')), 5))).rejects.toThrow(/cut short/);
    let seen = 0;
    await parseTraceStream(pieces(lineFile, 50), (n) => (seen = n));
    expect(seen).toBe(lineFile.length);
  });
});
