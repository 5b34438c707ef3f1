import { describe, expect, it } from 'vitest';
import { stall, storeWithSession, threadInfo } from '../host/testFixtures';
import { escapeLabelValue, labelName, PROMETHEUS_METRICS, renderPrometheus, startPrometheusEndpoint } from './prometheusEndpoint';
import { StoreMetrics } from './storeMetrics';

describe('Prometheus exposition', () => {
  it('renders each family once with HELP and TYPE, one sample per thread, labels from the attributes', () => {
    const { store, session } = storeWithSession({ pid: 9, argv: ['node', '/srv/a "b"\\c.js'] });
    const other = store.open(threadInfo({ pid: 9, tid: 1, isMainThread: false, title: 'worker 1' }));
    const metrics = new StoreMetrics(store, { windowMs: 10_000 });
    session.loop.push({ ts: 1, p50: 1, p99: 5, max: 250, utilization: 0.25 });
    session.gc.push({ ts: 1, dur: 1500, kind: 'minor' });
    other.stalls.push(stall(1, 75_000, []));
    store.touch(session);
    store.touch(other);
    const text = renderPrometheus(metrics.current(), 10_000);
    const main = 'process_pid="9",thread_id="0",thread_name="main",service_name="a \\"b\\"\\\\c"';
    const worker = 'process_pid="9",thread_id="1",thread_name="worker 1",service_name="app"';
    expect(text).toContain(`# TYPE ${PROMETHEUS_METRICS.delayMax} gauge\n${PROMETHEUS_METRICS.delayMax}{${main}} 0.25\n`);
    expect(text).toContain(`${PROMETHEUS_METRICS.utilization}{${main}} 0.25\n`);
    expect(text).toContain(`# TYPE ${PROMETHEUS_METRICS.gcDuration} counter\n${PROMETHEUS_METRICS.gcDuration}{${main},v8js_gc_type="minor"} 0.0015\n`);
    expect(text).toContain(`${PROMETHEUS_METRICS.stallCount}{${main}} 0\n${PROMETHEUS_METRICS.stallCount}{${worker}} 1\n`);
    expect(text).toContain(`${PROMETHEUS_METRICS.stallDuration}{${worker}} 0.075\n`);
    // The worker sent no loop sample: no delay line for it; no thread-pool data: no such family.
    expect(text).not.toContain(`${PROMETHEUS_METRICS.delayMax}{${worker}}`);
    expect(text).not.toContain(PROMETHEUS_METRICS.threadPoolInFlight);
    expect(text.match(/^# TYPE /gm)).toHaveLength(8);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('escapes label values and sanitises label names', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(labelName('process.pid')).toBe('process_pid');
    expect(labelName('9lives-x')).toBe('_9lives_x');
  });

  it('serves /metrics over HTTP and nothing else', async () => {
    const { store, session } = storeWithSession();
    session.stalls.push(stall(1, 60_000, []));
    store.touch(session);
    const endpoint = await startPrometheusEndpoint(new StoreMetrics(store), { host: '127.0.0.1', port: 0 });
    try {
      const r = await fetch(endpoint.url);
      expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await r.text()).toContain(`${PROMETHEUS_METRICS.stallCount}{`);
      expect((await fetch(endpoint.url.replace('/metrics', '/'))).status).toBe(404);
      expect((await fetch(endpoint.url, { method: 'POST' })).status).toBe(405);
      expect((await fetch(endpoint.url, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
      await expect(startPrometheusEndpoint(new StoreMetrics(store), { host: '127.0.0.1', port: Number(new URL(endpoint.url).port) })).rejects.toThrow(
        /cannot serve Prometheus metrics on 127.0.0.1:\d+: .*EADDRINUSE/,
      );
    } finally {
      await endpoint.close();
    }
  });
});
