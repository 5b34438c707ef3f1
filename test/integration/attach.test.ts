import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceFile } from '../../src/collector/recording';
import { listeningPorts } from '../../src/host/nodeProcesses';
import { cli, describeStalls, fixtures, markedLines, root, userFrame, waitFor } from './harness';

/** A child with its output gathered as it comes. */
interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(cmd: string, args: string[]): Running {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/**
 * A fixture server started WITHOUT the agent. `--inspect-port=0` only says which port SIGUSR1 would
 * open (any free one): other programs on this machine may hold 9229. The inspector stays closed.
 */
async function startServer(fixture: string, nodeArgs = ['--inspect-port=0']): Promise<Running & { port: number }> {
  const server = start(process.execPath, [...nodeArgs, path.join(fixtures, fixture)]);
  const port = Number(await waitFor(() => /port (\d+)/.exec(server.stdout())?.[1], `${fixture} to listen`));
  return { ...server, port };
}

function get(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 15_000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** Runs `loopscope attach`, waits until it records, and returns it. */
async function attach(pid: number, out: string): Promise<Running> {
  const recorder = start(process.execPath, [cli, 'attach', String(pid), '-o', out]);
  await Promise.race([
    waitFor(() => recorder.stderr().includes('press Ctrl-C'), 'loopscope attach to say it records', 30_000),
    recorder.exited.then((code) => {
      throw new Error(`loopscope attach exited ${code}: ${recorder.stderr()}`);
    }),
  ]);
  return recorder;
}

describe('loopscope attach', () => {
  for (const fixture of ['attachServer.js', 'attachServer.mjs']) {
    it(`records a running ${fixture.endsWith('.mjs') ? 'ES module' : 'CommonJS'} server started without the agent, then leaves it serving with its inspector closed`, async () => {
      const server = await startServer(fixture);
      const pid = server.child.pid!;
      expect(listeningPorts(pid)).toEqual([server.port]);
      const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-attach-')), 'trace.json');
      const recorder = await attach(pid, out);
      // The port SIGUSR1 opened is closed again before recording begins.
      await waitFor(() => listeningPorts(pid).length === 1, 'the inspector port to close after the agent was loaded', 10_000);

      expect(await get(server.port, '/stall')).toBe(`ok ${pid}`);
      const line = markedLines(fixture)[0];
      await waitFor(() => recorder.stderr().includes(`${fixture}:${line}:`), `the live stall line ${fixture}:${line}`).catch((e: Error) => {
        throw new Error(`${e.message}; loopscope said:\n${recorder.stderr()}`);
      });

      recorder.child.kill('SIGINT');
      expect(await recorder.exited, recorder.stderr()).toBe(0);
      expect(recorder.stderr()).toContain(`detached from process ${pid}`);
      expect(existsSync(out)).toBe(true);
      const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
      const stalls = trace.traceEvents.filter((e) => e.cat === 'loopscope.stall');
      const stall = stalls.find((s) => userFrame(s)?.lineNumber === line && userFrame(s)!.url.endsWith(fixture));
      expect(stall, describeStalls(stalls)).toBeDefined();
      // Only the program's own stall: opening, loading and closing are not recorded as its stalls.
      expect(stalls, describeStalls(stalls)).toHaveLength(1);
      expect(stall!.dur!).toBeGreaterThanOrEqual(140_000);
      expect(trace.traceEvents.some((e) => e.cat === 'loopscope.dispatch' && e.pid === pid)).toBe(true);

      // The program runs on unchanged: it serves, its inspector port is closed, the agent is stopped.
      expect(await get(server.port, '/')).toBe(`ok ${pid}`);
      expect(listeningPorts(pid)).toEqual([server.port]);
      expect(alive(server.child)).toBe(true);
      expect(server.stderr()).not.toMatch(/Error|loopscope/i);
      // The program's own server was never asked whether it is an inspector.
      expect(server.stdout().match(/^req .*$/gm)).toEqual(['req /stall', 'req /']);
    });
  }

  it('leaves an inspector that was open before (--inspect, no client) open after the detach', async () => {
    const server = await startServer('attachServer.js', ['--inspect=127.0.0.1:0']);
    const pid = server.child.pid!;
    const inspectorPort = Number(await waitFor(() => /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(server.stderr())?.[1], 'the --inspect port'));
    expect(listeningPorts(pid).sort()).toEqual([server.port, inspectorPort].sort());
    const recorder = await attach(pid, path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-attach-')), 'trace.json'));
    await get(server.port, '/stall');
    await waitFor(() => recorder.stderr().includes('attachServer.js:'), 'the stall');
    recorder.child.kill('SIGINT');
    expect(await recorder.exited, recorder.stderr()).toBe(0);
    expect(listeningPorts(pid).sort()).toEqual([server.port, inspectorPort].sort());
    expect(await get(server.port, '/')).toBe(`ok ${pid}`);
  });

  it('attaches again after a detach', async () => {
    const server = await startServer('attachServer.js');
    const pid = server.child.pid!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-attach-'));
    for (const round of [1, 2]) {
      const recorder = await attach(pid, path.join(dir, `t${round}.json`));
      await get(server.port, '/stall');
      await waitFor(() => recorder.stderr().includes('attachServer.js:'), `round ${round}'s stall`);
      recorder.child.kill('SIGINT');
      expect(await recorder.exited, recorder.stderr()).toBe(0);
    }
    expect(await get(server.port, '/')).toBe(`ok ${pid}`);
    expect(listeningPorts(pid)).toEqual([server.port]);
  });

  it('writes the recording when the process exits while attached', async () => {
    const server = await startServer('attachServer.mjs');
    const pid = server.child.pid!;
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-attach-')), 'trace.json');
    const recorder = await attach(pid, out);
    await get(server.port, '/stall');
    await get(server.port, '/exit');
    expect(await server.exited).toBe(0);
    expect(await recorder.exited, recorder.stderr()).toBe(0);
    expect(recorder.stderr()).toContain(`process ${pid} exited`);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
    const stalls = trace.traceEvents.filter((e) => e.cat === 'loopscope.stall');
    expect(stalls.some((s) => userFrame(s)?.lineNumber === markedLines('attachServer.mjs')[0]), describeStalls(stalls)).toBe(true);
  });

  it('refuses a process that is not Node, without signalling it', async () => {
    const sleeper = start('sleep', ['60']);
    const pid = sleeper.child.pid!;
    await waitFor(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'), 'sleep to exec');
    const recorder = start(process.execPath, [cli, 'attach', String(pid)]);
    expect(await recorder.exited).toBe(1);
    expect(recorder.stderr()).toContain(`process ${pid} (sleep 60) is not a Node.js process; it was left alone`);
    expect(alive(sleeper.child)).toBe(true);
    process.kill(pid, 0); // still there
  });

  it('refuses a process whose inspector a debugger is using, and loads nothing into it', async () => {
    const server = await startServer('attachServer.js', ['--inspect=127.0.0.1:0']);
    const pid = server.child.pid!;
    const wsUrl = await waitFor(() => /Debugger listening on (ws:\S+)/.exec(server.stderr())?.[1], 'the --inspect URL');
    const debuggerClient = new WebSocket(wsUrl);
    await new Promise((resolve, reject) => debuggerClient.once('open', resolve).once('error', reject));
    try {
      const recorder = start(process.execPath, [cli, 'attach', String(pid)]);
      expect(await recorder.exited).toBe(1);
      expect(recorder.stderr()).toMatch(new RegExp(`process ${pid}'s inspector \\(port \\d+\\) is in use by a debugger already`));
      // Asked through the debugger's own connection: no agent in there.
      debuggerClient.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression: "typeof globalThis[Symbol.for('loopscope.agent.control')]", returnByValue: true } }));
      const reply = await new Promise<{ result: { result: { value: string } } }>((resolve) => debuggerClient.on('message', (d) => resolve(JSON.parse(String(d)))));
      expect(reply.result.result.value).toBe('undefined');
      expect(await get(server.port, '/')).toBe(`ok ${pid}`);
    } finally {
      debuggerClient.terminate();
    }
  });

  it('refuses clearly when the port SIGUSR1 would open is held by another process, and the program runs on', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const held = (holder.address() as net.AddressInfo).port;
    try {
      const server = await startServer('attachServer.js', [`--inspect-port=${held}`]);
      const pid = server.child.pid!;
      const recorder = start(process.execPath, [cli, 'attach', String(pid)]);
      expect(await recorder.exited).toBe(1);
      expect(recorder.stderr()).toContain(`could not open process ${pid}'s inspector: port ${held} is taken by process ${process.pid}`);
      expect(await get(server.port, '/')).toBe(`ok ${pid}`);
      expect(alive(server.child)).toBe(true);
    } finally {
      holder.close();
    }
  });

  it.runIf(process.getuid?.() === 0)("refuses another user's Node process", async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { uid: 65534, gid: 65534, stdio: 'ignore' });
    started.push(other);
    const pid = other.pid!;
    await waitFor(() => /Uid:\s+65534/.test(readFileSync(`/proc/${pid}/status`, 'utf8')), 'the other user\'s process');
    const recorder = start(process.execPath, [cli, 'attach', String(pid)]);
    expect(await recorder.exited).toBe(1);
    expect(recorder.stderr()).toContain(`process ${pid} belongs to another user (uid 65534)`);
    expect(alive(other)).toBe(true);
  });

  it('says what is wrong with its arguments', async () => {
    const r = start(process.execPath, [cli, 'attach']);
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toContain('no process to attach to');
    const gone = start(process.execPath, [cli, 'attach', '999999999']);
    expect(await gone.exited).toBe(1);
    expect(gone.stderr()).toContain('there is no process 999999999');
  });
});
