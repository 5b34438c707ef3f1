import { describe, expect, it } from 'vitest';
import { describeStalls, markedLines, recordFixture } from './harness';
import type { TraceEvent } from '../../src/collector/recording';

/** The first frame of a stall that is in `file` (a fixture's script). */
function frameIn(stall: TraceEvent, file: string): { url: string; lineNumber: number } | undefined {
  const stack = (stall.args?.stack ?? []) as { url: string; lineNumber: number }[];
  const first = stack.find((f) => f.url.includes('/test/fixtures/'));
  return first && first.url.endsWith(`/${file}`) ? first : undefined;
}

describe('worker threads are lanes of their own, with stacks captured while they block', () => {
  it('a worker and a worker it started: each stall on its own thread, at the blocking line of its script', async () => {
    const r = await recordFixture('workerStall.js');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('workers done\n');
    expect(r.stderr).not.toContain('Waiting for the debugger');
    const names = new Map(r.trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.tid, String(e.args?.name)]));
    const report = r.report.blocks as unknown as { label: string; tid: number; ms: number }[];
    expect(report.map((b) => b.label)).toEqual(['worker', 'nested']);
    expect(r.stalls, describeStalls(r.stalls)).toHaveLength(2);
    const cases: [string, string, string][] = [
      ['worker', 'workerStallWorker.js', 'WORKER_BLOCK'],
      ['nested', 'workerStallNested.js', 'NESTED_BLOCK'],
    ];
    for (const [label, script, marker] of cases) {
      const block = report.find((b) => b.label === label)!;
      // The recording numbers threads from 1 (the main thread); a worker's is its threadId + 1.
      const stall = r.stalls.find((s) => s.tid === block.tid + 1);
      expect(stall, `${label}: ${describeStalls(r.stalls)}`).toBeDefined();
      expect(names.get(block.tid + 1)).toBe(`${script} #${block.tid}`);
      expect(frameIn(stall!, script)?.lineNumber, JSON.stringify(stall!.args)).toBe(markedLines(script, marker)[0]);
      expect(stall!.args?.captured).toBe('interrupt');
      expect(stall!.dur! / 1000).toBeGreaterThanOrEqual(block.ms * 0.95);
      expect(stall!.dur! / 1000).toBeLessThanOrEqual(block.ms * 1.25 + 30);
    }
  });
});
