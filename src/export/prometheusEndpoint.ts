import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusAddress } from './exportSettings';
import type { LoopWindow, StoreMetrics, ThreadMetrics } from './storeMetrics';

/**
 * Prometheus names of the metrics, as an OpenTelemetry Collector's Prometheus exporter would
 * derive them from the OTLP ones (unit suffix, `_total` on counters), so one PromQL query works
 * whether Prometheus scrapes Loopscope directly or through a Collector.
 */
export const PROMETHEUS_METRICS = {
  delayP50: 'loopscope_eventloop_delay_p50_seconds',
  delayP99: 'loopscope_eventloop_delay_p99_seconds',
  delayMax: 'loopscope_eventloop_delay_max_seconds',
  utilization: 'loopscope_eventloop_utilization_ratio',
  gcDuration: 'loopscope_gc_duration_seconds_total',
  gcCount: 'loopscope_gc_count_total',
  stallCount: 'loopscope_stall_count_total',
  stallDuration: 'loopscope_stall_duration_seconds_total',
  threadPoolInFlight: 'loopscope_threadpool_inflight',
} as const;

/** Escapes a label value for the text exposition format. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** An attribute name as a Prometheus label name (`process.pid` → `process_pid`). */
export function labelName(attribute: string): string {
  const name = attribute.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function labelPairs(attributes: Record<string, string | number>): string {
  return Object.entries(attributes)
    .map(([k, v]) => `${labelName(k)}="${escapeLabelValue(String(v))}"`)
    .join(',');
}

/** Renders every thread's current figures in the Prometheus text exposition format (version 0.0.4). */
export function renderPrometheus(threads: readonly ThreadMetrics[], windowMs: number): string {
  // Per thread once per scrape: its label set and its loop window, shared by every family.
  const rows = threads.map((t) => ({ t, base: labelPairs(t.attributes), loop: t.loopWindow(windowMs) }));
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: (r: (typeof rows)[number]) => [string, number][]) => {
    const header = out.length;
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const r of rows) for (const [l, v] of samples(r)) out.push(`${name}{${l}} ${Number.isFinite(v) ? v : 0}`);
    if (out.length === header + 2) out.length = header;
  };
  const extra = (base: string, attribute: string, value: string) => `${base},${labelName(attribute)}="${escapeLabelValue(value)}"`;
  const window = `over the last ${windowMs / 1000} s of samples`;
  const loop = (pick: (w: LoopWindow) => number) => (r: (typeof rows)[number]): [string, number][] => (r.loop ? [[r.base, pick(r.loop)]] : []);
  family(PROMETHEUS_METRICS.delayP50, 'gauge', `Event-loop delay, median (mean of ~100 ms samples ${window}).`, loop((w) => w.p50));
  family(PROMETHEUS_METRICS.delayP99, 'gauge', `Event-loop delay, 99th percentile (worst sample ${window}).`, loop((w) => w.p99));
  family(PROMETHEUS_METRICS.delayMax, 'gauge', `Event-loop delay, maximum ${window}.`, loop((w) => w.max));
  family(PROMETHEUS_METRICS.utilization, 'gauge', `Event-loop utilisation, 0..1 (mean ${window}).`, loop((w) => w.utilization));
  family(PROMETHEUS_METRICS.gcDuration, 'counter', 'Time spent in garbage-collection pauses, by v8js_gc_type.', ({ t, base }) =>
    [...t.gcSeconds].map(([kind, s]) => [extra(base, 'v8js.gc.type', kind), s]),
  );
  family(PROMETHEUS_METRICS.gcCount, 'counter', 'Garbage-collection pauses, by v8js_gc_type.', ({ t, base }) =>
    [...t.gcCount].map(([kind, n]) => [extra(base, 'v8js.gc.type', kind), n]),
  );
  family(PROMETHEUS_METRICS.stallCount, 'counter', 'Loop turns that blocked the event loop at least the stall threshold.', ({ t, base }) => [[base, t.stallCount]]);
  family(PROMETHEUS_METRICS.stallDuration, 'counter', 'Total time the event loop was blocked by stalls.', ({ t, base }) => [[base, t.stallSeconds]]);
  family(PROMETHEUS_METRICS.threadPoolInFlight, 'gauge', 'libuv thread-pool requests in flight (by loopscope_threadpool_kind when known).', ({ t, base }) => {
    if (!t.threadPool) return [];
    const kinds = Object.entries(t.threadPool.byKind ?? {});
    return kinds.length ? kinds.map(([kind, n]) => [extra(base, 'loopscope.threadpool.kind', kind), n]) : [[base, t.threadPool.inFlight]];
  });
  return out.length ? `${out.join('\n')}\n` : '';
}

/** A running scrape endpoint. */
export interface PrometheusEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves GET /metrics from `metrics`, rendered at each scrape; nothing else. Written by hand
 * rather than with @opentelemetry/exporter-prometheus: that reader is cumulative-only and keeps
 * every series it ever saw, so the threads of ended programs would be scraped forever, and a
 * Prometheus-only setup does not have to load the SDK at all.
 */
export async function startPrometheusEndpoint(metrics: StoreMetrics, address: PrometheusAddress): Promise<PrometheusEndpoint> {
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Loopscope: metrics are at /metrics\n');
      return;
    }
    // A scraper sends no Origin; a web page does (the collector refuses those too).
    if (req.headers.origin !== undefined) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Loopscope: browser pages may not read metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    try {
      const body = renderPrometheus(metrics.current(), metrics.loopWindowMs);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
    }
  });
  // Scrapers keep connections open; they must not hold the collector's exit.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot serve Prometheus metrics on ${address.host}:${address.port}: ${error.message}`)));
    server.listen(address.port, address.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
