/**
 * Where an HTTP server's recording cost sits, per thread: the bench's server at RATE req/s
 * (default 2000) open loop, plain, under bare async hooks ("floor") and under our agent,
 * interleaved RUNS times (default 5); medians of CPU µs per request on the main thread and on all
 * other threads, and wakeups per second (voluntary context switches); for the agent, its transport
 * worker's share of "other" (schedstat, ns). CPU is otherwise read from /proc in 10 ms ticks: over
 * 8000 requests one tick is 1.25 µs a request. plain/total is the convention of bench:agent
 * (1.00× = free). Last, what a thread that only wakes every 25 ms (the watchdog's poll) costs here,
 * per request at RATE: the part of the worker's share no work inside the poll can remove.
 *   npm run bench:threads      (RUNS=5 RATE=2000 AGENT=<another dist/agent.js>)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Collector } from '../src/collector/collector';
import { agentEnvironment } from '../src/collector/agentEnv';
import { median } from './median';

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'bench/agent');
const agentPath = process.env.AGENT ?? path.join(root, 'dist/agent.js');
const RUNS = Number(process.env.RUNS ?? 5);
const RATE = process.env.RATE ?? '2000';

interface Report { mainUs: number; mainSysUs: number; mainWakesPerS: number; otherUs: number; otherWakesPerS: number; threads: number; newestUs: number }

function run(args: string[], env: NodeJS.ProcessEnv, stdin = false): { child: ReturnType<typeof spawn>; out: () => string; done: Promise<void> } {
  const child = spawn(process.execPath, args, { env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return { child, out: () => out, done };
}

async function once(env: NodeJS.ProcessEnv): Promise<Report> {
  const server = run([path.join(dir, 'httpServerThreads.js')], env, true);
  while (!server.out().includes('\n')) await new Promise((r) => setTimeout(r, 10));
  const port = server.out().trim();
  const load = (ms: number) => run([path.join(dir, 'loadGenerator.js'), port, RATE, String(ms)], process.env).done;
  await load(1000); // warm-up, not counted
  server.child.stdin!.write('start\n');
  await load(4000);
  server.child.stdin!.write('report\n');
  await server.done;
  return JSON.parse(server.out().trim().split('\n').pop()!) as Report;
}

async function main(): Promise<void> {
  const collector = await Collector.start();
  const base = { ...process.env };
  const tools: [string, NodeJS.ProcessEnv][] = [
    ['plain', base],
    ['floor', { ...base, NODE_OPTIONS: `${base.NODE_OPTIONS ?? ''} --require ${path.join(dir, 'emptyHooks.js')}`.trim() }],
    ['ours', agentEnvironment({ ...base }, { agentPath, url: collector.url, token: collector.token, stallThresholdMs: 50 }) as NodeJS.ProcessEnv],
  ];
  const results = new Map<string, Report[]>(tools.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    // Rotate the order, so that a drift in the machine's load falls on every tool.
    for (let k = 0; k < tools.length; k++) {
      const [name, env] = tools[(i + k) % tools.length];
      results.get(name)!.push(await once(env));
    }
    collector.store.clear();
  }
  console.log(`HTTP at ${RATE} req/s, RUNS=${RUNS}, medians; µs of CPU per request`);
  console.log('tool    main  (sys)  other  total  plain/total  main wakes/s  other wakes/s  threads  agent worker');
  const plainTotal = median(results.get('plain')!.map((r) => r.mainUs + r.otherUs));
  for (const [name] of tools) {
    const rs = results.get(name)!;
    const total = median(rs.map((r) => r.mainUs + r.otherUs));
    const cols = [
      median(rs.map((r) => r.mainUs)).toFixed(1).padStart(5),
      `(${median(rs.map((r) => r.mainSysUs)).toFixed(1)})`.padStart(6),
      median(rs.map((r) => r.otherUs)).toFixed(1).padStart(6),
      total.toFixed(1).padStart(6),
      `${(plainTotal / total).toFixed(2)}×`.padStart(12),
      median(rs.map((r) => r.mainWakesPerS)).toFixed(0).padStart(13),
      median(rs.map((r) => r.otherWakesPerS)).toFixed(0).padStart(14),
      String(median(rs.map((r) => r.threads))).padStart(8),
      // Bare hooks and plain have no worker: their newest thread is one of Node's own.
      (name === 'plain' || name === 'floor' ? '—' : median(rs.map((r) => r.newestUs)).toFixed(2)).padStart(13),
    ];
    console.log(`${name.padEnd(6)} ${cols.join(' ')}`);
  }
  await collector.close();
  const floor = JSON.parse((await runOut([path.join(dir, 'pollFloor.js')])).trim().split('\n').pop()!) as { timerMsPerS: number; waitMsPerS: number };
  const perRequest = (msPerS: number) => ((msPerS * 1000) / Number(RATE)).toFixed(2);
  console.log(`a thread waking every 25 ms and doing nothing: ${floor.timerMsPerS.toFixed(2)} ms CPU/s on a timer (${perRequest(floor.timerMsPerS)} µs a request at ${RATE} req/s), ${floor.waitMsPerS.toFixed(2)} ms/s in Atomics.wait (${perRequest(floor.waitMsPerS)} µs)`);
}

/** Runs a bench script to its end and returns what it printed. */
async function runOut(args: string[]): Promise<string> {
  const r = run(args, process.env);
  await r.done;
  return r.out();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
