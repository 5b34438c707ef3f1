import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, describeStalls, fixtures, markedLines, recordFixture, root, run, userFrame, type Recorded } from './harness';
import { readRecording } from '../../src/collector/recording';
import { stallWords, type StallContext } from '../../model/stallContext';
import type { Stall } from '../../model/loopData';

const linux = existsSync('/proc/thread-self/schedstat');

/** The stalls as the timeline reads them, in start order. */
function stallsOf(r: Recorded): Stall[] {
  return readRecording(JSON.stringify(r.trace)).flatMap((t) => t.stalls).sort((a, b) => a.ts - b.ts);
}

/** The kernel counters every stall carries on Linux: whole numbers, never negative. */
function expectCounters(c: StallContext | undefined, stall: Stall): void {
  expect(c, JSON.stringify(stall)).toBeDefined();
  for (const key of ['majorFaults', 'involuntarySwitches'] as const) {
    expect(Number.isInteger(c![key]), key).toBe(true);
    expect(c![key]).toBeGreaterThanOrEqual(0);
  }
  // The window ends as the stall is noted and starts at the last baseline before it: at most the
  // 50 ms between baselines and a 25 ms poll earlier (later on a loaded machine), or, when the
  // stall's own callback woke the sleeping worker, that wakeup's latency after it began.
  expect(c!.wallMs).toBeGreaterThanOrEqual(0.9 * (stall.dur / 1000));
  expect(c!.wallMs).toBeLessThan(stall.dur / 1000 + 150);
}

describe('implicit blocking beside each stall, in the real recording', () => {
  it('a turn spent in full GCs: gcMs is most of the stall, and the list says "mostly GC"', async () => {
    const r = await recordFixture('gcStall.js', [], ['--expose-gc']);
    expect(r.code, r.stderr).toBe(0);
    const stalls = stallsOf(r);
    const [line] = markedLines('gcStall.js');
    const stall = stalls.find((s) => s.stack.some((f) => f.url.includes('gcStall.js') && f.lineNumber === line));
    expect(stall, describeStalls(r.stalls)).toBeDefined();
    const raw = r.stalls.find((s) => userFrame(s)?.lineNumber === line)!;
    expect(raw.args?.phase).toBe('timers');
    const c = stall!.context!;
    expect(c.gcMs!, JSON.stringify(c)).toBeGreaterThan(0.5 * (stall!.dur / 1000));
    const byKind = Object.values(c.gcByKind ?? {}).reduce((a, b) => a + b, 0);
    expect(byKind).toBeCloseTo(c.gcMs!, 0);
    expect(stallWords(stall!)).toContain('mostly GC');
    // The recorder's summary says it too, beside the stall's line.
    expect(r.stderr).toMatch(new RegExp(`gcStall\\.js:${line}:\\d+ .*mostly GC`));
    if (linux) expectCounters(c, stall!);
  });

  it.runIf(linux)('CPU against wall time tells a busy loop (on CPU) from Atomics.wait (off CPU)', async () => {
    const r = await recordFixture('offCpu.js');
    expect(r.code, r.stderr).toBe(0);
    const stalls = stallsOf(r);
    expect(stalls, describeStalls(r.stalls)).toHaveLength(2);
    const [busy, asleep] = stalls;
    for (const s of stalls) expectCounters(s.context, s);
    const b = busy.context!;
    const a = asleep.context!;
    // Busy: the thread ran, or was runnable and waited for a CPU, for nearly all of it.
    expect(b.cpuMs! + b.runQueueMs!, JSON.stringify(b)).toBeGreaterThan(0.8 * (busy.dur / 1000));
    expect(stallWords(busy)).not.toContain('off-CPU');
    // Asleep in the kernel: next to no CPU.
    expect(a.cpuMs!, JSON.stringify(a)).toBeLessThan(0.2 * (asleep.dur / 1000));
    expect(stallWords(asleep)).toContain('off-CPU');
  });
});

describe.runIf(linux && existsSync('/usr/bin/dd'))('major page faults inside a stall', () => {
  it('a turn that first touches pages of a binary dropped from the page cache counts its major faults', async () => {
    // A private copy of node, flushed and dropped from the page cache (only this file's pages).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-cold-'));
    const node = path.join(dir, 'node');
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
    try {
      const sync = await run('sync', [node]);
      expect(sync.code, sync.stderr).toBe(0);
      const drop = await run('dd', [`if=${node}`, 'iflag=nocache', 'count=0', 'status=none']);
      expect(drop.code, drop.stderr).toBe(0);
      const out = path.join(dir, 'trace.json');
      const r = await run(process.execPath, [cli, 'record', '-o', out, '--', node, path.join(fixtures, 'pageFaults.js')], { cwd: root });
      expect(r.code, r.stderr).toBe(0);
      const own = JSON.parse(r.stdout.trim().split('\n').pop()!) as { majorFaults: number };
      // The provocation itself must work, or the test proves nothing.
      expect(own.majorFaults, 'the fixture saw no major faults of its own').toBeGreaterThan(0);
      const stalls = readRecording(readFileSync(out, 'utf8')).flatMap((t) => t.stalls);
      const [line] = markedLines('pageFaults.js');
      const stall = stalls.find((s) => s.stack.some((f) => f.url.includes('pageFaults.js') && f.lineNumber === line));
      expect(stall, JSON.stringify(stalls.map((s) => [s.dur, s.context]))).toBeDefined();
      // The window holds the fixture's own count (it read its counters inside the stall).
      expect(stall!.context!.majorFaults!).toBeGreaterThanOrEqual(own.majorFaults);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
