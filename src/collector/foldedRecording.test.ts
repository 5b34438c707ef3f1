import { describe, expect, it } from 'vitest';
import { Session } from './sessionStore';
import { readRecording, serializeTrace, writeRecording } from './recording';
import { decodeTextFrame } from './frameDecoder';

const info = { protocolVersion: 1, pid: 1, ppid: 0, tid: 0, isMainThread: true, nodeVersion: 'v20', argv: [], title: 't', startedAt: 1e15, stallThresholdMs: 50 };

describe('folded nextTick counts', () => {
  it('survive a recording round trip, and samples without any stay without', () => {
    const s = new Session('s1', info);
    s.loop.push({ ts: 1e15 + 100_000, p50: 1, p99: 2, max: 3, utilization: 0.5, folded: 1234 });
    s.loop.push({ ts: 1e15 + 200_000, p50: 1, p99: 2, max: 3, utilization: 0.25 });
    const [thread] = readRecording([...serializeTrace(writeRecording([s]))].join(''));
    expect(thread.loop.map((l) => l.folded)).toEqual([1234, undefined]);
  });
});

describe('loop message folded field', () => {
  it('is accepted when a count and refused otherwise', () => {
    const loop = '{"t":"loop","ts":1,"p50":1,"p99":2,"max":3,"utilization":0.5';
    expect(decodeTextFrame(`${loop},"folded":7}`)).toMatchObject({ folded: 7 });
    expect(() => decodeTextFrame(`${loop},"folded":"7"}`)).toThrow(/folded/);
    expect(() => decodeTextFrame(`${loop},"folded":-1}`)).toThrow(/folded/);
  });
});
