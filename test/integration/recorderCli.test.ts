import { fork } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording, RecordingError } from '../../src/collector/recording';
import type { TraceEvent } from '../../src/collector/recording';
import { cli, describeStalls, fixtures, markedLines, recordFixture, root, run, userFrame } from './harness';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const PHASES = new Set(['X', 'C', 'M', 'i', 'I', 'B', 'E', 'b', 'e', 'n']);

/** The rules Perfetto's and chrome://tracing's JSON importers hold events to. */
function checkTraceEvent(e: TraceEvent): string | undefined {
  if (!PHASES.has(e.ph)) return `unknown ph ${e.ph}`;
  if (typeof e.name !== 'string') return 'name is not a string';
  if (!Number.isInteger(e.pid)) return 'pid is not an integer';
  if (e.ph === 'M') {
    if (e.name !== 'process_name' && e.name !== 'thread_name') return `unexpected metadata ${e.name}`;
    if (typeof e.args?.name !== 'string') return 'metadata without args.name';
    if (e.name === 'thread_name' && !Number.isInteger(e.tid)) return 'thread_name without tid';
    return undefined;
  }
  if (!Number.isInteger(e.tid)) return 'tid is not an integer';
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) return 'ts is not a finite non-negative number';
  if (e.ph === 'X' && (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0)) return 'X without a non-negative dur';
  if (e.ph === 'C' && !Object.values(e.args ?? {}).every((v) => typeof v === 'number' && Number.isFinite(v))) return 'counter with non-numeric args';
  if (e.ph === 'i' && !['g', 'p', 't'].includes(String(e.s))) return 'instant without scope';
  return undefined;
}

describe('loopscope record', () => {
  it('writes a Chrome trace that follows the format rules, with the events the format names', async () => {
    const r = await recordFixture('httpHandler.js');
    expect(r.code, r.stderr).toBe(0);
    expect(Array.isArray(r.trace.traceEvents)).toBe(true);
    expect(typeof r.trace.metadata).toBe('object');
    const problems = r.trace.traceEvents.map((e) => [checkTraceEvent(e), e] as const).filter(([p]) => p);
    expect(problems.slice(0, 3)).toEqual([]);
    const names = new Set(r.trace.traceEvents.map((e) => `${e.ph}:${e.name}`));
    for (const n of ['M:process_name', 'M:thread_name', 'C:eventLoopDelay', 'C:eventLoopUtilization', 'X:stall', 'X:TCPWRAP', 'X:HTTPINCOMINGMESSAGE']) {
      expect(names, n).toContain(n);
    }
    const stall = r.stalls.find((s) => userFrame(s)?.lineNumber === markedLines('httpHandler.js')[0]);
    expect(stall, describeStalls(r.stalls)).toBeDefined();
    const stack = stall!.args!.stack as { functionName: string; url: string; lineNumber: number; columnNumber: number }[];
    for (const f of stack) {
      expect(f.lineNumber).toBeGreaterThanOrEqual(1);
      expect(f.columnNumber).toBeGreaterThanOrEqual(1);
      expect(f.url.startsWith('/') || f.url.startsWith('file://') || f.url.startsWith('node:')).toBe(true);
    }
    for (const d of r.dispatches) expect(Number.isInteger(d.args!.asyncId) && Number.isInteger(d.args!.triggerAsyncId)).toBe(true);
    // Perfetto takes the whole file in one JSON.parse: it must round-trip through our own reader too.
    const [thread] = readRecording(JSON.stringify(r.trace));
    expect(thread.stalls).toHaveLength(r.stalls.length);
    expect(thread.chunks[0].count).toBe(r.dispatches.length);
  });

  it('passes the command exit code through and prints the worst stalls with file:line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-cli-'));
    const r = await run(process.execPath, [cli, 'record', '-o', path.join(dir, 't.json'), '--', process.execPath, '-e', 'process.exitCode = 7'], { cwd: root });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/1 process, 1 thread, \d+ callbacks, 0 stalls/);
  });

  it('--fail-on-stall fails the job and names the stall when one reaches the limit', async () => {
    const failing = await recordFixture('multiStall.js', ['--fail-on-stall', '150']);
    expect(failing.code).toBe(1);
    // It names the worst stall (on a loaded machine any of the three may have become the worst).
    const worst = [...failing.stalls].sort((a, b) => b.dur! - a.dur!)[0];
    expect(failing.stderr).toMatch(new RegExp(`FAIL: \\d+\\.\\d ms stall at test/fixtures/multiStall.js:${userFrame(worst)!.lineNumber}:`));
    const passing = await recordFixture('multiStall.js', ['--fail-on-stall', '5000']);
    expect(passing.code).toBe(0);
  });

  it('runs any command, here a shell script that starts node twice, and records both processes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-cli-'));
    const out = path.join(dir, 't.json');
    const script = `node ${path.join(fixtures, 'busyLoop.js')} && node ${path.join(fixtures, 'execSync.js')}`;
    const r = await run(process.execPath, [cli, 'record', '-o', out, '--', 'sh', '-c', script], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: TraceEvent[] };
    const stallPids = new Set(trace.traceEvents.filter((e) => e.cat === 'loopscope.stall').map((e) => e.pid));
    expect(stallPids.size).toBe(2);
  });

  it('records the program an npm script runs, not npm itself', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-npm-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { go: `node ${path.join(fixtures, 'busyLoop.js')}` } }));
    const out = path.join(dir, 't.json');
    const r = await run(process.execPath, [cli, 'record', '-o', out, '--', 'npm', 'run', '--silent', 'go'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: TraceEvent[] };
    const threads = trace.traceEvents.filter((e) => e.cat === 'loopscope.thread');
    expect(threads.map((t) => (t.args!.argv as string[])[1])).toEqual([path.join(fixtures, 'busyLoop.js')]);
  });

  it('passes an IPC channel through when the recorder has one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-cli-'));
    const script = 'process.on("message", (m) => { process.send({ echo: m }); process.disconnect(); });';
    const recorder = fork(cli, ['record', '-o', path.join(dir, 't.json'), '--', process.execPath, '-e', script], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const reply = new Promise((resolve) => recorder.on('message', resolve));
    recorder.send({ ping: 1 });
    expect(await reply).toEqual({ echo: { ping: 1 } });
    const code = await new Promise((resolve) => recorder.on('exit', resolve));
    expect(code).toBe(0);
  });

  it('reports a usage error for a missing command', async () => {
    const r = await run(process.execPath, [cli, 'record']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no command to record');
  });
});

describe('reading recordings', () => {
  it('refuses a corrupted file with a clear error', () => {
    expect(() => readRecording('{"traceEvents":[{"ph":"X"')).toThrow(RecordingError);
    expect(() => readRecording('{"traceEvents":[{"ph":"X"')).toThrow(/not valid JSON/);
    expect(() => readRecording('{"foo":1}')).toThrow(/no traceEvents/);
    expect(() => readRecording('{"traceEvents":[{"ph":"X","name":"x","pid":1,"tid":1,"ts":1,"dur":1}]}')).toThrow(/not a Loopscope recording/);
  });
});
