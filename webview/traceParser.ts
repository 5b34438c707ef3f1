/**
 * Turns a recording (Chrome Trace Event JSON, docs/CONTRACTS.md) into view-protocol messages,
 * so a loaded file and a live session feed the model the same way. Foreign traces load too:
 * events that are not Loopscope's are ignored.
 */
import type { CallbackSite, GcPause, LoopSample, PausedInterval, SessionDescriptor, Stall, StackFrame, ToWebview } from './protocol';

/** A recording that cannot be read, with a message fit to show the user. */
export class TraceParseError extends Error {
  override readonly name = 'TraceParseError';
}

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
  end: number;
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
  };
}

/** The summary of a parse: messages to apply and anything worth telling the user. */
export interface ParsedTrace {
  messages: ToWebview[];
  /** Dispatches the recorder reported dropping. */
  droppedEvents: number;
  /** Events that were not Loopscope's and were skipped. */
  ignoredEvents: number;
}

/** Parses recording text; throws `TraceParseError` when it is not a trace at all. */
export function parseTrace(text: string): ParsedTrace {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TraceParseError(`This file is not a valid recording: it is not JSON (${(err as Error).message}).`);
  }
  let events: unknown;
  let droppedEvents = 0;
  if (Array.isArray(doc)) {
    events = doc;
  } else if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { traceEvents?: unknown }).traceEvents)) {
    events = (doc as { traceEvents: unknown[] }).traceEvents;
    const meta = (doc as { metadata?: { loopscope?: { droppedEvents?: unknown } } }).metadata;
    droppedEvents = num(meta?.loopscope?.droppedEvents);
  } else {
    throw new TraceParseError('This file is not a valid recording: expected a Chrome trace, {"traceEvents":[…]} or an array of events.');
  }
  return { ...collect(events as unknown[]), droppedEvents };
}

function collect(events: unknown[]): { messages: ToWebview[]; ignoredEvents: number } {
  const threads = new Map<string, ThreadAcc>();
  const processNames = new Map<number, string>();
  let ignoredEvents = 0;
  const thread = (pid: number, tid: number): ThreadAcc => {
    const id = `${pid}:${tid}`;
    let acc = threads.get(id);
    if (!acc) {
      acc = {
        session: { id, pid, tid, title: '', live: false },
        dispatches: new DispatchBuilder(), stalls: [], loop: new Map(), gc: [], paused: [], sites: [], end: -Infinity,
      };
      threads.set(id, acc);
    }
    return acc;
  };
  const loopSample = (acc: ThreadAcc, ts: number): LoopSample => {
    let s = acc.loop.get(ts);
    if (!s) {
      s = { ts, p50: NaN, p99: NaN, max: NaN, utilization: NaN };
      acc.loop.set(ts, s);
    }
    return s;
  };

  for (const raw of events) {
    if (typeof raw !== 'object' || raw === null) {
      ignoredEvents++;
      continue;
    }
    const e = raw as RawEvent;
    const pid = num(e.pid);
    const tid = num(e.tid);
    const ts = num(e.ts, NaN);
    const dur = num(e.dur);
    const args = (typeof e.args === 'object' && e.args !== null ? e.args : {}) as Record<string, unknown>;
    if (e.ph === 'M') {
      if (e.name === 'process_name') processNames.set(pid, str(args.name));
      else if (e.name === 'thread_name') thread(pid, tid).session.title = str(args.name);
      continue;
    }
    if (Number.isNaN(ts)) {
      ignoredEvents++;
      continue;
    }
    switch (e.cat) {
      case 'loopscope.dispatch':
        thread(pid, tid).dispatches.push(str(e.name, 'unknown'), ts, dur, num(args.asyncId), num(args.triggerAsyncId));
        break;
      case 'loopscope.stall': {
        const stack = Array.isArray(args.stack) ? args.stack.map(frameOf).filter((f): f is StackFrame => !!f) : [];
        const captured = args.captured === 'interrupt' || args.captured === 'profile' ? args.captured : 'none';
        const stall: Stall = { ts, dur, stack, captured };
        if (typeof args.asyncId === 'number') stall.asyncId = args.asyncId;
        if (typeof args.resourceType === 'string') stall.resourceType = args.resourceType;
        thread(pid, tid).stalls.push(stall);
        break;
      }
      case 'loopscope.site': {
        const frame = frameOf(args);
        if (frame) thread(pid, tid).sites.push({ ...frame, asyncId: num(args.asyncId) });
        break;
      }
      case 'loopscope.loop': {
        const sample = loopSample(thread(pid, tid), ts);
        if (e.name === 'eventLoopDelay') {
          sample.p50 = num(args.p50, NaN);
          sample.p99 = num(args.p99, NaN);
          sample.max = num(args.max, NaN);
        } else if (e.name === 'eventLoopUtilization') {
          sample.utilization = num(args.utilization, NaN);
        }
        break;
      }
      case 'loopscope.gc':
        thread(pid, tid).gc.push({ ts, dur, kind: str(args.kind, 'unknown') });
        break;
      case 'loopscope.paused':
        thread(pid, tid).paused.push({ ts, dur });
        break;
      default:
        ignoredEvents++;
        continue;
    }
    const acc = threads.get(`${pid}:${tid}`);
    if (acc && ts + dur > acc.end) acc.end = ts + dur;
  }

  const messages: ToWebview[] = [{ type: 'reset' }];
  for (const acc of threads.values()) {
    const { session } = acc;
    const hasData = acc.dispatches.count + acc.stalls.length + acc.loop.size + acc.gc.length + acc.paused.length > 0;
    if (!hasData) continue;
    const name = session.title || processNames.get(session.pid) || 'node';
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
    const byTs = (a: { ts: number }, b: { ts: number }): number => a.ts - b.ts;
    if (acc.stalls.length) messages.push({ type: 'stalls', sessionId, stalls: acc.stalls.sort(byTs) });
    if (acc.loop.size) messages.push({ type: 'loop', sessionId, samples: [...acc.loop.values()].sort(byTs) });
    if (acc.gc.length) messages.push({ type: 'gc', sessionId, pauses: acc.gc.sort(byTs) });
    if (acc.paused.length) messages.push({ type: 'paused', sessionId, intervals: acc.paused.sort(byTs) });
    if (acc.sites.length) messages.push({ type: 'sites', sessionId, sites: acc.sites });
    messages.push({ type: 'sessionEnded', sessionId, endedAt: acc.end });
  }
  return { messages, ignoredEvents };
}
