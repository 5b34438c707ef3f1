import type { LogRecord } from '@opentelemetry/api-logs';
import type { StackFrame, Stall } from '../../model/loopData';
import { firstUserFrame, framePath } from '../collector/userFrame';
import type { ThreadAttributes } from './storeMetrics';

/** Event name of a stall's log record. */
export const STALL_EVENT_NAME = 'loopscope.stall';
/** How many frames of the stack a stall event carries. */
export const STALL_EVENT_FRAMES = 8;
/** OpenTelemetry's severity number for WARN (api-logs' SeverityNumber.WARN), without importing its runtime. */
const SEVERITY_WARN = 13;

/** One frame as `function (path:line:column)`. */
export function formatFrame(frame: StackFrame): string {
  return `${frame.functionName || '<anonymous>'} (${framePath(frame)}:${frame.lineNumber}:${frame.columnNumber})`;
}

/**
 * A stall as an OpenTelemetry log record: timestamped when the loop turn began, its duration and
 * the blocking line as attributes (code.* names from the semantic conventions), top frames as a list.
 */
export function stallLogRecord(stall: Stall, thread: ThreadAttributes): LogRecord {
  const user = firstUserFrame(stall.stack);
  const durationMs = Math.round(stall.dur) / 1000;
  const where = user ? `${framePath(user)}:${user.lineNumber}` : undefined;
  const attributes: Record<string, string | number | string[]> = {
    ...thread,
    'loopscope.stall.duration_ms': durationMs,
    'loopscope.stall.captured': stall.captured,
    'loopscope.stall.frames': stall.stack.slice(0, STALL_EVENT_FRAMES).map(formatFrame),
  };
  if (user && where) {
    attributes['loopscope.stall.location'] = where;
    attributes['code.file.path'] = framePath(user);
    attributes['code.line.number'] = user.lineNumber;
    attributes['code.column.number'] = user.columnNumber;
    attributes['code.function.name'] = user.functionName || '<anonymous>';
  }
  if (stall.resourceType) attributes['loopscope.stall.resource_type'] = stall.resourceType;
  return {
    eventName: STALL_EVENT_NAME,
    // Epoch microseconds as [seconds, nanoseconds], keeping the microseconds.
    timestamp: [Math.floor(stall.ts / 1e6), Math.floor((stall.ts % 1e6) * 1000)],
    severityNumber: SEVERITY_WARN,
    severityText: 'WARN',
    body: `event loop blocked ${durationMs.toFixed(1)} ms${where ? ` at ${where}` : ''} (pid ${thread['process.pid']}, thread ${thread['thread.id']})`,
    attributes,
  };
}
