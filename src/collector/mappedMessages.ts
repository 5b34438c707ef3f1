/** The frames an agent message carries, and the message with them mapped to original sources. */
import type { AgentMessage, WireFrame } from '../../agent/protocol';
import type { StackFrame } from '../../model/loopData';
import type { SourceMapper } from './sourceMapper';

/** The stack frames of a stall or the frame of a callback site; undefined for other messages. */
export function framesOf(message: AgentMessage): readonly StackFrame[] | undefined {
  if (message.t === 'stall') return message.stack;
  if (message.t === 'site') return [message];
  return undefined;
}

/** The message with its frames mapped through what `mapper` has looked up (other messages unchanged). */
export function withMappedFrames(message: AgentMessage, mapper: SourceMapper): AgentMessage {
  if (message.t === 'stall') return { ...message, stack: mapper.map(message.stack.map(checkedGenerated)) };
  if (message.t === 'site') {
    const { t, asyncId, ...frame } = message;
    return { t, asyncId, ...mapper.mapFrame(checkedGenerated(frame)) };
  }
  return message;
}

/** A frame whose agent-given `generated` position is well formed, or the frame without it. */
function checkedGenerated(frame: WireFrame): WireFrame {
  const g = frame.generated;
  if (g === undefined) return frame;
  if (typeof g === 'object' && g !== null && typeof g.url === 'string' && Number.isFinite(g.lineNumber) && Number.isFinite(g.columnNumber)) return frame;
  const { generated: _dropped, ...rest } = frame;
  return rest;
}
