import type { CallbackSite, DispatchChunk, GcPause, LoopSample, PausedInterval, PoolSample, PoolSaturation, RecordingGap, Stall, StackFrame, ThreadInfo } from '../../model/loopData';
import { PROTOCOL_VERSION } from '../../agent/protocol';
import type { Session, SessionStore } from './sessionStore';
import { readStallContext, sortedGc, withGc } from '../../model/stallContext';
import { phaseOfType } from '../../model/loopPhase';
import { POOL_CATEGORY, poolEvents, readPoolEvent } from './poolRecording';
import { exactnessOf } from '../../model/stallExactness';

/** A recording file that cannot be read; the message says what is wrong. */
export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

/** One Chrome Trace Event. */
export interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  pid?: number;
  tid?: number;
  ts?: number;
  dur?: number;
  s?: string;
  args?: Record<string, unknown>;
}

/** A recording as written: Chrome Trace Event JSON object form. */
export interface TraceFile {
  traceEvents: TraceEvent[];
  metadata: Record<string, unknown>;
}

/** What a recording holds per thread once read back. */
export interface RecordedThread {
  info: ThreadInfo;
  resourceTypes: string[];
  chunks: DispatchChunk[];
  stalls: Stall[];
  loop: LoopSample[];
  gc: GcPause[];
  paused: PausedInterval[];
  sites: CallbackSite[];
  /** Thread-pool samples and saturations (empty in recordings made before they existed). */
  pool: PoolSample[];
  poolSaturations: PoolSaturation[];
  /** Intervals not recorded (the collector was unreachable). */
  gaps: RecordingGap[];
  endedAt?: number;
  dropped: number;
}

/** The thread id a trace uses: the main thread is tid 0 in Node, which some viewers hide; use pid-local ids ≥ 1. */
const traceTid = (info: ThreadInfo) => info.tid + 1;

/** Builds the trace file of the given sessions. */
export function writeRecording(sessions: readonly Session[], metadata: Record<string, unknown> = {}): TraceFile {
  const events: TraceEvent[] = [];
  let dropped = 0;
  const named = new Set<number>();
  for (const s of sessions) {
    const pid = s.info.pid;
    const tid = traceTid(s.info);
    dropped += s.droppedByAgent + s.droppedByStore;
    if (!named.has(pid) && s.info.isMainThread) {
      named.add(pid);
      events.push({ ph: 'M', name: 'process_name', pid, args: { name: `${s.info.argv.slice(1).map(shortArg).join(' ') || 'node'} (${pid})` } });
    }
    events.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name: s.info.isMainThread ? 'main' : s.info.title } });
    for (const c of s.chunks) {
      for (let i = 0; i < c.count; i++) {
        events.push({
          ph: 'X', cat: 'loopscope.dispatch', name: s.resourceTypes[c.typeId[i]] ?? 'UNKNOWN', pid, tid,
          ts: c.ts[i], dur: c.dur[i], args: { asyncId: c.asyncId[i], triggerAsyncId: c.triggerAsyncId[i] },
        });
      }
    }
    const gc = sortedGc(s.gc);
    for (const st of s.stalls) {
      const args: Record<string, unknown> = { stack: st.stack, captured: st.captured };
      if (st.asyncId !== undefined) args.asyncId = st.asyncId;
      if (st.resourceType !== undefined) args.resourceType = st.resourceType;
      // GC overlap is joined here, where the stall and the GC pauses (which may arrive later) meet.
      args.context = withGc(st, gc);
      args.phase = phaseOfType(st.resourceType ?? '').phase;
      Object.assign(args, exactnessOf(st as unknown as Record<string, unknown>));
      events.push({ ph: 'X', cat: 'loopscope.stall', name: 'stall', pid, tid, ts: st.ts, dur: st.dur, args });
    }
    for (const l of s.loop) {
      events.push({ ph: 'C', cat: 'loopscope.loop', name: 'eventLoopDelay', pid, tid, ts: l.ts, args: { p50: l.p50, p99: l.p99, max: l.max } });
      events.push({ ph: 'C', cat: 'loopscope.loop', name: 'eventLoopUtilization', pid, tid, ts: l.ts, args: l.folded ? { utilization: l.utilization, folded: l.folded } : { utilization: l.utilization } });
    }
    for (const g of s.gc) events.push({ ph: 'X', cat: 'loopscope.gc', name: 'gc', pid, tid, ts: g.ts, dur: g.dur, args: { kind: g.kind } });
    for (const p of s.paused) events.push({ ph: 'X', cat: 'loopscope.paused', name: 'paused', pid, tid, ts: p.ts, dur: p.dur });
    events.push(...poolEvents(pid, tid, s.pool, s.poolSaturations));
    for (const g of s.gaps) events.push({ ph: 'X', cat: 'loopscope.gap', name: 'not recorded', pid, tid, ts: g.ts, dur: g.dur });
    for (const site of s.sites.values()) {
      const { asyncId, functionName, url, lineNumber, columnNumber, generated } = site;
      const ts = s.info.startedAt;
      events.push({ ph: 'i', s: 't', cat: 'loopscope.site', name: 'site', pid, tid, ts, args: { asyncId, functionName, url, lineNumber, columnNumber, ...(generated ? { generated } : {}) } });
    }
    events.push({
      ph: 'i', s: 't', cat: 'loopscope.thread', name: 'thread', pid, tid, ts: s.info.startedAt,
      args: { ...s.info, endedAt: s.endedAt, resourceTypes: s.resourceTypes, droppedByAgent: s.droppedByAgent, droppedByStore: s.droppedByStore },
    });
  }
  return { traceEvents: events, metadata: { ...metadata, loopscope: { protocolVersion: PROTOCOL_VERSION, droppedEvents: dropped } } };
}

/** Serialises a trace without building one giant string per event list (millions of events). */
export function* serializeTrace(trace: TraceFile): Generator<string> {
  yield '{"traceEvents":[\n';
  const n = trace.traceEvents.length;
  for (let i = 0; i < n; i += 10_000) {
    const part = trace.traceEvents.slice(i, i + 10_000).map((e) => JSON.stringify(e)).join(',\n');
    yield i + 10_000 < n ? `${part},\n` : part;
  }
  yield `\n],"metadata":${JSON.stringify(trace.metadata)}}\n`;
}

function shortArg(a: string): string {
  return a.length > 60 ? `…${a.slice(-59)}` : a;
}

/** Reads a recording (ours or any Chrome trace); throws RecordingError with a clear message. */
export function readRecording(text: string): RecordedThread[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RecordingError(`not a recording: the file is not valid JSON (${(e as Error).message})`);
  }
  const events = Array.isArray(parsed) ? parsed : (parsed as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) throw new RecordingError('not a recording: no traceEvents array');
  const threads = new Map<string, RecordedThread & { rows: TraceEvent[] }>();
  const thread = (pid: number, tid: number) => {
    const key = `${pid}:${tid}`;
    let t = threads.get(key);
    if (!t) {
      t = {
        info: { protocolVersion: PROTOCOL_VERSION, pid, ppid: 0, tid: Math.max(0, tid - 1), isMainThread: tid <= 1, nodeVersion: '', argv: [], title: '', startedAt: 0, stallThresholdMs: 50 },
        resourceTypes: [], chunks: [], stalls: [], loop: [], gc: [], paused: [], sites: [], pool: [], poolSaturations: [], gaps: [], dropped: 0, rows: [],
      };
      threads.set(key, t);
    }
    return t;
  };
  const loopAt = new Map<string, LoopSample>();
  for (const raw of events) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as TraceEvent;
    if (typeof e.pid !== 'number' || typeof e.ph !== 'string') continue;
    const t = thread(e.pid, typeof e.tid === 'number' ? e.tid : 1);
    const args = (e.args ?? {}) as Record<string, unknown>;
    const ts = Number(e.ts);
    const dur = Number(e.dur ?? 0);
    if (e.cat === 'loopscope.dispatch' && e.ph === 'X') t.rows.push(e);
    else if (e.cat === 'loopscope.stall') t.stalls.push({ ts, dur, stack: framesOf(args.stack), captured: (args.captured as Stall['captured']) ?? 'none', asyncId: numOrUndef(args.asyncId), resourceType: strOrUndef(args.resourceType), ...contextOf(args.context), ...exactnessOf(args) });
    else if (e.cat === 'loopscope.gc') t.gc.push({ ts, dur, kind: String(args.kind ?? 'other') });
    else if (e.cat === 'loopscope.paused') t.paused.push({ ts, dur });
    else if (e.cat === POOL_CATEGORY) readPoolEvent(e, t.pool, t.poolSaturations);
    else if (e.cat === 'loopscope.gap') t.gaps.push({ ts, dur });
    else if (e.cat === 'loopscope.site') t.sites.push({ asyncId: Number(args.asyncId), ...framesOf([args])[0] });
    else if (e.ph === 'C' && (e.name === 'eventLoopDelay' || e.name === 'eventLoopUtilization')) {
      const key = `${e.pid}:${e.tid}:${ts}`;
      let sample = loopAt.get(key);
      if (!sample) {
        sample = { ts, p50: 0, p99: 0, max: 0, utilization: 0 };
        loopAt.set(key, sample);
        t.loop.push(sample);
      }
      if (e.name === 'eventLoopDelay') Object.assign(sample, { p50: Number(args.p50) || 0, p99: Number(args.p99) || 0, max: Number(args.max) || 0 });
      else {
        sample.utilization = Number(args.utilization) || 0;
        if (Number(args.folded) > 0) sample.folded = Number(args.folded);
      }
    } else if (e.cat === 'loopscope.thread') {
      Object.assign(t.info, pick(args, ['pid', 'ppid', 'tid', 'isMainThread', 'nodeVersion', 'argv', 'title', 'startedAt', 'stallThresholdMs']));
      if (typeof args.endedAt === 'number') t.endedAt = args.endedAt;
    } else if (e.ph === 'M' && e.name === 'thread_name' && typeof args.name === 'string' && !t.info.title) t.info.title = args.name;
  }
  const result: RecordedThread[] = [];
  for (const t of threads.values()) {
    if (t.rows.length === 0 && t.stalls.length === 0 && t.loop.length === 0) continue;
    t.chunks = t.rows.length ? [chunkOfRows(t.rows, t.resourceTypes)] : [];
    const { rows: _rows, ...rest } = t;
    result.push(rest);
  }
  if (events.length > 0 && result.length === 0) throw new RecordingError('not a Loopscope recording: no dispatches, stalls or loop samples in it');
  return result;
}

function chunkOfRows(rows: TraceEvent[], types: string[]): DispatchChunk {
  rows.sort((a, b) => Number(a.ts) - Number(b.ts));
  const ids = new Map<string, number>();
  const n = rows.length;
  const chunk: DispatchChunk = { count: n, typeId: new Uint16Array(n), asyncId: new Float64Array(n), triggerAsyncId: new Float64Array(n), ts: new Float64Array(n), dur: new Float64Array(n) };
  rows.forEach((r, i) => {
    let id = ids.get(r.name);
    if (id === undefined) {
      id = types.length;
      types.push(r.name);
      ids.set(r.name, id);
    }
    const args = (r.args ?? {}) as Record<string, unknown>;
    chunk.typeId[i] = id;
    chunk.asyncId[i] = Number(args.asyncId) || 0;
    chunk.triggerAsyncId[i] = Number(args.triggerAsyncId) || 0;
    chunk.ts[i] = Number(r.ts) || 0;
    chunk.dur[i] = Number(r.dur) || 0;
  });
  return chunk;
}

function framesOf(value: unknown): StackFrame[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
    .map((f) => ({ functionName: String(f.functionName ?? ''), url: String(f.url ?? ''), lineNumber: Number(f.lineNumber) || 0, columnNumber: Number(f.columnNumber) || 0, ...generatedOf(f.generated) }));
}

/** A frame's `generated` position (it was mapped through a source map), when the file has a well-formed one. */
function generatedOf(value: unknown): { generated?: StackFrame['generated'] } {
  if (typeof value !== 'object' || value === null) return {};
  const g = value as Record<string, unknown>;
  if (typeof g.url !== 'string') return {};
  return { generated: { url: g.url, lineNumber: Number(g.lineNumber) || 0, columnNumber: Number(g.columnNumber) || 0 } };
}

const contextOf = (v: unknown): Pick<Stall, 'context'> => {
  const context = readStallContext(v);
  return context ? { context } : {};
};
const numOrUndef = (v: unknown) => (typeof v === 'number' ? v : undefined);
const strOrUndef = (v: unknown) => (typeof v === 'string' ? v : undefined);

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}

/** Reads a recording into `store` as ended sessions; throws RecordingError and then adds nothing. */
export function importRecording(store: SessionStore, text: string): Session[] {
  const threads = readRecording(text);
  return threads.map((t) => {
    const session = store.open(t.info);
    session.resourceTypes.push(...t.resourceTypes);
    session.stalls.push(...t.stalls);
    session.loop.push(...t.loop);
    session.gc.push(...t.gc);
    session.paused.push(...t.paused);
    session.pool.push(...t.pool);
    session.poolSaturations.push(...t.poolSaturations);
    session.gaps.push(...t.gaps);
    for (const site of t.sites) session.sites.set(site.asyncId, site);
    session.droppedByAgent = t.dropped;
    for (const chunk of t.chunks) store.addDispatches(session, chunk);
    const lastChunk = t.chunks[t.chunks.length - 1];
    const end = t.endedAt ?? (lastChunk ? lastChunk.ts[lastChunk.count - 1] + lastChunk.dur[lastChunk.count - 1] : t.info.startedAt);
    store.end(session, end, 'recording');
    return session;
  });
}
