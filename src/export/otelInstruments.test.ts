import { AggregationTemporality, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { stall, storeWithSession } from '../host/testFixtures';
import { gaugesDelta, METRICS, registerInstruments } from './otelInstruments';
import { StoreMetrics } from './storeMetrics';

/** A reader that collects on demand, with the temporalities of the OTLP export. */
class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: gaugesDelta(() => AggregationTemporality.CUMULATIVE) });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

async function collect(reader: PullReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

function setUp() {
  const { store, session } = storeWithSession({ pid: 4242, argv: ['node', '/srv/api.js'] });
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  registerInstruments(provider.getMeter('test'), new StoreMetrics(store, { windowMs: 10_000 }));
  return { store, session, reader };
}

const thread = { 'process.pid': 4242, 'thread.id': 0, 'thread.name': 'main', 'service.name': 'api' };

describe('OpenTelemetry instruments', () => {
  it('exports loop delay, utilisation, GC and stalls per thread, in seconds', async () => {
    const { store, session, reader } = setUp();
    session.loop.push({ ts: 1_000_000, p50: 1, p99: 8, max: 150, utilization: 0.5 });
    session.gc.push({ ts: 1, dur: 4000, kind: 'major' });
    session.stalls.push(stall(5, 150_000, []));
    store.touch(session);
    const m = await collect(reader);
    const value = (name: string) => {
      const d = m.get(name)!;
      expect(d.dataPoints[0].attributes).toMatchObject(thread);
      return d.dataPoints[0].value;
    };
    expect(value(METRICS.delayP50)).toBeCloseTo(0.001, 9);
    expect(value(METRICS.delayP99)).toBeCloseTo(0.008, 9);
    expect(value(METRICS.delayMax)).toBeCloseTo(0.15, 9);
    expect(value(METRICS.utilization)).toBe(0.5);
    expect(value(METRICS.gcDuration)).toBeCloseTo(0.004, 9);
    expect(m.get(METRICS.gcDuration)!.dataPoints[0].attributes['v8js.gc.type']).toBe('major');
    expect(value(METRICS.gcCount)).toBe(1);
    expect(value(METRICS.stallCount)).toBe(1);
    expect(value(METRICS.stallDuration)).toBeCloseTo(0.15, 9);
    expect(m.get(METRICS.delayMax)!.descriptor.unit).toBe('s');
    // No thread-pool samples in this session: no such series rather than a made-up zero.
    expect(m.get(METRICS.threadPoolInFlight)?.dataPoints ?? []).toEqual([]);
  });

  it('counts stay cumulative across collections, and grow with new stalls', async () => {
    const { store, session, reader } = setUp();
    session.stalls.push(stall(5, 100_000, []));
    store.touch(session);
    await collect(reader);
    session.stalls.push(stall(6, 200_000, []));
    store.touch(session);
    const m = await collect(reader);
    expect(m.get(METRICS.stallCount)!.dataPoints[0].value).toBe(2);
    expect(m.get(METRICS.stallDuration)!.dataPoints[0].value).toBeCloseTo(0.3, 9);
  });

  it("drops an ended thread's gauges once it is forgotten, instead of repeating its last value", async () => {
    let now = 0;
    const { store, session } = storeWithSession();
    const reader = new PullReader();
    registerInstruments(new MeterProvider({ readers: [reader] }).getMeter('test'), new StoreMetrics(store, { forgetEndedAfterMs: 1000, now: () => now }));
    session.loop.push({ ts: 1, p50: 1, p99: 2, max: 3, utilization: 0.1 });
    store.end(session, 2);
    expect((await collect(reader)).get(METRICS.delayMax)!.dataPoints).toHaveLength(1);
    now = 5000;
    expect((await collect(reader)).get(METRICS.delayMax)?.dataPoints ?? []).toHaveLength(0);
  });

  it('exports thread-pool requests in flight, by kind when the samples have kinds', async () => {
    const { store, session, reader } = setUp();
    (session as unknown as { pool: unknown[] }).pool = [{ ts: 1, inFlight: 5 }];
    store.touch(session);
    expect((await collect(reader)).get(METRICS.threadPoolInFlight)!.dataPoints.map((p) => p.value)).toEqual([5]);
    (session as unknown as { pool: unknown[] }).pool.push({ ts: 2, inFlight: 3, byKind: { fs: 2, crypto: 1 } });
    store.touch(session);
    const points = (await collect(reader)).get(METRICS.threadPoolInFlight)!.dataPoints;
    expect(points.map((p) => [p.attributes['loopscope.threadpool.kind'], p.value])).toEqual([
      ['fs', 2],
      ['crypto', 1],
    ]);
  });
});
