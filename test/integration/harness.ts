import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TraceEvent, TraceFile } from '../../src/collector/recording';

/** Repository root, fixtures and built files. */
export const root = path.resolve(__dirname, '../..');
export const fixtures = path.join(root, 'test/fixtures');
export const cli = path.join(root, 'dist/cli.js');
export const agent = path.join(root, 'dist/agent.js');

/** What a finished process left behind. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion, feeding `input` to its stdin. */
export function run(cmd: string, args: string[], options: SpawnOptions & { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(cmd, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    // A command that exits without reading its stdin (sync, dd) makes this write fail with EPIPE; that is not the test's concern.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - start });
    });
  });
}

/** A fixture's own measurements of its blocking calls. */
export interface FixtureReport {
  blocks: { label: string; ms: number }[];
}

/** A recording made by the real CLI of one fixture. */
export interface Recorded extends RunResult {
  trace: TraceFile;
  report: FixtureReport;
  stalls: TraceEvent[];
  dispatches: TraceEvent[];
}

/** Records `node <fixture>` with `loopscope record` and reads back the trace and the fixture's report. */
export async function recordFixture(fixture: string, recordArgs: string[] = [], nodeArgs: string[] = []): Promise<Recorded> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-it-'));
  const out = path.join(dir, 'trace.json');
  const reportFile = path.join(dir, 'report.json');
  const result = await run(process.execPath, [cli, 'record', '-o', out, ...recordArgs, '--', process.execPath, ...nodeArgs, path.join(fixtures, fixture)], {
    env: { ...process.env, FIXTURE_REPORT: reportFile },
    cwd: root,
  });
  if (!existsSync(out)) throw new Error(`no recording written; stderr:\n${result.stderr}`);
  const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as FixtureReport) : { blocks: [] };
  return {
    ...result,
    trace,
    report,
    stalls: trace.traceEvents.filter((e) => e.cat === 'loopscope.stall'),
    dispatches: trace.traceEvents.filter((e) => e.cat === 'loopscope.dispatch'),
  };
}

/** 1-based line numbers of the lines marked `// <marker>` in a fixture. */
export function markedLines(fixture: string, marker = 'BLOCK'): number[] {
  return readFileSync(path.join(fixtures, fixture), 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.includes(`// ${marker}`) ? [i + 1] : []));
}

/** The first frame of a stall's stack that is the fixture's own code. */
export function userFrame(stall: TraceEvent): { url: string; lineNumber: number } | undefined {
  const stack = (stall.args?.stack ?? []) as { url: string; lineNumber: number }[];
  return stack.find((f) => f.url.includes('/test/fixtures/'));
}

/** Waits until `check` returns a value other than undefined/false, polling; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A one-line-per-stall description for failure messages: duration, where, how captured. */
export function describeStalls(stalls: TraceEvent[]): string {
  return stalls
    .map((s) => {
      const stack = (s.args?.stack ?? []) as { url: string; lineNumber: number; functionName: string }[];
      const top = stack.slice(0, 4).map((f) => `${f.functionName || '<anon>'}@${f.url.split('/').pop()}:${f.lineNumber}`).join(' < ');
      return `${Math.round(s.dur! / 1000)} ms ${String(s.args?.resourceType ?? 'outside callbacks')} ${String(s.args?.captured)} ${top}`;
    })
    .join('\n');
}
