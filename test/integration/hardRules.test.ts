import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector } from '../../src/collector/collector';
import { agentEnvironment } from '../../src/collector/agentEnv';
import { agent, fixtures, markedLines, run, waitFor } from './harness';

const collectors: Collector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((c) => c.close()));
});

async function collector(): Promise<Collector> {
  const c = await Collector.start();
  collectors.push(c);
  return c;
}

function envFor(c: { url: string; token: string }, extra: Record<string, string> = {}) {
  return { ...agentEnvironment({ ...process.env, ...extra }, { agentPath: agent, url: c.url, token: c.token, stallThresholdMs: 50 }) } as NodeJS.ProcessEnv;
}

/** An address where nothing listens: the agent must shrug it off. */
const nowhere = { url: 'ws://127.0.0.1:9', token: '00000000000000000000000000000000' };

describe('the agent never changes the program', () => {
  const node = process.execPath;
  const behaviour = path.join(fixtures, 'behaviour.js');

  it('same stdout, stderr, exit code and stdin handling, with a collector, without one, and without the agent', async () => {
    const c = await collector();
    const input = 'hello\nworld\n';
    const plain = await run(node, [behaviour], { input, env: { ...process.env, EXIT_CODE: '3' } });
    const recorded = await run(node, [behaviour], { input, env: envFor(c, { EXIT_CODE: '3' }) });
    const orphan = await run(node, [behaviour], { input, env: envFor(nowhere, { EXIT_CODE: '3' }) });
    expect(plain.code).toBe(3);
    expect(plain.stdout).toContain('stdin: "hello\\nworld\\n"');
    expect(plain.stdout).toContain('stack: custom:x:true');
    for (const r of [recorded, orphan]) {
      expect(r.stdout).toBe(plain.stdout);
      expect(r.stderr).toBe(plain.stderr);
      expect(r.code).toBe(plain.code);
    }
    await waitFor(() => c.store.list().length === 1, 'the recorded run to report');
  });

  it('same crash text and exit code for an uncaught exception', async () => {
    const c = await collector();
    const env = { CRASH: '1' };
    const plain = await run(node, [behaviour], { env: { ...process.env, ...env } });
    const recorded = await run(node, [behaviour], { env: envFor(c, env) });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('crash on purpose');
    expect(recorded.code).toBe(plain.code);
    expect(recorded.stderr).toBe(plain.stderr);
  });

  it('same death by signal when the program has no handler', async () => {
    const c = await collector();
    const script = 'setInterval(() => {}, 1000); process.stdout.write("ready\\n");';
    const kill = (env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        const child = spawn(node, ['-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.once('data', () => child.kill('SIGINT'));
        child.on('exit', (code, signal) => resolve({ code, signal }));
      });
    const plain = await kill(process.env);
    const recorded = await kill(envFor(c));
    expect(plain.signal).toBe('SIGINT');
    expect(recorded).toEqual(plain);
  });

  it('never keeps the process alive: a finished program exits promptly, collector or not', async () => {
    const c = await collector();
    const script = 'setTimeout(() => {}, 30);';
    const plain = await run(node, ['-e', script]);
    const recorded = await run(node, ['-e', script], { env: envFor(c) });
    const orphan = await run(node, ['-e', script], { env: envFor(nowhere) });
    expect(recorded.code).toBe(0);
    expect(orphan.code).toBe(0);
    // Start-up waits for the watchdog and exit for the last flush, both bounded well below a second.
    expect(recorded.ms).toBeLessThan(plain.ms + 1500);
    expect(orphan.ms).toBeLessThan(plain.ms + 1500);
  });

  it('the program runs on unharmed when the collector dies mid-run', async () => {
    const c = await collector();
    const script = 'let n = 0; const t = setInterval(() => { if (++n === 60) { clearInterval(t); console.log("finished", n); } }, 10);';
    const child = run(node, ['-e', script], { env: envFor(c) });
    await waitFor(() => c.store.list().length === 1, 'the agent to connect');
    await c.close();
    collectors.length = 0;
    const r = await child;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('finished 60\n');
    expect(r.stderr).toBe('');
  });

  it('a second --require of the agent is a no-op: one session, not two', async () => {
    const c = await collector();
    const env = envFor(c);
    env.NODE_OPTIONS = `${env.NODE_OPTIONS} --require ${agent}`;
    const r = await run(node, ['-e', 'setTimeout(() => {}, 20)'], { env });
    expect(r.code).toBe(0);
    await waitFor(() => c.store.list().length >= 1 && c.store.list().every((s) => !s.live), 'the session to end');
    expect(c.store.list()).toHaveLength(1);
  });

  it('worker threads and child processes each report as their own thread and process, with their stall', async () => {
    const c = await collector();
    const r = await run(node, [path.join(fixtures, 'spawnsChildren.js')], { env: envFor(c) });
    expect(r.code, r.stderr).toBe(0);
    await waitFor(() => c.store.list().length === 3 && c.store.list().every((s) => !s.live), 'three sessions to end');
    const sessions = c.store.list();
    const pids = new Set(sessions.map((s) => s.info.pid));
    expect(pids.size).toBe(2);
    const worker = sessions.find((s) => !s.info.isMainThread)!;
    expect(worker.info.tid).toBeGreaterThan(0);
    const child = sessions.find((s) => s.info.pid !== worker.info.pid)!;
    expect(child.info.ppid).toBe(worker.info.pid);
    expect(worker.stalls.length).toBe(1);
    expect(child.stalls.length).toBe(1);
  });

  it('time paused at a breakpoint is never a stall', async () => {
    const c = await collector();
    let pausedAt = 0;
    await underDebugger(c, 'debuggerPause.js', (m, send) => {
      if (m.method === 'Debugger.paused') {
        pausedAt = Date.now();
        // Hold the program at the breakpoint well past the stall threshold, then let it go.
        setTimeout(() => send('Debugger.resume'), 400);
      }
    });
    expect(pausedAt).toBeGreaterThan(0);
    await waitFor(() => c.store.list().length === 1 && !c.store.list()[0].live, 'the session to end');
    const [session] = c.store.list();
    expect(session.stalls).toEqual([]);
    expect(session.paused.length).toBe(1);
    expect(session.paused[0].dur / 1000).toBeGreaterThan(300);
  });

  it('with a debugger attached, a stall inside a native call is still caught at its line', async () => {
    const c = await collector();
    await underDebugger(c, 'syncCrypto.js', () => {});
    await waitFor(() => c.store.list().length === 1 && !c.store.list()[0].live, 'the session to end');
    const [session] = c.store.list();
    expect(session.stalls, JSON.stringify(session.stalls)).toHaveLength(1);
    const frame = session.stalls[0].stack.find((f) => f.url.includes('/test/fixtures/'));
    expect(frame?.lineNumber).toBe(markedLines('syncCrypto.js')[0]);
  });
});

/**
 * Runs a fixture with an inspector open and a client attached with the Debugger domain enabled,
 * as an IDE would be; `onMessage` sees every CDP message and may send commands. The client hangs
 * up once the program resumes from a pause or when it exits, since Node waits for a debugger that
 * is still connected at exit.
 */
async function underDebugger(
  c: Collector,
  fixture: string,
  onMessage: (m: { method?: string }, send: (method: string) => void) => void,
): Promise<void> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', path.join(fixtures, fixture)], { env: envFor(c), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise((r) => child.on('exit', r));
  const url = await waitFor(() => /ws:\/\/\S+/.exec(stderr)?.[0], 'the inspector URL');
  const { default: WebSocket } = await import('ws');
  const cdp = new WebSocket(url);
  await new Promise((r) => cdp.once('open', r));
  let id = 0;
  const send = (method: string) => cdp.send(JSON.stringify({ id: ++id, method }));
  let paused = false;
  cdp.on('message', (data) => {
    const m = JSON.parse(String(data)) as { method?: string };
    if (m.method === 'Debugger.paused') paused = true;
    onMessage(m, send);
    if (m.method === 'Debugger.resumed' && paused) cdp.close();
  });
  send('Debugger.enable');
  // "Waiting for the debugger to disconnect..." is printed once the program is done: hang up then.
  await waitFor(() => stderr.includes('Waiting for the debugger to disconnect') || cdp.readyState === WebSocket.CLOSED || child.exitCode !== null, 'the program to finish');
  cdp.close();
  await exit;
}
