import { DISPATCH_FIELDS, F_ASYNC_ID, F_DUR, F_TRIGGER_ID, F_TS, F_TYPE, PROTOCOL_VERSION, type AgentMessage, type HelloMessage } from '../../agent/protocol';
import { ProtocolError, type DispatchBatch } from './frameDecoder';
import type { DispatchChunk, ThreadInfo } from '../../model/loopData';
import type { Session, SessionStore } from './sessionStore';
import { exactnessOf } from '../../model/stallExactness';
import { noteDropped } from './recordingGaps';

/** Turns a validated hello into thread info, refusing other protocol versions by name. */
export function threadInfoFromHello(hello: HelloMessage): ThreadInfo {
  if (hello.v !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      `agent speaks Loopscope protocol version ${hello.v}, this collector speaks version ${PROTOCOL_VERSION}; use the same Loopscope version for both`,
    );
  }
  const { t: _t, v, ...thread } = hello;
  return { protocolVersion: v, ...thread };
}

/** Copies a decoded batch into a columnar chunk the store keeps. */
export function chunkFromBatch(batch: DispatchBatch, typeCount: number): DispatchChunk {
  const { count, records } = batch;
  const chunk: DispatchChunk = {
    count,
    typeId: new Uint16Array(count),
    asyncId: new Float64Array(count),
    triggerAsyncId: new Float64Array(count),
    ts: new Float64Array(count),
    dur: new Float64Array(count),
  };
  for (let i = 0, o = 0; i < count; i++, o += DISPATCH_FIELDS) {
    const type = records[o + F_TYPE];
    chunk.typeId[i] = type >= 0 && type < typeCount ? type : 0;
    chunk.asyncId[i] = records[o + F_ASYNC_ID];
    chunk.triggerAsyncId[i] = records[o + F_TRIGGER_ID];
    chunk.ts[i] = records[o + F_TS];
    chunk.dur[i] = records[o + F_DUR];
  }
  return chunk;
}

/** Applies one decoded text message to its session. */
export function applyMessage(store: SessionStore, session: Session, m: AgentMessage): void {
  switch (m.t) {
    case 'types':
      for (let i = 0; i < m.names.length; i++) session.resourceTypes[m.from + i] = m.names[i];
      return;
    case 'stall':
      session.stalls.push({ ts: m.ts, dur: m.dur, stack: m.stack, captured: m.captured, asyncId: m.asyncId, resourceType: m.resourceType, ...(m.context ? { context: m.context } : {}), ...exactnessOf(m as unknown as Record<string, unknown>) });
      trimOldest(session.stalls, 10_000);
      break;
    case 'loop':
      session.loop.push(m.folded ? { ts: m.ts, p50: m.p50, p99: m.p99, max: m.max, utilization: m.utilization, folded: m.folded } : { ts: m.ts, p50: m.p50, p99: m.p99, max: m.max, utilization: m.utilization });
      trimOldest(session.loop, 20_000);
      break;
    case 'gc':
      session.gc.push({ ts: m.ts, dur: m.dur, kind: m.kind });
      trimOldest(session.gc, 50_000);
      break;
    case 'paused':
      session.paused.push({ ts: m.ts, dur: m.dur });
      trimOldest(session.paused, 10_000);
      break;
    case 'site':
      session.sites.set(m.asyncId, { asyncId: m.asyncId, functionName: m.functionName, url: m.url, lineNumber: m.lineNumber, columnNumber: m.columnNumber, ...(m.generated ? { generated: m.generated } : {}) });
      if (session.sites.size > 50_000) session.sites.delete(session.sites.keys().next().value as number);
      break;
    case 'pool': {
      const { t: _t, ...sample } = m;
      session.pool.push(sample);
      trimOldest(session.pool, 20_000);
      break;
    }
    case 'poolSaturated': {
      const { t: _t, ...span } = m;
      session.poolSaturations.push(span);
      trimOldest(session.poolSaturations, 10_000);
      break;
    }
    case 'dropped':
      session.droppedByAgent = m.count;
      noteDropped(session);
      break;
    case 'bye':
      store.end(session, m.ts);
      return;
    case 'hello':
      throw new ProtocolError('second hello on one connection');
  }
  store.touch(session);
}

/** Keeps a session's per-kind lists bounded (samples: about half an hour at 100 ms), oldest dropped first. */
function trimOldest<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}
