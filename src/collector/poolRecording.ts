/**
 * Thread-pool pressure in a recording: each sample is a counter event and each saturation an
 * interval, in the `loopscope.pool` category (docs/CONTRACTS.md), so trace viewers plot them too.
 */
import type { PoolSample, PoolSaturation } from '../../model/loopData';
import type { TraceEvent } from './recording';

/** Category of every thread-pool event. */
export const POOL_CATEGORY = 'loopscope.pool';

/** The trace events of one thread's pool samples and saturations. */
export function poolEvents(pid: number, tid: number, samples: readonly PoolSample[], saturations: readonly PoolSaturation[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const { ts, inFlight, size, queued, maxWaitMs, p50WaitMs, completed } of samples) {
    out.push({ ph: 'C', cat: POOL_CATEGORY, name: 'threadPool', pid, tid, ts, args: { inFlight, size, queued, maxWaitMs, p50WaitMs, completed } });
  }
  for (const { ts, dur, peak, size, maxWaitMs } of saturations) {
    out.push({ ph: 'X', cat: POOL_CATEGORY, name: 'poolSaturated', pid, tid, ts, dur, args: { peak, size, maxWaitMs } });
  }
  return out;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Reads one `loopscope.pool` event into `samples` or `saturations`; other events are left alone. */
export function readPoolEvent(e: TraceEvent, samples: PoolSample[], saturations: PoolSaturation[]): void {
  const a = (e.args ?? {}) as Record<string, unknown>;
  const ts = Number(e.ts);
  if (!Number.isFinite(ts)) return;
  if (e.ph === 'C' && e.name === 'threadPool') {
    const inFlight = num(a.inFlight);
    const size = num(a.size);
    samples.push({
      ts, inFlight, size, queued: typeof a.queued === 'number' ? num(a.queued) : Math.max(0, inFlight - size),
      completed: num(a.completed), maxWaitMs: num(a.maxWaitMs), p50WaitMs: num(a.p50WaitMs),
    });
  } else if (e.ph === 'X' && e.name === 'poolSaturated') {
    saturations.push({ ts, dur: Math.max(0, num(e.dur)), peak: num(a.peak), size: num(a.size), maxWaitMs: num(a.maxWaitMs) });
  }
}
