import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceFile } from '../../src/collector/recording';
import { rssMb } from '../../bench/soak/soakRun';
import { cli } from './harness';
import { writeTestProject } from './testProject';

const FILES = 110;

describe('a real test suite of 100+ Node processes', () => {
  it('`loopscope record -- npm test` records every process, with the recorder\'s memory bounded', async () => {
    const project = writeTestProject(FILES);
    const out = path.join(project.dir, 'trace.json');
    const child = spawn(process.execPath, [cli, 'record', '-o', out, '--', 'npm', 'test'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    let peakRss = 0;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, rssMb(child.pid!) || 0); }, 100);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearInterval(sampler);
    expect(code, stderr.slice(-2000)).toBe(0);
    expect(stdout).toContain(`# pass ${FILES}`);

    const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
    const threads = trace.traceEvents.filter((e) => e.cat === 'loopscope.thread');
    const argvOf = threads.map((e) => (e.args!.argv as string[]).join(' '));
    const missing = project.files.filter((f) => !argvOf.some((a) => a.includes(f)));
    expect(missing, `processes not in the recording (of ${threads.length} threads)`).toEqual([]);
    // The runner itself too: one process per file plus the runner.
    expect(new Set(threads.map((e) => e.pid)).size).toBeGreaterThanOrEqual(FILES + 1);
    // Each test process ran its timer and its file read, and they are in the recording.
    const perPid = new Map<number, Set<string>>();
    for (const e of trace.traceEvents) if (e.cat === 'loopscope.dispatch') (perPid.get(e.pid!) ?? perPid.set(e.pid!, new Set()).get(e.pid!)!).add(e.name);
    const testPids = threads.filter((e) => project.files.some((f) => (e.args!.argv as string[]).includes(f))).map((e) => e.pid!);
    const withoutTimer = testPids.filter((p) => !perPid.get(p)?.has('Timeout'));
    expect(withoutTimer).toEqual([]);
    expect(peakRss, `recorder peak RSS ${peakRss.toFixed(0)} MB`).toBeLessThan(250);
  }, 240_000);
});
