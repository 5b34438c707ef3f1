import { describe, expect, it } from 'vitest';
import { describeStalls, markedLines, recordFixture, userFrame } from './harness';

/** Recorded duration must match what the program measured itself, within scheduling noise. */
function expectDurationNear(recordedUs: number, measuredMs: number): void {
  const recordedMs = recordedUs / 1000;
  expect(recordedMs).toBeGreaterThanOrEqual(measuredMs * 0.95);
  expect(recordedMs).toBeLessThanOrEqual(measuredMs * 1.25 + 30);
}

describe('stalls in real programs, recorded by the real CLI', () => {
  const singles: [string, string][] = [
    ['busyLoop.js', 'a JavaScript loop'],
    ['syncCrypto.js', 'crypto.pbkdf2Sync (native)'],
    ['syncFs.js', 'fs.readFileSync (native)'],
    ['execSync.js', 'child_process.execSync (native, sleeping)'],
    ['httpHandler.js', 'a request handler'],
    ['afterAwait.js', 'an await continuation'],
    ['esmStall.mjs', 'an ES module'],
    ['afterIdle.js', 'a timer after an idle spell'],
  ];
  it.each(singles)('%s: one stall in %s, at the blocking line, with the measured duration', async (fixture) => {
    const r = await recordFixture(fixture);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stalls, describeStalls(r.stalls)).toHaveLength(1);
    const [line] = markedLines(fixture);
    const frame = userFrame(r.stalls[0]);
    expect(frame, JSON.stringify(r.stalls[0].args)).toBeDefined();
    expect(frame!.lineNumber).toBe(line);
    expect(r.report.blocks).toHaveLength(1);
    expectDurationNear(r.stalls[0].dur!, r.report.blocks[0].ms);
    expect(r.stderr).toContain(`${fixture}:${line}:`);
  });

  it('several stalls in one run: each one, in order, at its own line', async () => {
    const r = await recordFixture('multiStall.js');
    expect(r.code, r.stderr).toBe(0);
    const stalls = [...r.stalls].sort((a, b) => a.ts! - b.ts!);
    expect(stalls, describeStalls(stalls)).toHaveLength(3);
    expect(stalls.map((s) => userFrame(s)?.lineNumber)).toEqual(markedLines('multiStall.js'));
    stalls.forEach((s, i) => expectDurationNear(s.dur!, r.report.blocks[i].ms));
  });

  it('stalls in successive await continuations, with idle time between, are each their own stall', async () => {
    const r = await recordFixture('awaitLoop.js');
    expect(r.code, r.stderr).toBe(0);
    const stalls = [...r.stalls].sort((a, b) => a.ts! - b.ts!);
    expect(stalls, describeStalls(stalls)).toHaveLength(3);
    const [line] = markedLines('awaitLoop.js');
    expect(stalls.map((s) => userFrame(s)?.lineNumber)).toEqual([line, line, line]);
    stalls.forEach((s, i) => expectDurationNear(s.dur!, r.report.blocks[i].ms));
  });

  it('a quiet program has dispatches and no stall', async () => {
    const r = await recordFixture('quiet.js');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stalls, describeStalls(r.stalls)).toHaveLength(0);
    const types = new Set(r.dispatches.map((d) => d.name));
    expect(types).toContain('Timeout');
    expect(types).toContain('FSREQCALLBACK');
    expect(types).toContain('Immediate');
    expect(r.dispatches.length).toBeGreaterThan(40);
  });

  it('--stall-threshold changes what counts as a stall', async () => {
    const r = await recordFixture('multiStall.js', ['--stall-threshold', '150']);
    expect(r.stalls, describeStalls(r.stalls)).toHaveLength(1);
    expect(userFrame(r.stalls[0])?.lineNumber).toBe(markedLines('multiStall.js')[1]);
  });
});

describe('native calls the loop cannot be interrupted in', () => {
  it('zlib.gzipSync, Atomics.wait and a runaway regex are each flagged at their own line', async () => {
    const r = await recordFixture('nativeCalls.js');
    expect(r.code, r.stderr).toBe(0);
    const stalls = [...r.stalls].sort((a, b) => a.ts! - b.ts!);
    expect(stalls.map((s) => userFrame(s)?.lineNumber)).toEqual(markedLines('nativeCalls.js'));
    stalls.forEach((s, i) => expectDurationNear(s.dur!, r.report.blocks[i].ms));
  });
});
