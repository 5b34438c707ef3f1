/**
 * The short variant of the endurance run (`npm run bench:soak` runs it for an hour): a server
 * under steady load recorded by the CLI and by the extension's parts side by side for two
 * minutes, with small store bounds so that they are reached during the warm-up. After it, memory
 * must not grow (least-squares slope of the samples), and every dispatch must be held or counted
 * as dropped by the bounds — no hole inside what the bounds keep.
 */
import { describe, expect, it } from 'vitest';
import { runSoak, type SoakOptions, type SoakReport } from '../../bench/soak/soakRun';
import { root } from './harness';

const LIMITS = { maxEvents: 100_000, maxAgeMs: 15_000 };
const PAGE_SLICES = 150_000;
const base: Omit<SoakOptions, 'mode'> = {
  durationMs: 120_000, warmupMs: 50_000, rate: 150, sampleMs: 3000, limits: LIMITS, liveSliceLimit: PAGE_SLICES, root,
};

/**
 * Growth allowed after warm-up, MB per minute. Heaps measured after a full GC are exact, so their
 * bound is tight. A process's RSS is not (V8 still sizes its heaps in the first minutes, and a
 * busy machine makes a socket back up for a while): measured 0.6–4.6 MB/min over this window on
 * a shared 2-core machine, so the bound catches leaks of a few hundred bytes per request (the
 * hour-long run in the README shows the plateau).
 */
const RSS_SLOPE = 8;
const HEAP_SLOPE = 1;

function checkRun(r: SoakReport): void {
  const figures = JSON.stringify({ slopes: r.slopes, ranges: r.ranges, accounting: r.accounting, load: r.load, exit: r.exit, samples: r.samples.length });
  expect(r.exit, figures).toEqual({ code: 0, signal: null });
  // The program's own behaviour: it served what was asked (the 30-minute run saw 2 client-side
  // failures in 360k requests, on a machine overloaded at the time).
  expect(r.load.failed, figures).toBeLessThanOrEqual(r.load.sent / 1000);
  expect(r.serverRequests, figures).toBeGreaterThanOrEqual(r.load.ok);
  const a = r.accounting;
  expect(a.droppedByAgent, figures).toBe(0);
  expect(a.droppedByStore, figures).toBeGreaterThan(0); // the bounds were reached
  expect(a.held, figures).toBeLessThanOrEqual(LIMITS.maxEvents);
  // The store keeps the newest maxAge and drops whole chunks: what it holds spans about that, without holes.
  expect(a.heldSpanS, figures).toBeGreaterThan(LIMITS.maxAgeMs / 1000 - 2);
  expect(a.heldSpanS, figures).toBeLessThanOrEqual(LIMITS.maxAgeMs / 1000 + 1);
  expect(a.maxGapS, figures).toBeLessThan(1.5);
  expect(r.slopes.agentRssMb, figures).toBeLessThan(RSS_SLOPE);
}

describe('endurance (short variant of bench/soak.ts)', () => {
  it('two minutes of steady load recorded by the CLI and by the extension: memory flat after warm-up, nothing dropped beyond the bounds', async () => {
    const [cli, ext] = await Promise.all([runSoak({ ...base, mode: 'cli' }), runSoak({ ...base, mode: 'extension' })]);
    process.stdout.write(`soak cli: ${JSON.stringify({ slopes: cli.slopes, ranges: cli.ranges, accounting: cli.accounting })}\n`);
    process.stdout.write(`soak extension: ${JSON.stringify({ slopes: ext.slopes, ranges: ext.ranges, accounting: ext.accounting })}\n`);
    checkRun(cli);
    checkRun(ext);
    const figures = JSON.stringify({ cli: cli.slopes, ext: ext.slopes, page: ext.accounting.page });
    expect(cli.slopes.recorderRssMb, figures).toBeLessThan(RSS_SLOPE);
    expect(ext.slopes.hostHeapMb, figures).toBeLessThan(HEAP_SLOPE);
    expect(ext.accounting.balanced, figures).toBe(true);
    // The page was sent every dispatch the store received, holds at most its limit, and counts what it dropped.
    const page = ext.accounting.page!;
    expect(page.sent, figures).toBe(ext.accounting.received);
    expect(page.slices + page.dropped, figures).toBe(page.sent);
    expect(page.slices, figures).toBeLessThanOrEqual(PAGE_SLICES);
    expect(ext.slopes.pageModelMb, figures).toBeLessThan(HEAP_SLOPE);
  }, 200_000);
});
