/**
 * Agent overhead, measured side by side: each workload runs plain, under our agent and under the
 * tools a user might pick instead, interleaved (one run of each, RUNS times); the report gives
 * medians and plain/with-tool ratios (1.00× = free). Not a test.
 *   npm run bench:agent                         (RUNS=5 by default)
 *   BASELINE_AGENT=/path/to/old/agent.js        adds an "ours before" column (e.g. main's dist/agent.js)
 *   TOOLS=plain,ours,promises                   picks the columns (default: all that are installed)
 * Columns: ours = dist/agent.js; promises = ours with promise tracking on; floor = async hooks that
 * do nothing (what any async_hooks recorder pays before doing anything); blocked-at = the npm
 * package (threshold 50 ms, callback only counts); clinic = @clinic/doctor's injected sampler with
 * the trace-event category it enables (v8), as `clinic doctor` starts a program.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Collector } from '../src/collector/collector';
import { agentEnvironment } from '../src/collector/agentEnv';
import { median } from './median';

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'bench/agent');
const agentPath = path.join(root, 'dist/agent.js');
const RUNS = Number(process.env.RUNS ?? 5);
const AWAITS = process.env.AWAITS ?? '5000000';
/** A run that takes longer than this is reported as timed out (blocked-at on await chains). */
const RUN_TIMEOUT_MS = 30_000;

interface Output {
  stdout: string;
  timedOut?: boolean;
}

interface Tool {
  name: string;
  env: NodeJS.ProcessEnv;
  /** Working directory (clinic writes its trace-event files into it). */
  cwd?: string;
}

function runNode(script: string, tool: Tool, extra: NodeJS.ProcessEnv = {}): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dir, script)], { env: { ...tool.env, ...extra }, cwd: tool.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stdout, timedOut });
    });
  });
}

const lastJson = (o: Output) => JSON.parse(o.stdout.trim().split('\n').pop()!) as Record<string, number>;

async function httpRun(tool: Tool, rate: number, durationMs: number): Promise<{ cpuPerReq: number; done: number; rssMb: number }> {
  const server = spawn(process.execPath, [path.join(dir, 'httpServer.js')], { env: tool.env, cwd: tool.cwd, stdio: ['pipe', 'pipe', 'inherit'] });
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

/** `--require` paths go through NODE_OPTIONS, as users (and our launcher) load such tools. */
function withRequires(env: NodeJS.ProcessEnv, files: string[], more = ''): NodeJS.ProcessEnv {
  const flags = files.map((f) => `--require ${f}`).join(' ');
  return { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} ${flags} ${more}`.trim() };
}

function resolveOptional(id: string): string | undefined {
  try {
    return require.resolve(id, { paths: [root] });
  } catch {
    return undefined;
  }
}

function tools(collector: Collector): Tool[] {
  const base = { ...process.env };
  const ours = (p: string, promises: boolean) =>
    agentEnvironment({ ...base }, { agentPath: p, url: collector.url, token: collector.token, stallThresholdMs: 50, promises }) as NodeJS.ProcessEnv;
  const list: Tool[] = [{ name: 'plain', env: base }];
  if (process.env.BASELINE_AGENT) list.push({ name: 'before', env: ours(path.resolve(process.env.BASELINE_AGENT), false) });
  list.push({ name: 'ours', env: ours(agentPath, false) });
  list.push({ name: 'promises', env: ours(agentPath, true) });
  list.push({ name: 'floor', env: withRequires(base, [path.join(dir, 'emptyHooks.js')]) });
  if (resolveOptional('blocked-at')) list.push({ name: 'blocked-at', env: withRequires(base, [path.join(dir, 'withBlockedAt.js')]) });
  else console.log('blocked-at is not installed (npm ci): its column is left out');
  const sampler = resolveOptional('@clinic/doctor/injects/sampler.js');
  if (sampler) {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-bench-clinic-'));
    const noCluster = path.join(path.dirname(sampler), 'no-cluster.js');
    list.push({
      name: 'clinic',
      cwd,
      env: withRequires({ ...base, NODE_CLINIC_DOCTOR_DATA_PATH: cwd, NODE_CLINIC_DOCTOR_SAMPLE_INTERVAL: '10', NODE_CLINIC_DOCTOR_TIMEOUT_DELAY: '0' }, [noCluster, sampler], '--trace-events-enabled --trace-event-categories v8'),
    });
  } else console.log('@clinic/doctor is not installed (npm ci): its column is left out');
  const pick = process.env.TOOLS?.split(',');
  return pick ? list.filter((t) => pick.includes(t.name)) : list;
}

async function main(): Promise<void> {
  const collector = await Collector.start();
  const all = tools(collector);
  const recorded = all.find((t) => t.name === 'ours')?.env ?? all[0].env;
  const rows: string[] = [];
  console.log(`${os.loadavg().map((l) => l.toFixed(1)).join(' ')} load average, ${os.cpus().length} cores, Node ${process.version}, RUNS=${RUNS}`);
  /** Runs every tool once per round, RUNS rounds; prints medians and ratios against plain. */
  const compare = async (label: string, unit: string, run: (tool: Tool) => Promise<number | undefined>, ratioOf: (plain: number, tool: number) => string, rounds = 1) => {
    const values = new Map<string, number[]>(all.map((t) => [t.name, []]));
    const failed = new Set<string>();
    for (let i = 0; i < RUNS * rounds; i++) {
      for (const t of all) {
        if (failed.has(t.name)) continue;
        const v = await run(t);
        if (v === undefined) failed.add(t.name);
        else values.get(t.name)!.push(v);
        collector.store.clear();
      }
    }
    const plain = median(values.get('plain') ?? [NaN]);
    const cells = all.map((t) => {
      if (failed.has(t.name)) return `${t.name} >${RUN_TIMEOUT_MS / 1000}s`;
      const m = median(values.get(t.name)!);
      return t.name === 'plain' ? `plain ${m.toFixed(3)}` : `${t.name} ${m.toFixed(3)} (${ratioOf(plain, m)})`;
    });
    rows.push(`${label} [${unit}]: ${cells.join(' | ')}`);
    console.log(rows[rows.length - 1]);
  };
  const speed = (p: number, v: number) => `${(p / v).toFixed(2)}×`;
  const added = (p: number, v: number) => `+${(v - p).toFixed(2)}`;

  for (const rate of [2000, 5000]) {
    await compare(`HTTP CPU per request @${rate} req/s (open loop)`, 'ms', async (t) => (await httpRun(t, rate, 4000)).cpuPerReq, speed);
  }
  // CPU time of the whole process (the agent's worker included), not wall time: on a loaded
  // machine wall time is mostly the wait for a CPU. Short runs, so twice as many of them.
  const cpu = (script: string, extra: NodeJS.ProcessEnv = {}) => async (t: Tool) => {
    const o = await runNode(script, t, extra);
    return o.timedOut ? undefined : lastJson(o).cpuMs;
  };
  await compare(`${Number(AWAITS).toLocaleString('en-US')}-await chain, CPU`, 'ms', cpu('awaitChain.js', { AWAITS }), speed, 2);
  await compare('500k setImmediate hops, CPU', 'ms', cpu('immediates.js'), speed, 2);
  await compare('500k setImmediate hops in a worker, CPU', 'ms', cpu('workerImmediates.js'), speed, 2);
  const rss = new Map<string, number[]>(all.map((t) => [t.name, []]));
  await compare('idle CPU, % of one core', '%', async (t) => {
    const o = lastJson(await runNode('idle.js', t, { IDLE_MS: '5000' }));
    rss.get(t.name)!.push(o.rssMb);
    return (o.cpuMs / o.ms) * 100;
  }, added);
  const plainRss = median(rss.get('plain')!);
  rows.push(`RSS of an idle process [MB]: ${all.map((t) => (t.name === 'plain' ? `plain ${plainRss.toFixed(1)}` : `${t.name} ${median(rss.get(t.name)!).toFixed(1)} (${added(plainRss, median(rss.get(t.name)!))})`)).join(' | ')}`);
  console.log(rows[rows.length - 1]);

  const rates: number[] = [];
  const drops: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    collector.store.clear();
    const t0 = Date.now();
    const flood = lastJson(await runNode('eventFlood.js', { name: 'ours', env: recorded }, { FLOOD_MS: '3000' }));
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
