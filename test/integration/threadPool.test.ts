/**
 * Thread-pool pressure from a real program under the real CLI: 16 concurrent pbkdf2 calls on a
 * pool of 4 threads queue up, and the recording shows it; 4 on 4 do not.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent, TraceFile } from '../../src/collector/recording';
import { cli, fixtures, root, run } from './harness';

const POOL_DISPATCHES = new Set(['PBKDF2REQUEST', 'FSREQCALLBACK', 'FSREQPROMISE', 'FILEHANDLECLOSEREQ', 'ZLIB', 'GETADDRINFOREQWRAP']);

interface PoolRun {
  code: number | null;
  stderr: string;
  samples: TraceEvent[];
  saturations: TraceEvent[];
  dispatches: TraceEvent[];
  waits: number[];
}

/** Records the pool fixture with `calls` concurrent pbkdf2 calls on a pool of 4 threads. */
async function recordPool(calls: number): Promise<PoolRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-pool-'));
  const out = path.join(dir, 'trace.json');
  const reportFile = path.join(dir, 'report.json');
  const r = await run(process.execPath, [cli, 'record', '-o', out, '--', process.execPath, path.join(fixtures, 'poolSaturation.js')], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '4', POOL_CALLS: String(calls), FIXTURE_REPORT: reportFile },
    cwd: root,
    timeoutMs: 90_000,
  });
  if (!existsSync(out)) throw new Error(`no recording written; stderr:\n${r.stderr}`);
  const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { waits: number[] }) : { waits: [] };
  const pool = trace.traceEvents.filter((e) => e.cat === 'loopscope.pool');
  return {
    code: r.code,
    stderr: r.stderr,
    samples: pool.filter((e) => e.ph === 'C' && e.name === 'threadPool'),
    saturations: pool.filter((e) => e.ph === 'X' && e.name === 'poolSaturated'),
    dispatches: trace.traceEvents.filter((e) => e.cat === 'loopscope.dispatch' && POOL_DISPATCHES.has(e.name)),
    waits: report.waits,
  };
}

const arg = (e: TraceEvent, key: string) => Number(e.args?.[key]);
const describeSamples = (samples: TraceEvent[]) => samples.map((s) => JSON.stringify(s.args)).join('\n');

describe('thread-pool pressure', () => {
  it('shows 16 pbkdf2 calls queueing on a pool of 4: in flight, queued, growing waits, a saturation', async () => {
    const r = await recordPool(16);
    expect(r.code, r.stderr).toBe(0);
    expect(r.waits).toHaveLength(16);
    const why = describeSamples(r.samples);
    expect(r.samples.length, why).toBeGreaterThan(2);
    expect(r.samples.every((s) => arg(s, 'size') === 4), why).toBe(true);
    expect(Math.max(...r.samples.map((s) => arg(s, 'inFlight'))), why).toBeGreaterThanOrEqual(12);
    expect(r.samples.some((s) => arg(s, 'queued') > 0), why).toBe(true);
    for (const s of r.samples) expect(arg(s, 'queued')).toBe(Math.max(0, arg(s, 'inFlight') - 4));

    // Waits grow as the queue drains: the last pbkdf2 callbacks waited far longer than the first.
    const withWaits = r.samples.filter((s) => arg(s, 'completed') > 0);
    const firstWait = arg(withWaits[0], 'maxWaitMs');
    const longest = Math.max(...withWaits.map((s) => arg(s, 'maxWaitMs')));
    expect(longest, why).toBeGreaterThan(firstWait * 1.5);
    // The recorded waits are the program's own, submission to callback (a few ms of clock difference).
    expect(longest).toBeGreaterThanOrEqual(Math.max(...r.waits) - 20);
    expect(longest).toBeLessThanOrEqual(Math.max(...r.waits) + 50);

    expect(r.saturations.length, why).toBeGreaterThanOrEqual(1);
    const span = r.saturations[0];
    expect(arg(span, 'size')).toBe(4);
    expect(arg(span, 'peak')).toBeGreaterThanOrEqual(12);
    expect(span.dur!).toBeGreaterThanOrEqual(50_000);
    expect(arg(span, 'maxWaitMs')).toBeGreaterThan(0);

    // Every pool callback the recorder saw (pbkdf2, fs callback and promise, zlib, dns.lookup) was
    // counted once as a completed request.
    const kinds = new Set(r.dispatches.map((d) => d.name));
    for (const k of ['PBKDF2REQUEST', 'FSREQCALLBACK', 'FSREQPROMISE', 'ZLIB', 'GETADDRINFOREQWRAP']) expect(kinds, k).toContain(k);
    const completed = r.samples.reduce((n, s) => n + arg(s, 'completed'), 0);
    expect(completed, why).toBe(r.dispatches.length);
  });

  it('flags nothing when the calls fit the pool (4 pbkdf2 calls on 4 threads)', async () => {
    const r = await recordPool(4);
    expect(r.code, r.stderr).toBe(0);
    const why = describeSamples(r.samples);
    expect(r.samples.length).toBeGreaterThan(0);
    expect(Math.max(...r.samples.map((s) => arg(s, 'inFlight'))), why).toBe(4);
    expect(r.samples.every((s) => arg(s, 'queued') === 0), why).toBe(true);
    expect(r.saturations).toEqual([]);
    expect(r.samples.reduce((n, s) => n + arg(s, 'completed'), 0)).toBe(r.dispatches.length);
  });
});
