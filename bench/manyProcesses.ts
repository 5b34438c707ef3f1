/**
 * A real test suite of many Node processes (Node's test runner, one process per file), run
 * plain and under `loopscope record`, interleaved RUNS times; prints medians and the ratio
 * (target: recorded at most 1.2× plain) and the recorder's peak RSS. Not a test.
 *   npm run bench:suite            (FILES=110, RUNS=3 by default)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { rssMb } from './soak/soakRun';
import { writeTestProject } from '../test/integration/testProject';
import { median } from './median';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const FILES = Number(process.env.FILES ?? 110);
const RUNS = Number(process.env.RUNS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);

/** Runs a command in `cwd`; wall time in ms and peak RSS of the top process in MB. */
function timed(cmd: string, args: string[], cwd: string): Promise<{ ms: number; code: number | null; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: 'ignore' });
    let peakMb = 0;
    const sampler = setInterval(() => { peakMb = Math.max(peakMb, rssMb(child.pid!) || 0); }, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sampler);
      resolve({ ms: performance.now() - t0, code, peakMb });
    });
  });
}

async function main(): Promise<void> {
  const project = writeTestProject(FILES, CONCURRENCY);
  const plain: number[] = [];
  const recorded: number[] = [];
  let peak = 0;
  for (let i = 0; i < RUNS; i++) {
    const p = await timed('npm', ['test'], project.dir);
    const r = await timed(process.execPath, [cli, 'record', '-o', path.join(project.dir, 'trace.json'), '--', 'npm', 'test'], project.dir);
    if (p.code !== 0 || r.code !== 0) throw new Error(`a run failed: plain ${p.code}, recorded ${r.code}`);
    plain.push(p.ms);
    recorded.push(r.ms);
    peak = Math.max(peak, r.peakMb);
    process.stdout.write(`run ${i + 1}: plain ${(p.ms / 1000).toFixed(1)} s, recorded ${(r.ms / 1000).toFixed(1)} s\n`);
  }
  const ratio = median(recorded) / median(plain);
  process.stdout.write(`${FILES} test files, concurrency ${CONCURRENCY}, RUNS=${RUNS}: plain ${(median(plain) / 1000).toFixed(1)} s, recorded ${(median(recorded) / 1000).toFixed(1)} s, ratio ${ratio.toFixed(2)}× (target ≤ 1.20×); recorder peak RSS ${peak.toFixed(0)} MB\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
