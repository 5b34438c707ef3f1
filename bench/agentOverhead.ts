/**
 * Agent overhead, measured side by side: each workload runs plain and recorded, interleaved,
 * RUNS times; the report gives medians and plain/recorded ratios (1.00× = free). Not a test.
 *   npm run bench:agent            (RUNS=5 by default)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Collector } from '../src/collector/collector';
import { agentEnvironment } from '../src/collector/agentEnv';

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'bench/agent');
const agentPath = path.join(root, 'dist/agent.js');
const RUNS = Number(process.env.RUNS ?? 5);

interface Output {
  stdout: string;
}

function runNode(script: string, env: NodeJS.ProcessEnv): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dir, script)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout }));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const lastJson = (o: Output) => JSON.parse(o.stdout.trim().split('\n').pop()!) as Record<string, number>;

async function httpRun(env: NodeJS.ProcessEnv, rate: number, durationMs: number): Promise<{ cpuPerReq: number; done: number; rssMb: number }> {
  const server = spawn(process.execPath, [path.join(dir, 'httpServer.js')], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 10));
  const port = out.trim();
  const load = (ms: number) =>
    new Promise<Output>((resolve) => {
      const g = spawn(process.execPath, [path.join(dir, 'loadGenerator.js'), port, String(rate), String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      g.stdout.on('data', (d) => (s += d));
      g.on('close', () => resolve({ stdout: s }));
    });
  // A second of warm-up (JIT, the agent's worker start-up) is not charged to the requests.
  await load(1000);
  server.stdin.write('start\n');
  const gen = await load(durationMs);
  const before = out.length;
  server.stdin.write('report\n');
  while (!out.slice(before).includes('\n')) await new Promise((r) => setTimeout(r, 10));
  const report = JSON.parse(out.slice(before).trim()) as { cpuMs: number; requests: number; rssMb: number };
  const g = lastJson(gen);
  return { cpuPerReq: report.cpuMs / Math.max(1, report.requests), done: g.done, rssMb: report.rssMb };
}

async function main(): Promise<void> {
  const collector = await Collector.start();
  const recorded = agentEnvironment({ ...process.env }, { agentPath, url: collector.url, token: collector.token, stallThresholdMs: 50 }) as NodeJS.ProcessEnv;
  const plain = { ...process.env };
  const rows: string[] = [];
  const pair = async (label: string, run: (env: NodeJS.ProcessEnv) => Promise<number>, higherIsBetter = false) => {
    const p: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      p.push(await run(plain));
      r.push(await run(recorded));
      collector.store.clear();
    }
    const mp = median(p);
    const mr = median(r);
    const ratio = higherIsBetter ? mr / mp : mp / mr;
    rows.push(`${label.padEnd(44)} plain ${mp.toFixed(3).padStart(10)}  recorded ${mr.toFixed(3).padStart(10)}  ratio ${ratio.toFixed(2)}×`);
    console.log(rows[rows.length - 1]);
  };

  await pair('HTTP CPU ms/request @2000 req/s (open loop)', async (env) => (await httpRun(env, 2000, 4000)).cpuPerReq);
  await pair('5e6-await chain, ms', async (env) => lastJson(await runNode('awaitChain.js', env)).ms);
  await pair('500k setImmediate hops, ms', async (env) => lastJson(await runNode('immediates.js', env)).ms);
  await pair('500k setImmediate hops in a worker, ms', async (env) => lastJson(await runNode('workerImmediates.js', env)).ms);

  const idle = { p: [] as number[], r: [] as number[], rp: [] as number[], rr: [] as number[] };
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const a = lastJson(await runNode('idle.js', { ...plain, IDLE_MS: '5000' }));
    const b = lastJson(await runNode('idle.js', { ...recorded, IDLE_MS: '5000' }));
    idle.p.push((a.cpuMs / a.ms) * 100);
    idle.r.push((b.cpuMs / b.ms) * 100);
    idle.rp.push(a.rssMb);
    idle.rr.push(b.rssMb);
  }
  rows.push(`idle CPU, % of one core                       plain ${median(idle.p).toFixed(3)}%  recorded ${median(idle.r).toFixed(3)}%  (agent adds ${(median(idle.r) - median(idle.p)).toFixed(3)}%)`);
  console.log(rows[rows.length - 1]);
  rows.push(`RSS of an idle process, MB                    plain ${median(idle.rp).toFixed(1)}  recorded ${median(idle.rr).toFixed(1)}  (agent adds ${(median(idle.rr) - median(idle.rp)).toFixed(1)} MB)`);
  console.log(rows[rows.length - 1]);

  const rates: number[] = [];
  const drops: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    collector.store.clear();
    const t0 = Date.now();
    const flood = lastJson(await runNode('eventFlood.js', { ...recorded, FLOOD_MS: '3000' }));
    while (collector.store.list().some((s) => s.live) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    const received = collector.store.eventCount;
    const dropped = collector.store.list().reduce((n, s) => n + s.droppedByAgent, 0);
    rates.push(received / (flood.ms / 1000));
    drops.push(dropped / Math.max(1, flood.events));
  }
  rows.push(`events/s from one flooding program (agent-bound)  ${Math.round(median(rates)).toLocaleString('en-US')} /s, dropped ${(median(drops) * 100).toFixed(2)}%`);
  console.log(rows[rows.length - 1]);

  // The wire and the collector alone: frames as the agent builds them, as fast as they go.
  const ingest: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    collector.store.clear();
    const sent = await new Promise<Output>((resolve) => {
      const child = spawn(process.execPath, [path.join(dir, 'frameSender.js'), collector.url, collector.token, '3000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', () => resolve({ stdout }));
    });
    const { ms } = lastJson(sent);
    const t0 = Date.now();
    while (collector.store.list().some((s) => s.live) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    // Count what the store dropped past its limits too: it was received and decoded.
    const stored = collector.store.list().reduce((n, s) => n + s.eventCount + s.droppedByStore, 0);
    ingest.push(stored / (ms / 1000));
  }
  rows.push(`events/s through wire + collector (ingest)      ${Math.round(median(ingest)).toLocaleString('en-US')} /s`);
  console.log(rows[rows.length - 1]);
  await collector.close();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
