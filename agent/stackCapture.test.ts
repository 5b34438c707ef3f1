import { describe, expect, it } from 'vitest';
import { framesFromCapture, readCapture, withoutAgentFrames } from './stackCapture';

const f = (url: string, functionName = 'f', lineNumber = 1) => ({ functionName, url, lineNumber, columnNumber: 1 });

describe('stack capture', () => {
  it('drops the capture expression frames (no file) and malformed rows', () => {
    expect(framesFromCapture([['', '', 1, 1], ['spin', '/app.js', 4, 3], 'junk', [1]])).toEqual([{ functionName: 'spin', url: '/app.js', lineNumber: 4, columnNumber: 3 }]);
  });

  it('keeps the generated position of a row the agent mapped through an in-memory source map', () => {
    expect(framesFromCapture([['spin', '/app.ts', 9, 14, '/app.ts', 2, 424]])).toEqual([
      { functionName: 'spin', url: '/app.ts', lineNumber: 9, columnNumber: 14, generated: { url: '/app.ts', lineNumber: 2, columnNumber: 424 } },
    ]);
  });

  it('cuts the agent, what it called and the async_hooks frames above the blocked code', () => {
    const agent = '/ext/dist/agent.js';
    const frames = [f('node:fs', 'readSync'), f(agent, 'clock'), f(agent, 'before'), f('node:internal/async_hooks', 'emitHook'), f('node:internal/async_hooks', 'emitBeforeScript'), f('node:internal/process/task_queues', 'processTicksAndRejections')];
    expect(withoutAgentFrames(frames, agent).map((x) => x.functionName)).toEqual(['processTicksAndRejections']);
    const clean = [f('/app.js', 'spin'), f('node:internal/timers', 'listOnTimeout')];
    expect(withoutAgentFrames(clean, agent)).toBe(clean);
  });

  it('reads when the stack was taken', () => {
    expect(readCapture([1234.5, [['spin', '/app.js', 4, 3]]], '/agent.js')).toEqual({ takenAt: 1234.5, frames: [{ functionName: 'spin', url: '/app.js', lineNumber: 4, columnNumber: 3 }] });
    expect(readCapture('nope', '/agent.js')).toBeUndefined();
  });
});
