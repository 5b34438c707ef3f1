import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector } from '../../src/collector/collector';
import { agentEnvironment } from '../../src/collector/agentEnv';
import type { Session } from '../../src/collector/sessionStore';
import type { TraceFile } from '../../src/collector/recording';
import { agent, cli, fixtures, root, waitFor } from './harness';

const target = path.join(fixtures, 'signalTarget.js');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Signalled {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last tick the program printed before the signal was sent: every tick up to it had run. */
  ticksBefore: number;
  stdout: string;
}

/**
 * Runs `args`, waits until the program printed tick `minTicks`, sends `signal` (to the process
 * group when `group`), and waits for the exit.
 */
async function runAndSignal(cmd: string, args: string[], env: NodeJS.ProcessEnv, signal: NodeJS.Signals, group = false, minTicks = 40): Promise<Signalled> {
  const child = spawn(cmd, args, { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.resume();
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('exit', (code, sig) => r([code, sig])));
  cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const lastTick = () => Math.max(0, ...stdout.split('\n').map(Number).filter(Number.isFinite));
  await waitFor(() => lastTick() >= minTicks, `tick ${minTicks}`, 30_000);
  const ticksBefore = lastTick();
  if (group) process.kill(-child.pid!, signal);
  else child.kill(signal);
  const [code, sig] = await exit;
  return { code, signal: sig, ticksBefore, stdout };
}

function timeouts(s: Session): number {
  return s.chunks.reduce((n, c) => n + c.typeId.filter((t) => s.resourceTypes[t] === 'Timeout').length, 0);
}

async function collector(): Promise<Collector> {
  const c = await Collector.start();
  cleanups.push(() => c.close());
  return c;
}

describe('signals to a recorded program', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} without a handler: dies by ${signal} as without the agent, and every tick before it is recorded`, async () => {
      const plain = await runAndSignal(process.execPath, [target], { ...process.env }, signal);
      const c = await collector();
      const env = agentEnvironment({ ...process.env }, { agentPath: agent, url: c.url, token: c.token });
      const recorded = await runAndSignal(process.execPath, [target], env, signal);
      expect({ code: recorded.code, signal: recorded.signal }).toEqual({ code: plain.code, signal: plain.signal });
      expect(plain.signal).toBe(signal);
      const s = await waitFor(() => { const [s] = c.store.list(); return s && !s.live ? s : undefined; }, 'the session to end');
      // The agent said goodbye (a flush), instead of the connection just dropping.
      expect(s.endReason).toBeUndefined();
      expect(timeouts(s)).toBeGreaterThanOrEqual(recorded.ticksBefore);
    });
  }

  it('a program with its own SIGINT handler runs it exactly as before, and the recording is whole', async () => {
    const base = { ...process.env, SIGNAL_HANDLER: '1' };
    const plain = await runAndSignal(process.execPath, [target], base, 'SIGINT');
    const c = await collector();
    const recorded = await runAndSignal(process.execPath, [target], agentEnvironment(base, { agentPath: agent, url: c.url, token: c.token }), 'SIGINT');
    for (const r of [plain, recorded]) {
      expect({ code: r.code, signal: r.signal }).toEqual({ code: 7, signal: null });
      expect(r.stdout).toContain('handled\n');
    }
    const s = await waitFor(() => { const [s] = c.store.list(); return s && !s.live ? s : undefined; }, 'the session to end');
    expect(timeouts(s)).toBeGreaterThanOrEqual(recorded.ticksBefore + 3);
  });

  it('a program that re-raises only when its listener is the only one (signal-exit) still dies by the signal', async () => {
    const script = path.join(fixtures, 'signalExitLike.js');
    const plain = await runAndSignal(process.execPath, [script], { ...process.env }, 'SIGINT');
    const c = await collector();
    const recorded = await runAndSignal(process.execPath, [script], agentEnvironment({ ...process.env }, { agentPath: agent, url: c.url, token: c.token }), 'SIGINT');
    expect(plain).toMatchObject({ code: null, signal: 'SIGINT' });
    expect({ code: recorded.code, signal: recorded.signal }).toEqual({ code: plain.code, signal: plain.signal });
    expect(recorded.stdout).toContain('cleanup\n');
  });

  it('Ctrl-C to `loopscope record` (SIGINT to its process group) keeps everything up to the signal in the recording', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-sig-')), 'trace.json');
    const r = await runAndSignal(process.execPath, [cli, 'record', '-o', out, '--', process.execPath, target], { ...process.env }, 'SIGINT', true);
    // The recorder exits as a shell reports a death by SIGINT: 128 + 2.
    expect(r.code).toBe(130);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
    const ticks = trace.traceEvents.filter((e) => e.cat === 'loopscope.dispatch' && e.name === 'Timeout').length;
    expect(ticks).toBeGreaterThanOrEqual(r.ticksBefore);
  });
});
