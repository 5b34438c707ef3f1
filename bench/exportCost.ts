/**
 * What the export costs the collector, side by side in one run (medians of RUNS):
 * `loopscope --help` start-up with the export code in the CLI (it is loaded lazily) vs the
 * OpenTelemetry SDK's own file loaded too; a store update with and without StoreMetrics
 * following it; one Prometheus scrape of 1,000 threads.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SessionStore } from '../src/collector/sessionStore';
import { renderPrometheus } from '../src/export/prometheusEndpoint';
import { StoreMetrics } from '../src/export/storeMetrics';

const RUNS = Number(process.env.RUNS ?? 11);
const dist = path.resolve(__dirname, '../../dist');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (f: () => void) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const info = (pid: number) => ({ protocolVersion: 1, pid, ppid: 1, tid: 0, isMainThread: true, nodeVersion: 'v20', argv: ['node', 'app.js'], title: 'node', startedAt: pid, stallThresholdMs: 50 });

const plain: number[] = [];
const withSdk: number[] = [];
for (let i = 0; i < RUNS; i++) {
  plain.push(ms(() => execFileSync(process.execPath, [path.join(dist, 'cli.js'), '--help'])));
  withSdk.push(ms(() => execFileSync(process.execPath, ['-r', path.join(dist, 'export.js'), path.join(dist, 'cli.js'), '--help'])));
}
console.log(`loopscope --help: ${median(plain).toFixed(1)} ms; with dist/export.js (the SDK) loaded as well: ${median(withSdk).toFixed(1)} ms (${(median(withSdk) / median(plain)).toFixed(2)}×)`);

const UPDATES = 1_000_000;
const bare: number[] = [];
const followed: number[] = [];
for (let i = 0; i < RUNS; i++) {
  for (const [list, follow] of [[bare, false], [followed, true]] as const) {
    const store = new SessionStore();
    const s = store.open(info(1));
    s.loop.push({ ts: 1, p50: 1, p99: 1, max: 1, utilization: 0.1 });
    const m = follow ? new StoreMetrics(store) : undefined;
    list.push(ms(() => {
      for (let k = 0; k < UPDATES; k++) store.touch(s);
    }));
    m?.dispose();
  }
}
const perUpdate = (x: number[]) => (median(x) * 1e6) / UPDATES;
console.log(`store update: ${perUpdate(bare).toFixed(0)} ns bare, ${perUpdate(followed).toFixed(0)} ns followed by StoreMetrics (${(median(followed) / median(bare)).toFixed(2)}×)`);

const store = new SessionStore();
for (let pid = 1; pid <= 1000; pid++) {
  const s = store.open(info(pid));
  for (let k = 0; k < 100; k++) s.loop.push({ ts: k * 100_000, p50: 1, p99: 2, max: 3, utilization: 0.2 });
  s.gc.push({ ts: 1, dur: 100, kind: 'minor' });
}
const metrics = new StoreMetrics(store);
const scrape: number[] = [];
let bytes = 0;
for (let i = 0; i < RUNS; i++) scrape.push(ms(() => (bytes = renderPrometheus(metrics.current(), 10_000).length)));
console.log(`Prometheus scrape of 1,000 threads: ${median(scrape).toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KB`);
