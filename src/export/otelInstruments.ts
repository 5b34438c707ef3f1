import type { Meter, Observable } from '@opentelemetry/api';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import type { StoreMetrics } from './storeMetrics';

/**
 * The metric names Loopscope exports (OpenTelemetry names; the Prometheus endpoint turns dots into
 * underscores and adds `_total` to counters). Prefixed `loopscope.` so they never collide with
 * the `nodejs.eventloop.*` series a program's own runtime instrumentation may export.
 */
export const METRICS = {
  delayP50: 'loopscope.eventloop.delay.p50',
  delayP99: 'loopscope.eventloop.delay.p99',
  delayMax: 'loopscope.eventloop.delay.max',
  utilization: 'loopscope.eventloop.utilization',
  gcDuration: 'loopscope.gc.duration',
  gcCount: 'loopscope.gc.count',
  stallCount: 'loopscope.stall.count',
  stallDuration: 'loopscope.stall.duration',
  threadPoolInFlight: 'loopscope.threadpool.inflight',
} as const;

/**
 * Registers the observable instruments on `meter`; every collection (an OTLP export or a
 * Prometheus scrape) reads the current figures of every thread from `metrics`, nothing is
 * recorded in between.
 */
export function registerInstruments(meter: Meter, metrics: StoreMetrics): void {
  const window = `over the last ${metrics.loopWindowMs / 1000} s of samples`;
  const delayP50 = meter.createObservableGauge(METRICS.delayP50, { unit: 's', description: `Event-loop delay, median (mean of ~100 ms samples ${window})` });
  const delayP99 = meter.createObservableGauge(METRICS.delayP99, { unit: 's', description: `Event-loop delay, 99th percentile (worst sample ${window})` });
  const delayMax = meter.createObservableGauge(METRICS.delayMax, { unit: 's', description: `Event-loop delay, maximum ${window}` });
  const utilization = meter.createObservableGauge(METRICS.utilization, { unit: '1', description: `Event-loop utilisation, 0..1 (mean ${window})` });
  const gcDuration = meter.createObservableCounter(METRICS.gcDuration, { unit: 's', description: 'Time spent in garbage-collection pauses, by v8js.gc.type' });
  const gcCount = meter.createObservableCounter(METRICS.gcCount, { unit: '{pause}', description: 'Garbage-collection pauses, by v8js.gc.type' });
  const stallCount = meter.createObservableCounter(METRICS.stallCount, { unit: '{stall}', description: 'Loop turns that blocked the event loop at least the stall threshold' });
  const stallDuration = meter.createObservableCounter(METRICS.stallDuration, { unit: 's', description: 'Total time the event loop was blocked by stalls' });
  const inFlight = meter.createObservableGauge(METRICS.threadPoolInFlight, { unit: '{request}', description: 'libuv thread-pool requests in flight (by loopscope.threadpool.kind when known)' });
  const all: Observable[] = [delayP50, delayP99, delayMax, utilization, gcDuration, gcCount, stallCount, stallDuration, inFlight];
  meter.addBatchObservableCallback((result) => {
    for (const t of metrics.current()) {
      const a = t.attributes;
      const loop = t.loopWindow(metrics.loopWindowMs);
      if (loop) {
        result.observe(delayP50, loop.p50, a);
        result.observe(delayP99, loop.p99, a);
        result.observe(delayMax, loop.max, a);
        result.observe(utilization, loop.utilization, a);
      }
      for (const [kind, seconds] of t.gcSeconds) {
        result.observe(gcDuration, seconds, { ...a, 'v8js.gc.type': kind });
        result.observe(gcCount, t.gcCount.get(kind) ?? 0, { ...a, 'v8js.gc.type': kind });
      }
      result.observe(stallCount, t.stallCount, a);
      result.observe(stallDuration, t.stallSeconds, a);
      if (t.threadPool) {
        const kinds = Object.entries(t.threadPool.byKind ?? {});
        if (kinds.length) for (const [kind, n] of kinds) result.observe(inFlight, n, { ...a, 'loopscope.threadpool.kind': kind });
        else result.observe(inFlight, t.threadPool.inFlight, a);
      }
    }
  }, all);
}

/**
 * Gauges in delta temporality: the SDK then drops a gauge series that was not observed (an ended
 * thread's) instead of repeating its last value at every export; other instruments as `otherwise` says.
 */
export function gaugesDelta(otherwise: (type: InstrumentType) => AggregationTemporality): (type: InstrumentType) => AggregationTemporality {
  return (type) => (type === InstrumentType.OBSERVABLE_GAUGE || type === InstrumentType.GAUGE ? AggregationTemporality.DELTA : otherwise(type));
}
