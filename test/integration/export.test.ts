import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceFile } from '../../src/collector/recording';
import { cli, fixtures, markedLines, root, run, waitFor } from './harness';
import { OtlpReceiver, type ReceivedLog } from './otlpReceiver';

/** Debian's prometheus package; the Prometheus test needs the real server. */
const PROMETHEUS = '/usr/bin/prometheus';
const hasPrometheus = existsSync(PROMETHEUS);
if (!hasPrometheus) console.warn(`export.test: ${PROMETHEUS} is not installed (apt-get install prometheus): the Prometheus end-to-end test is skipped`);

const fixture = path.join(fixtures, 'exportTarget.js');
const blockLine = markedLines('exportTarget.js')[0];

/** Everything a test started, stopped after it whatever happened. */
const started: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of cleanups.splice(0)) await f();
});

/** A temporary directory removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-export-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a long-running process, keeping its output for failure messages. */
function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(cmd, args, { env, cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  started.push(child);
  const out = { text: '' };
  child.stdout!.on('data', (d) => (out.text += d));
  child.stderr!.on('data', (d) => (out.text += d));
  return { child, out };
}

/** Polls an async check until it gives a value; fails after `timeoutMs` naming `what`. */
async function poll<T>(check: () => Promise<T | undefined>, what: () => string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The stall event of the fixture's marked line, once the receiver has one. */
function fixtureStall(logs: ReceivedLog[], pid: number): ReceivedLog | undefined {
  return logs.find(
    (l) => l.eventName === 'loopscope.stall' && l.attributes['process.pid'] === pid && String(l.attributes['code.file.path']).endsWith('exportTarget.js'),
  );
}

interface PromVector {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('export to real backends', () => {
  it.skipIf(!hasPrometheus)(
    'loopscope collect: Prometheus scrapes the loop delay of a program, an OTLP receiver gets it and its stall with file:line',
    async () => {
      const dir = tempDir();
      const receiver = await OtlpReceiver.start();
      cleanups.push(() => receiver.close());
      const [collectPort, metricsPort, promPort] = [await freePort(), await freePort(), await freePort()];
      const stateFile = path.join(dir, 'collect.json');

      const collect = start(process.execPath, [cli, 'collect', '--port', String(collectPort), '--state-file', stateFile, '--otlp', '--prometheus', `127.0.0.1:${metricsPort}`], {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_BLRP_SCHEDULE_DELAY: '200',
        OTEL_SERVICE_NAME: 'loopscope-under-test',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20fleet-token',
      });
      await waitFor(() => existsSync(stateFile) && /Prometheus metrics at/.test(collect.out.text), `collect to start:\n${collect.out.text}`);

      writeFileSync(
        path.join(dir, 'prometheus.yml'),
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: loopscope\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`,
      );
      const prom = start(PROMETHEUS, [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ]);
      const promApi = `http://127.0.0.1:${promPort}`;

      // The recipe of the README: the shell takes the daemon's environment, then runs the program.
      const program = start('sh', ['-c', `eval "$("${process.execPath}" "${cli}" collect --print-env --state-file "${stateFile}")" && exec "${process.execPath}" "${fixture}"`], {
        ...process.env,
        OTEL_SERVICE_NAME: 'export-fixture',
      });
      const pid = program.child.pid!;
      await waitFor(() => collect.out.text.includes(`pid ${pid} thread 0 connected`), `the program to connect:\n${collect.out.text}\n${program.out.text}`);

      // Prometheus, scraping every second, answers a PromQL query for the program's loop delay.
      const answer = await poll(
        async () => {
          // Over the last minute: the agent's delay histogram sees some 150 ms blocks, not every one.
          const query = encodeURIComponent(`max_over_time(loopscope_eventloop_delay_max_seconds{process_pid="${pid}"}[1m])`);
          const r = await fetch(`${promApi}/api/v1/query?query=${query}`).catch(() => undefined);
          if (!r?.ok) return undefined;
          const body = (await r.json()) as PromVector;
          return body.data.result.find((x) => Number(x.value[1]) >= 0.1);
        },
        () => `Prometheus to have the loop delay:\n${prom.out.text.slice(-2000)}`,
        60_000,
      );
      expect(answer.metric).toMatchObject({ job: 'loopscope', process_pid: String(pid), service_name: 'export-fixture', thread_name: 'main', thread_id: '0' });
      // 150 ms blocks: the worst delay is about that, not a unit off by 1000.
      expect(Number(answer.value[1])).toBeLessThan(2);

      // The OTLP receiver got the same metric and the stall events, with the blocking line.
      const point = await waitFor(
        () => receiver.points.find((p) => p.name === 'loopscope.eventloop.delay.max' && p.attributes['process.pid'] === pid && p.value >= 0.1),
        'an OTLP loop-delay point',
      );
      expect(point).toMatchObject({ unit: 's', attributes: { 'service.name': 'export-fixture', 'thread.name': 'main' }, resource: { 'service.name': 'loopscope-under-test' } });
      const stall = await waitFor(() => fixtureStall(receiver.logs, pid), `an OTLP stall event:\n${JSON.stringify(receiver.logs.slice(0, 3))}`);
      expect(stall.attributes['code.line.number']).toBe(blockLine);
      expect(stall.attributes['loopscope.stall.location']).toBe(`${fixture}:${blockLine}`);
      expect(Number(stall.attributes['loopscope.stall.duration_ms'])).toBeGreaterThanOrEqual(100);
      expect(Number(stall.attributes['loopscope.stall.duration_ms'])).toBeLessThan(2000);
      expect((stall.attributes['loopscope.stall.frames'] as string[]).some((f) => f.includes(`exportTarget.js:${blockLine}:`))).toBe(true);
      // OTLP/JSON, with the headers OTEL_EXPORTER_OTLP_HEADERS names, on both signals.
      expect(new Set(receiver.requests.map((r) => r.path))).toEqual(new Set(['/v1/metrics', '/v1/logs']));
      expect(receiver.requests.every((r) => r.contentType?.startsWith('application/json') && r.authorization === 'Bearer fleet-token')).toBe(true);

      // The program ends with its stdin; the daemon stops on SIGTERM and removes its state file.
      program.child.stdin!.end();
      expect(await exited(program.child)).toBe(0);
      collect.child.kill('SIGTERM');
      expect(await exited(collect.child)).toBe(0);
      expect(existsSync(stateFile)).toBe(false);
      prom.child.kill('SIGTERM');
      await exited(prom.child);
    },
    150_000,
  );

  it('loopscope record --otlp: the last figures and every stall reach the receiver before the recorder exits', async () => {
    const receiver = await OtlpReceiver.start();
    cleanups.push(() => receiver.close());
    const dir = tempDir();
    // A long interval: what arrives was sent by the shutdown's final export, not a periodic one.
    const traceFile = path.join(dir, 'trace.json');
    const result = await run(process.execPath, [cli, 'record', '-o', traceFile, '--otlp', '--', process.execPath, fixture], {
      cwd: root,
      env: { ...process.env, BLOCKS: '4', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRIC_EXPORT_INTERVAL: '60000' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`OTLP/HTTP metrics to ${receiver.url}/v1/metrics`);
    // Every stall of the recording, no more, no fewer (the agent may lose one at exit: not the export's business).
    const recorded = (JSON.parse(readFileSync(traceFile, 'utf8')) as TraceFile).traceEvents.filter((e) => e.cat === 'loopscope.stall');
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    const stalls = receiver.logs.filter((l) => l.eventName === 'loopscope.stall' && l.attributes['code.line.number'] === blockLine);
    expect(stalls.length, JSON.stringify(receiver.logs.map((l) => l.body))).toBe(recorded.length);
    expect(stalls.map((l) => BigInt(l.timeUnixNano) / 1000n).sort()).toEqual(recorded.map((e) => BigInt(Math.floor(e.ts!))).sort());
    const last = (name: string) => receiver.points.filter((p) => p.name === name).pop();
    expect(last('loopscope.stall.count')?.value, JSON.stringify(receiver.points.map((p) => [p.name, p.value]))).toBe(recorded.length);
    expect(last('loopscope.stall.duration')?.value).toBeCloseTo(recorded.reduce((sum, e) => sum + e.dur!, 0) / 1e6, 6);
    expect(last('loopscope.eventloop.utilization')?.value).toBeGreaterThan(0);
    expect(last('loopscope.eventloop.delay.max')).toBeDefined();
  });

  it('loopscope record --otlp with the endpoint down: the recording is written, the exit code kept, and the recorder says what was not delivered', async () => {
    const dir = tempDir();
    const traceFile = path.join(dir, 'trace.json');
    const closed = await freePort();
    const result = await run(process.execPath, [cli, 'record', '-o', traceFile, '--otlp', '--', 'sh', '-c', `BLOCKS=2 "${process.execPath}" "${fixture}"; exit 3`], {
      cwd: root,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`, OTEL_METRIC_EXPORT_INTERVAL: '500' },
    });
    expect(result.code, result.stderr).toBe(3);
    expect(existsSync(traceFile)).toBe(true);
    expect(result.stderr).toMatch(/OTLP export did not finish within 5 s \(is http:\/\/127\.0\.0\.1:\d+\/v1\/metrics reachable\?\)/);
    // Not held by the SDK's retries (up to OTEL_EXPORTER_OTLP_TIMEOUT, 10 s, after the last export).
    expect(result.ms).toBeLessThan(15_000);
  });
});
