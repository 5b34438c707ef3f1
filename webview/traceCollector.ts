/**
 * Accumulates trace events per thread and turns them into view-protocol messages. Fed event by
 * event (from JSON.parse or from the line scanner's fast path for dispatches).
 */
import type { CallbackSite, GcPause, LoopSample, PausedInterval, PoolSample, PoolSaturation, RecordingGap, Stall, StackFrame } from '../model/loopData';
import type { SessionDescriptor, ToWebview } from './protocol';
import { readStallContext } from '../model/stallContext';
import { exactnessOf } from '../model/stallExactness';

/** Growable typed columns for one thread's dispatches while parsing. */
class DispatchBuilder {
  count = 0;
  typeId = new Uint16Array(1024);
  asyncId = new Float64Array(1024);
  trigger = new Float64Array(1024);
  ts = new Float64Array(1024);
  dur = new Float64Array(1024);
  readonly types: string[] = [];
  private readonly typeIndex = new Map<string, number>();

  push(type: string, ts: number, dur: number, asyncId: number, trigger: number): void {
    if (this.count === this.ts.length) this.grow();
    let t = this.typeIndex.get(type);
    if (t === undefined) {
      t = this.types.length;
      this.types.push(type);
      this.typeIndex.set(type, t);
    }
    const i = this.count++;
    this.typeId[i] = t;
    this.asyncId[i] = asyncId;
    this.trigger[i] = trigger;
    this.ts[i] = ts;
    this.dur[i] = dur;
  }

  private grow(): void {
    const n = this.ts.length * 2;
    const typeId = new Uint16Array(n);
    typeId.set(this.typeId);
    this.typeId = typeId;
    for (const key of ['asyncId', 'trigger', 'ts', 'dur'] as const) {
      const next = new Float64Array(n);
      next.set(this[key]);
      this[key] = next;
    }
  }
}

interface ThreadAcc {
  session: SessionDescriptor;
  dispatches: DispatchBuilder;
  stalls: Stall[];
  loop: Map<number, LoopSample>;
  gc: GcPause[];
  paused: PausedInterval[];
  sites: CallbackSite[];
  pool: PoolSample[];
  poolSaturations: PoolSaturation[];
  gaps: RecordingGap[];
  end: number;
}

/** One trace event as JSON.parse gives it (every field unchecked). */
interface RawEvent {
  ph?: unknown;
  cat?: unknown;
  name?: unknown;
  pid?: unknown;
  tid?: unknown;
  ts?: unknown;
  dur?: unknown;
  args?: Record<string, unknown>;
}

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

function frameOf(raw: unknown): StackFrame | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const f = raw as Record<string, unknown>;
  return {
    functionName: str(f.functionName),
    url: str(f.url),
    lineNumber: num(f.lineNumber, 1),
    columnNumber: num(f.columnNumber, 1),
    ...generatedOf(f.generated),
  };
}

/** The position a mapped frame ran at (recordings keep it as `generated`), when well formed. */
function generatedOf(raw: unknown): Pick<StackFrame, 'generated'> {
  if (typeof raw !== 'object' || raw === null) return {};
  const g = raw as Record<string, unknown>;
  return typeof g.url === 'string' ? { generated: { url: g.url, lineNumber: num(g.lineNumber, 1), columnNumber: num(g.columnNumber, 1) } } : {};
}

/** Collects a trace's events; `finish()` returns the messages. */
export class TraceCollector {
  private readonly threads = new Map<string, ThreadAcc>();
  private readonly processNames = new Map<number, string>();
  private last: ThreadAcc | undefined;
  /** Events that were not Loopscope's and were skipped. */
  ignoredEvents = 0;

  private thread(pid: number, tid: number): ThreadAcc {
    // Consecutive events almost always share a thread: skip building the key for them.
    const last = this.last;
    if (last && last.session.pid === pid && last.session.tid === tid) return last;
    const id = `${pid}:${tid}`;
    let acc = this.threads.get(id);
    if (!acc) {
      acc = {
        session: { id, pid, tid, title: '', live: false },
        dispatches: new DispatchBuilder(), stalls: [], loop: new Map(), gc: [], paused: [], sites: [], pool: [], poolSaturations: [], gaps: [], end: -Infinity,
      };
      this.threads.set(id, acc);
    }
    this.last = acc;
    return acc;
  }

  private loopSample(acc: ThreadAcc, ts: number): LoopSample {
    let s = acc.loop.get(ts);
    if (!s) {
      s = { ts, p50: NaN, p99: NaN, max: NaN, utilization: NaN };
      acc.loop.set(ts, s);
    }
    return s;
  }

  /** One dispatch slice, already decoded. */
  dispatch(pid: number, tid: number, type: string, ts: number, dur: number, asyncId: number, triggerAsyncId: number): void {
    const acc = this.thread(pid, tid);
    acc.dispatches.push(type, ts, dur, asyncId, triggerAsyncId);
    if (ts + dur > acc.end) acc.end = ts + dur;
  }

  /** Any trace event as parsed JSON; unknown ones are counted and skipped. */
  event(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) {
      this.ignoredEvents++;
      return;
    }
    const e = raw as RawEvent;
    const pid = num(e.pid);
    const tid = num(e.tid);
    const ts = num(e.ts, NaN);
    const dur = num(e.dur);
    const args = (typeof e.args === 'object' && e.args !== null ? e.args : {}) as Record<string, unknown>;
    if (e.ph === 'M') {
      if (e.name === 'process_name') this.processNames.set(pid, str(args.name));
      else if (e.name === 'thread_name') this.thread(pid, tid).session.title = str(args.name);
      return;
    }
    if (Number.isNaN(ts)) {
      this.ignoredEvents++;
      return;
    }
    const acc = this.thread(pid, tid);
    switch (e.cat) {
      case 'loopscope.dispatch':
        return this.dispatch(pid, tid, str(e.name, 'unknown'), ts, dur, num(args.asyncId), num(args.triggerAsyncId));
      case 'loopscope.stall': {
        const stack = Array.isArray(args.stack) ? args.stack.map(frameOf).filter((f): f is StackFrame => !!f) : [];
        const captured = args.captured === 'interrupt' || args.captured === 'profile' ? args.captured : 'none';
        const stall: Stall = { ts, dur, stack, captured };
        if (typeof args.asyncId === 'number') stall.asyncId = args.asyncId;
        if (typeof args.resourceType === 'string') stall.resourceType = args.resourceType;
        const context = readStallContext(args.context);
        if (context) stall.context = context;
        Object.assign(stall, exactnessOf(args));
        acc.stalls.push(stall);
        break;
      }
      case 'loopscope.site': {
        const frame = frameOf(args);
        if (frame) acc.sites.push({ ...frame, asyncId: num(args.asyncId) });
        break;
      }
      case 'loopscope.loop': {
        const sample = this.loopSample(acc, ts);
        if (e.name === 'eventLoopDelay') {
          sample.p50 = num(args.p50, NaN);
          sample.p99 = num(args.p99, NaN);
          sample.max = num(args.max, NaN);
        } else if (e.name === 'eventLoopUtilization') {
          sample.utilization = num(args.utilization, NaN);
          if (num(args.folded, 0) > 0) sample.folded = num(args.folded, 0);
        }
        break;
      }
      case 'loopscope.gc':
        acc.gc.push({ ts, dur, kind: str(args.kind, 'unknown') });
        break;
      case 'loopscope.paused':
        acc.paused.push({ ts, dur });
        break;
      case 'loopscope.pool':
        if (e.ph === 'C' && e.name === 'threadPool') {
          const inFlight = num(args.inFlight);
          const size = num(args.size, 4);
          acc.pool.push({ ts, inFlight, size, queued: num(args.queued, Math.max(0, inFlight - size)), completed: num(args.completed), maxWaitMs: num(args.maxWaitMs), p50WaitMs: num(args.p50WaitMs) });
        } else if (e.ph === 'X' && e.name === 'poolSaturated') {
          acc.poolSaturations.push({ ts, dur, peak: num(args.peak), size: num(args.size, 4), maxWaitMs: num(args.maxWaitMs) });
        } else {
          this.ignoredEvents++;
          return;
        }
        break;
      case 'loopscope.gap':
        acc.gaps.push({ ts, dur });
        break;
      case 'loopscope.thread':
        // What the agent said of its thread (not required by the contract; used when present).
        if (typeof args.stallThresholdMs === 'number') acc.session.stallThresholdMs = args.stallThresholdMs;
        if (typeof args.startedAt === 'number') acc.session.startedAt = args.startedAt;
        return;
      default:
        this.ignoredEvents++;
        return;
    }
    if (ts + dur > acc.end) acc.end = ts + dur;
  }

  /** The messages that show everything collected, starting with a reset. */
  finish(): ToWebview[] {
    const messages: ToWebview[] = [{ type: 'reset' }];
    const byTs = (a: { ts: number }, b: { ts: number }): number => a.ts - b.ts;
    for (const acc of this.threads.values()) {
      const { session } = acc;
      const hasData = acc.dispatches.count + acc.stalls.length + acc.loop.size + acc.gc.length + acc.paused.length + acc.pool.length > 0;
      if (!hasData) continue;
      const name = session.title || this.processNames.get(session.pid) || 'node';
      session.title = session.tid === 0 ? `${name} (pid ${session.pid})` : `${name} (pid ${session.pid}, tid ${session.tid})`;
      const sessionId = session.id;
      messages.push({ type: 'sessionStarted', session });
      const d = acc.dispatches;
      if (d.count) {
        messages.push({
          type: 'dispatches', sessionId, resourceTypes: d.types, count: d.count,
          typeId: d.typeId.subarray(0, d.count), asyncId: d.asyncId.subarray(0, d.count),
          triggerAsyncId: d.trigger.subarray(0, d.count), ts: d.ts.subarray(0, d.count), dur: d.dur.subarray(0, d.count),
        });
      }
      if (acc.stalls.length) messages.push({ type: 'stalls', sessionId, stalls: acc.stalls.sort(byTs) });
      if (acc.loop.size) messages.push({ type: 'loop', sessionId, samples: [...acc.loop.values()].sort(byTs) });
      if (acc.gc.length) messages.push({ type: 'gc', sessionId, pauses: acc.gc.sort(byTs) });
      if (acc.paused.length) messages.push({ type: 'paused', sessionId, intervals: acc.paused.sort(byTs) });
      if (acc.sites.length) messages.push({ type: 'sites', sessionId, sites: acc.sites });
      if (acc.pool.length || acc.poolSaturations.length) messages.push({ type: 'pool', sessionId, samples: acc.pool.sort(byTs), saturations: acc.poolSaturations.sort(byTs) });
      if (acc.gaps.length) messages.push({ type: 'gaps', sessionId, gaps: acc.gaps.sort(byTs) });
      messages.push({ type: 'sessionEnded', sessionId, endedAt: acc.end });
    }
    return messages;
  }
}
