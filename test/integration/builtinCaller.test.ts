import { describe, expect, it } from 'vitest';
import { describeStalls, markedLines, recordFixture, type Recorded } from './harness';
import type { TraceEvent } from '../../src/collector/recording';

const helpers = 'builtinHelpers.js';

/** The stall that covers most of the fixture's block `label` (durations can differ under load: CPU wait is not counted). */
function stallFor(r: Recorded, label: string): TraceEvent {
  const block = (r.report.blocks as unknown as { label: string; start: number; ms: number }[]).find((b) => b.label === label);
  expect(block, label).toBeDefined();
  const [from, to] = [block!.start * 1000, (block!.start + block!.ms) * 1000];
  const overlap = (s: TraceEvent) => Math.min(to, s.ts! + s.dur!) - Math.max(from, s.ts!);
  const stall = [...r.stalls].sort((a, b) => overlap(b) - overlap(a))[0];
  expect(stall && overlap(stall) > (to - from) / 2, `${label} (${Math.round(block!.ms)} ms):\n${describeStalls(r.stalls)}`).toBe(true);
  return stall!;
}

function firstFixtureFrame(stall: TraceEvent): { url: string; lineNumber: number } | undefined {
  return ((stall.args?.stack ?? []) as { url: string; lineNumber: number }[]).find((f) => f.url.includes('/test/fixtures/'));
}

describe('a stall inside a big builtin call points at the line that called it, or says it cannot', () => {
  let recorded: Promise<Recorded> | undefined;
  const record = () => (recorded ??= recordFixture('builtinCaller.js'));

  it.each(['stringify', 'regex'])('%s: V8 serves the interrupt inside it, so the first user frame is the calling line in the helper file', async (kind) => {
    const r = await record();
    expect(r.code, r.stderr).toBe(0);
    const stall = stallFor(r, kind);
    const frame = firstFixtureFrame(stall);
    expect(frame?.url, JSON.stringify(stall.args)).toMatch(new RegExp(`/${helpers}$`));
    expect(frame?.lineNumber).toBe(markedLines(helpers, `CALL ${kind}`)[0]);
  });

  it.each(['parse', 'sort'])('%s: V8 cannot interrupt it, so the stall is flagged approximate with its reason, never a confident later line', async (kind) => {
    const r = await record();
    expect(r.code, r.stderr).toBe(0);
    const stall = stallFor(r, kind);
    const frame = firstFixtureFrame(stall);
    // Today's V8 (Node 20) serves the interrupt only after the call returned, in later code.
    const atCall = frame?.url.endsWith(`/${helpers}`) && frame.lineNumber === markedLines(helpers, `CALL ${kind}`)[0];
    expect(atCall, JSON.stringify(stall.args)).toBeFalsy();
    expect(stall.args?.exact).toBe(false);
    expect(String(stall.args?.approxReason)).toMatch(/cannot be interrupted/);
    expect(Number(stall.args?.heldMs)).toBeGreaterThan(40);
    // The CLI says so too.
    expect(r.stderr).toMatch(/\(approximate\)/);
  });
});
