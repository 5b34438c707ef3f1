/**
 * Two agent builds side by side: the same workloads recorded by agent A and by agent B,
 * interleaved RUNS times, medians and the A/B ratio (1.00× = no change). For checking that a
 * change to the agent costs nothing on a machine too noisy for two separate bench:agent runs.
 *   AGENT_A=/other/worktree/dist/agent.js npm run bench:compare     (B defaults to this tree's dist/agent.js;
 *   RUNS=7, WORKLOADS=http,immediates,await)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Collector } from '../src/collector/collector';
import { agentEnvironment } from '../src/collector/agentEnv';
import { median } from './median';

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'bench/agent');
const agentB = process.env.AGENT_B ?? path.join(root, 'dist/agent.js');
const agentA = process.env.AGENT_A;
const RUNS = Number(process.env.RUNS ?? 7);
/** Comma-separated subset of http,immediates,await (default all). */
const ONLY = new Set((process.env.WORKLOADS ?? 'http,immediates,await').split(','));

function output(args: string[], env: NodeJS.ProcessEnv, input?: (child: ReturnType<typeof spawn>, out: () => string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out));
    input?.(child, () => out);
  });
}

const lastJson = (s: string) => JSON.parse(s.trim().split('\n').pop()!) as Record<string, number>;

async function httpCpuPerRequest(env: NodeJS.ProcessEnv): Promise<number> {
  let port = '';
  let report: Record<string, number> | undefined;
  const server = output([path.join(dir, 'httpServer.js')], env, (child, out) => {
    void (async () => {
      while (!out().includes('\n')) await new Promise((r) => setTimeout(r, 10));
      port = out().trim();
      const load = (ms: number) => output([path.join(dir, 'loadGenerator.js'), port, '2000', String(ms)], process.env);
      await load(1000);
      child.stdin!.write('start\n');
      await load(4000);
      child.stdin!.write('report\n');
    })();
  });
  const text = await server;
  report = JSON.parse(text.trim().split('\n').pop()!) as Record<string, number>;
  return report.cpuMs / Math.max(1, report.requests);
}

async function main(): Promise<void> {
  if (!agentA) throw new Error('set AGENT_A to the agent build to compare against');
  const collector = await Collector.start();
  const envFor = (agentPath: string) =>
    agentEnvironment({ ...process.env }, { agentPath, url: collector.url, token: collector.token, stallThresholdMs: 50 }) as NodeJS.ProcessEnv;
  const a = envFor(agentA);
  const b = envFor(agentB);
  const pair = async (label: string, run: (env: NodeJS.ProcessEnv) => Promise<number>) => {
    const ra: number[] = [];
    const rb: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate which goes first, so a drift in the machine's load falls on both.
      if (i % 2) rb.push(await run(b)), ra.push(await run(a));
      else ra.push(await run(a)), rb.push(await run(b));
      collector.store.clear();
    }
    const ma = median(ra);
    const mb = median(rb);
    console.log(`${label.padEnd(40)} A ${ma.toFixed(3).padStart(9)}  B ${mb.toFixed(3).padStart(9)}  A/B ${(ma / mb).toFixed(2)}×`);
  };
  if (ONLY.has('http')) await pair('HTTP CPU ms/request @2000 req/s', httpCpuPerRequest);
  if (ONLY.has('immediates')) await pair('500k setImmediate hops, ms', async (env) => lastJson(await output([path.join(dir, 'immediates.js')], env)).ms);
  if (ONLY.has('await')) await pair('5e6-await chain, ms', async (env) => lastJson(await output([path.join(dir, 'awaitChain.js')], env)).ms);
  await collector.close();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
