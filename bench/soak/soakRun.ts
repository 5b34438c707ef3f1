/**
 * One endurance run: a steady-load HTTP server recorded either by `loopscope record` (mode 'cli')
 * or by the extension's own parts in this process (mode 'extension': collector, session store,
 * view feed and the page's timeline model, standing in for the extension host and the webview).
 * Samples memory while it runs and checks, at the end, that nothing was dropped that the store's
 * bounds did not say they would drop. Used by `bench/soak.ts` (the hour) and the integration test
 * (a few minutes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Collector } from '../../src/collector/collector';
import { agentEnvironment } from '../../src/collector/agentEnv';
import { SessionStore, type StoreLimits } from '../../src/collector/sessionStore';
import { ViewFeed } from '../../src/host/viewFeed';
import { TimelineModel } from '../../webview/timelineModel';

/** What to run. */
export interface SoakOptions {
  mode: 'cli' | 'extension';
  durationMs: number;
  /** Samples before this are left out of the growth fit (the store and caches fill up first). */
  warmupMs: number;
  /** Requests per second. */
  rate: number;
  sampleMs: number;
  limits: StoreLimits;
  /** The page model's live slice limit (the webview's memory bound). */
  liveSliceLimit: number;
  /** The repository root (dist/ must be built). */
  root: string;
  onSample?: (s: SoakSample) => void;
}

/** One memory sample; sizes in MB. */
export interface SoakSample {
  /** Milliseconds since the load started. */
  t: number;
  agentRssMb: number;
  recorderRssMb?: number;
  hostHeapMb?: number;
  /** Typed-array memory of this process (the store's and page model's columns live there, outside the heap). */
  hostArrayBuffersMb?: number;
  hostRssMb?: number;
  pageModelMb?: number;
  storeEvents?: number;
}

/** Dispatch accounting at the end of a run. */
export interface SoakAccounting {
  /** Dispatches that arrived at the store (extension mode) or are in the recording plus those it says it dropped (cli). */
  received: number;
  held: number;
  droppedByStore: number;
  droppedByAgent: number;
  /** received === held + droppedByStore; extension mode only (in cli mode only what was kept and the drop counts are known). */
  balanced?: boolean;
  /** Newest minus oldest dispatch held, seconds. */
  heldSpanS: number;
  /** Longest time between two consecutive dispatches held, seconds (a hole would show here). */
  maxGapS: number;
  /** Page model (extension mode): slices it holds, slices it dropped to its limit, slices it was sent. */
  page?: { slices: number; dropped: number; sent: number };
}

/** What a run measured. */
export interface SoakReport {
  mode: SoakOptions['mode'];
  minutes: number;
  samples: SoakSample[];
  /** Least-squares growth after warm-up, MB per minute. */
  slopes: Record<string, number>;
  /** Range (max - min) after warm-up, MB. */
  ranges: Record<string, number>;
  accounting: SoakAccounting;
  load: { sent: number; ok: number; failed: number };
  serverRequests: number;
  exit: { code: number | null; signal: string | null };
}

const MB = 1024 * 1024;

/** Resident set of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Slope of the least-squares line through (minutes, value). */
export function slopePerMinute(points: { t: number; v: number }[]): number {
  const pts = points.filter((p) => Number.isFinite(p.v));
  if (pts.length < 3) return NaN;
  const xs = pts.map((p) => p.t / 60_000);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = pts.reduce((a, p) => a + p.v, 0) / pts.length;
  let num = 0;
  let den = 0;
  pts.forEach((p, i) => {
    num += (xs[i] - mx) * (p.v - my);
    den += (xs[i] - mx) ** 2;
  });
  return den ? num / den : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`soak: timed out waiting for ${what}`);
    await sleep(25);
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
}

function get(url: string): Promise<void> {
  return new Promise((resolve) => {
    http.get(url, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', () => resolve());
  });
}

/** A full GC when this process has one to call (v8 flag set at run time, measurement only). */
function collectGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    // Without it heap figures are just noisier.
  }
}

/** Runs one endurance run to the end and reports. */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-soak-'));
  const info = path.join(dir, 'server.json');
  const reportFile = path.join(dir, 'report.json');
  const recordingFile = path.join(dir, 'recording.json');
  const serverScript = path.join(o.root, 'test/fixtures/steadyServer.js');
  const baseEnv = { ...process.env, SOAK_INFO: info, FIXTURE_REPORT: reportFile };

  // Extension side (mode 'extension'): the collector, store, feed and page model live here.
  let collector: Collector | undefined;
  let store: SessionStore | undefined;
  let feed: ViewFeed | undefined;
  let model: TimelineModel | undefined;
  let received = 0;
  let sentToPage = 0;
  let recorder: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  if (o.mode === 'extension') {
    const s = new SessionStore(o.limits);
    store = s;
    const add = s.addDispatches.bind(s);
    s.addDispatches = (session, chunk) => {
      received += chunk.count;
      add(session, chunk);
    };
    collector = await Collector.start({ store: s });
    feed = new ViewFeed({ sessions: () => s.list(), pausesFor: () => ({ intervals: [] }) });
    model = new TimelineModel(o.liveSliceLimit);
    const env = agentEnvironment(baseEnv, { agentPath: path.join(o.root, 'dist/agent.js'), url: collector.url, token: collector.token });
    server = spawn(process.execPath, [serverScript], { env, stdio: 'ignore' });
  } else {
    const args = [path.join(o.root, 'dist/cli.js'), 'record', '-o', recordingFile, '--max-events', String(o.limits.maxEvents),
      '--max-age', String(o.limits.maxAgeMs / 1000), '--', process.execPath, serverScript];
    recorder = spawn(process.execPath, args, { env: baseEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    recorder.stderr!.resume();
  }
  const { port, pid } = await waitFor(() => readJsonIfWhole<{ port: number; pid: number }>(info), 'the server to listen', 30_000);
  const load = spawn(process.execPath, [path.join(o.root, 'bench/soak/loadGenerator.js'), `http://127.0.0.1:${port}/`, String(o.rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let loadOut = '';
  load.stdout!.on('data', (d) => (loadOut += d));

  const t0 = Date.now();
  const samples: SoakSample[] = [];
  // The extension host's panel posts the feed's messages every 100 ms; the page applies them.
  const pump = feed && model ? setInterval(() => {
    for (const m of feed!.collect()) {
      if (m.type === 'dispatches') sentToPage += m.count;
      model!.apply(m);
    }
    model!.refresh();
  }, 100) : undefined;
  const sample = () => {
    const s: SoakSample = { t: Date.now() - t0, agentRssMb: rssMb(pid) };
    if (recorder?.pid) s.recorderRssMb = rssMb(recorder.pid);
    if (store && model) {
      collectGarbage();
      const mem = process.memoryUsage();
      s.hostHeapMb = mem.heapUsed / MB;
      s.hostArrayBuffersMb = mem.arrayBuffers / MB;
      s.hostRssMb = mem.rss / MB;
      s.pageModelMb = model.byteLength / MB;
      s.storeEvents = store.eventCount;
    }
    samples.push(s);
    o.onSample?.(s);
  };
  while (Date.now() - t0 < o.durationMs) {
    await sleep(Math.min(o.sampleMs, o.durationMs - (Date.now() - t0)));
    sample();
  }

  load.kill('SIGTERM');
  await exited(load);
  const loadResult = JSON.parse(loadOut.trim().split('\n').pop() || '{"sent":0,"ok":0,"failed":0}') as SoakReport['load'];
  await get(`http://127.0.0.1:${port}/quit`);

  let accounting: SoakAccounting;
  let exit: SoakReport['exit'];
  if (store && collector && model && feed) {
    exit = await exited(server!);
    await waitFor(() => (store!.list().every((s) => !s.live) ? true : undefined), 'the session to end', 10_000);
    clearInterval(pump);
    for (const m of feed.collect()) {
      if (m.type === 'dispatches') sentToPage += m.count;
      model.apply(m);
    }
    model.refresh();
    const sessions = store.list();
    const ts: number[] = [];
    for (const s of sessions) for (const c of s.chunks) for (let i = 0; i < c.count; i++) ts.push(c.ts[i]);
    const droppedByStore = sessions.reduce((n, s) => n + s.droppedByStore, 0);
    accounting = {
      received, held: store.eventCount, droppedByStore, droppedByAgent: sessions.reduce((n, s) => n + s.droppedByAgent, 0),
      balanced: received === store.eventCount + droppedByStore, ...spanAndGap(ts),
      page: { slices: model.sliceCount, dropped: model.droppedSlices, sent: sentToPage },
    };
    await collector.close();
  } else {
    exit = await exited(recorder!);
    accounting = await recordingAccounting(recordingFile);
  }
  const serverRequests = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { requests: number }).requests : -1;

  const after = samples.filter((s) => s.t >= o.warmupMs);
  const slopes: Record<string, number> = {};
  const ranges: Record<string, number> = {};
  for (const key of ['agentRssMb', 'recorderRssMb', 'hostHeapMb', 'hostArrayBuffersMb', 'hostRssMb', 'pageModelMb'] as const) {
    const pts = after.map((s) => ({ t: s.t, v: s[key] ?? NaN })).filter((p) => Number.isFinite(p.v));
    if (pts.length < 3) continue;
    slopes[key] = slopePerMinute(pts);
    ranges[key] = Math.max(...pts.map((p) => p.v)) - Math.min(...pts.map((p) => p.v));
  }
  return { mode: o.mode, minutes: o.durationMs / 60_000, samples, slopes, ranges, accounting, load: loadResult, serverRequests, exit };
}

function spanAndGap(ts: number[]): { heldSpanS: number; maxGapS: number } {
  if (ts.length < 2) return { heldSpanS: 0, maxGapS: 0 };
  const sorted = Float64Array.from(ts).sort();
  let gap = 0;
  for (let i = 1; i < sorted.length; i++) gap = Math.max(gap, sorted[i] - sorted[i - 1]);
  return { heldSpanS: (sorted[sorted.length - 1] - sorted[0]) / 1e6, maxGapS: gap / 1e6 };
}

/** Reads a recording line by line (it can be large): dispatches held, drop counts, span and holes. */
async function recordingAccounting(file: string): Promise<SoakAccounting> {
  const ts: number[] = [];
  let droppedByAgent = 0;
  let droppedByStore = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const raw of lines) {
    const line = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    if (line.includes('"cat":"loopscope.dispatch"')) {
      const m = /"ts":([0-9.e+]+)/.exec(line);
      if (m) ts.push(Number(m[1]));
    } else if (line.includes('"cat":"loopscope.thread"')) {
      const e = JSON.parse(line) as { args: { droppedByAgent?: number; droppedByStore?: number } };
      droppedByAgent += e.args.droppedByAgent ?? 0;
      droppedByStore += e.args.droppedByStore ?? 0;
    }
  }
  return { received: ts.length + droppedByStore, held: ts.length, droppedByStore, droppedByAgent, ...spanAndGap(ts) };
}

/** The JSON in `file` once it is there and whole (the server may be writing it as we look). */
function readJsonIfWhole<T>(file: string): T | undefined {
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
  } catch {
    return undefined;
  }
}
