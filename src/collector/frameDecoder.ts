import {
  DISPATCH_FIELDS,
  DISPATCH_FRAME_MAGIC,
  DISPATCH_HEADER,
  MAX_FRAME_BYTES,
  type AgentMessage,
  type WireFrame,
} from '../../agent/protocol';

/** A frame that breaks the protocol; the collector closes that one connection. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** A decoded binary frame: `count` records of DISPATCH_FIELDS float64s each. */
export interface DispatchBatch {
  count: number;
  records: Float64Array;
}

/** Decodes a binary dispatch frame, validating its header and size. */
export function decodeDispatchFrame(data: Uint8Array): DispatchBatch {
  if (data.byteLength > MAX_FRAME_BYTES) throw new ProtocolError(`frame of ${data.byteLength} bytes exceeds ${MAX_FRAME_BYTES}`);
  if (data.byteLength % 8 !== 0 || data.byteLength < DISPATCH_HEADER * 8) throw new ProtocolError('binary frame is not a dispatch batch');
  // Copy when unaligned: a Float64Array view needs an 8-byte-aligned offset.
  const aligned = data.byteOffset % 8 === 0 ? data : new Uint8Array(data);
  const floats = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
  if (floats[0] !== DISPATCH_FRAME_MAGIC) throw new ProtocolError('binary frame has an unknown header');
  const count = floats[1];
  if (!Number.isInteger(count) || count < 0 || DISPATCH_HEADER + count * DISPATCH_FIELDS !== floats.length) {
    throw new ProtocolError('binary frame record count does not match its length');
  }
  return { count, records: floats.subarray(DISPATCH_HEADER) };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function isFrame(v: unknown): v is WireFrame {
  const f = v as WireFrame;
  return typeof v === 'object' && v !== null && isStr(f.functionName) && isStr(f.url) && isNum(f.lineNumber) && isNum(f.columnNumber);
}

/** Decodes and validates one text frame; throws ProtocolError on anything unexpected. */
export function decodeTextFrame(text: string): AgentMessage {
  if (text.length > MAX_FRAME_BYTES) throw new ProtocolError('text frame too large');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('text frame is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError('text frame is not an object');
  const m = value as Record<string, unknown>;
  const bad = (what: string) => new ProtocolError(`malformed ${String(m.t)} message: ${what}`);
  switch (m.t) {
    case 'hello':
      if (!isNum(m.v)) throw bad('v');
      if (!isNum(m.pid) || !isNum(m.tid) || !isNum(m.ppid) || !isNum(m.startedAt) || !isNum(m.stallThresholdMs)) throw bad('ids');
      if (typeof m.isMainThread !== 'boolean' || !isStr(m.nodeVersion) || !isStr(m.title)) throw bad('thread');
      if (!Array.isArray(m.argv) || !m.argv.every(isStr)) throw bad('argv');
      if (m.serviceName !== undefined && !isStr(m.serviceName)) throw bad('serviceName');
      return m as unknown as AgentMessage;
    case 'types':
      if (!isNum(m.from) || m.from < 0 || !Number.isInteger(m.from) || m.from > 65535) throw bad('from');
      if (!Array.isArray(m.names) || !m.names.every(isStr) || m.from + m.names.length > 65536) throw bad('names');
      return m as unknown as AgentMessage;
    case 'stall':
      if (!isNum(m.ts) || !isNum(m.dur) || m.dur < 0) throw bad('time');
      if (!Array.isArray(m.stack) || !m.stack.every(isFrame)) throw bad('stack');
      if (m.captured !== 'interrupt' && m.captured !== 'profile' && m.captured !== 'none') throw bad('captured');
      if (m.asyncId !== undefined && !isNum(m.asyncId)) throw bad('asyncId');
      if (m.resourceType !== undefined && !isStr(m.resourceType)) throw bad('resourceType');
      if (m.exact !== undefined && typeof m.exact !== 'boolean') throw bad('exact');
      if (m.heldMs !== undefined && !isNum(m.heldMs)) throw bad('heldMs');
      if (m.approxReason !== undefined && !isStr(m.approxReason)) throw bad('approxReason');
      return m as unknown as AgentMessage;
    case 'loop':
      if (![m.ts, m.p50, m.p99, m.max, m.utilization].every(isNum)) throw bad('numbers');
      if (m.folded !== undefined && !(isNum(m.folded) && m.folded >= 0)) throw bad('folded');
      return m as unknown as AgentMessage;
    case 'gc':
      if (!isNum(m.ts) || !isNum(m.dur) || !isStr(m.kind)) throw bad('fields');
      return m as unknown as AgentMessage;
    case 'paused':
      if (!isNum(m.ts) || !isNum(m.dur)) throw bad('fields');
      return m as unknown as AgentMessage;
    case 'site':
      if (!isNum(m.asyncId) || !isFrame(m)) throw bad('fields');
      return m as unknown as AgentMessage;
    case 'dropped':
      if (!isNum(m.count) || m.count < 0) throw bad('count');
      return m as unknown as AgentMessage;
    case 'pool':
      if (![m.ts, m.inFlight, m.size, m.queued, m.completed, m.maxWaitMs, m.p50WaitMs].every(isNum)) throw bad('numbers');
      return m as unknown as AgentMessage;
    case 'poolSaturated':
      if (![m.ts, m.dur, m.peak, m.size, m.maxWaitMs].every(isNum) || (m.dur as number) < 0) throw bad('numbers');
      return m as unknown as AgentMessage;
    case 'bye':
      if (!isNum(m.ts)) throw bad('ts');
      return m as unknown as AgentMessage;
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(String(m.t)).slice(0, 40)}`);
  }
}
