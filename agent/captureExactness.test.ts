import { describe, expect, it } from 'vitest';
import { HELD_OFF_MS, HELD_RUNNING_MS, judgeCapture } from './captureExactness';

const user = { functionName: 'later', url: 'file:///app/other.js', lineNumber: 9, columnNumber: 3 };
const node = { functionName: 'readFileSync', url: 'node:fs', lineNumber: 450, columnNumber: 20 };

describe('judgeCapture', () => {
  it('a prompt capture is exact', () => {
    expect(judgeCapture(1000, 1000 + HELD_OFF_MS, [user])).toEqual({ heldMs: HELD_OFF_MS, exact: true });
  });
  it('a held capture that landed in user code is approximate, and says why', () => {
    const j = judgeCapture(1000, 1200, [user]);
    expect(j.exact).toBe(false);
    expect(j.heldMs).toBe(200);
    expect(j.reason).toMatch(/cannot be interrupted.*200 ms/);
  });
  it('a held capture that landed in Node\'s own JavaScript keeps its caller: exact', () => {
    expect(judgeCapture(1000, 1200, [node, user]).exact).toBe(true);
  });
  it('with the off-CPU wait known, a hold under HELD_OFF_MS the scheduler does not explain is approximate', () => {
    // A 60 ms JSON.parse on a quiet machine: held 30 ms, none of it waiting for a CPU.
    expect(judgeCapture(1000, 1030, [user], 0).exact).toBe(false);
  });
  it('with the off-CPU wait known, a long hold spent waiting for a CPU is exact', () => {
    expect(judgeCapture(1000, 1080, [user], 75).exact).toBe(true);
  });
  it('with the off-CPU wait known, up to HELD_RUNNING_MS unexplained (a GC pause) is exact', () => {
    expect(judgeCapture(1000, 1000 + HELD_RUNNING_MS, [user], 0).exact).toBe(true);
    expect(judgeCapture(1000, 1001 + HELD_RUNNING_MS, [user], 0).exact).toBe(false);
  });
});

