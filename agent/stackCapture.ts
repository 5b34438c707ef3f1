import type { WireFrame } from './protocol';

/**
 * The expression the watchdog evaluates on the blocked thread. The inspector runs it from a
 * V8 interrupt, on top of the blocking code's own frames, so `new Error()` sees exactly the
 * frames that were running (for a JavaScript loop: at once; inside a native call: as soon as it
 * returns, while its caller is still on the stack). prepareStackTrace is swapped only for this
 * synchronous evaluation, so the program never observes it. A frame of code a loader produced in
 * memory is mapped on the spot by the agent's `loopscope.mapRow` (see inMemorySourceMaps.ts).
 */
export const CAPTURE_EXPRESSION = `(() => {
  const prepare = Error.prepareStackTrace, limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const map = globalThis[Symbol.for('loopscope.mapRow')];
  Error.prepareStackTrace = (_e, sites) => sites.map((s) => { const row = [s.getFunctionName() || '', s.getFileName() || '', s.getLineNumber() || 0, s.getColumnNumber() || 0]; return typeof map === 'function' ? map(row) : row; });
  try { return [performance.timeOrigin + performance.now(), new Error().stack]; } finally { Error.prepareStackTrace = prepare; Error.stackTraceLimit = limit; }
})()`;

/** What one capture evaluation returns: when it ran (epoch ms, the blocked thread's clock) and the frames. */
export interface CaptureResult {
  takenAt: number;
  frames: WireFrame[];
}

/** Reads the evaluation's value; undefined when it is not what the expression returns. */
export function readCapture(value: unknown, agentFile: string): CaptureResult | undefined {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'number') return undefined;
  return { takenAt: value[0], frames: withoutAgentFrames(framesFromCapture(value[1]), agentFile) };
}

/**
 * When the interrupt lands inside the agent's own hook, the blocking happened before it (a GC,
 * a preemption, a native call): the agent's frames, what they called and the async_hooks frames
 * that called them are where the interrupt landed, not what blocked, so they are cut.
 */
export function withoutAgentFrames(frames: WireFrame[], agentFile: string): WireFrame[] {
  let last = -1;
  for (let i = 0; i < frames.length; i++) if (frames[i].url === agentFile) last = i;
  if (last < 0) return frames;
  let from = last + 1;
  while (from < frames.length && frames[from].url === 'node:internal/async_hooks') from++;
  return frames.slice(from);
}

/** Turns the evaluation's stack rows into wire frames, dropping the capture's own frames (they have no file). */
export function framesFromCapture(value: unknown): WireFrame[] {
  if (!Array.isArray(value)) return [];
  const frames: WireFrame[] = [];
  for (const row of value) {
    if (!Array.isArray(row) || row.length < 4) continue;
    const [functionName, url, line, column, generatedUrl, generatedLine, generatedColumn] = row as unknown[];
    if (typeof url !== 'string' || url === '') continue;
    frames.push({
      functionName: typeof functionName === 'string' ? functionName : '',
      url,
      lineNumber: Number(line) || 0,
      columnNumber: Number(column) || 0,
      ...(typeof generatedUrl === 'string' ? { generated: { url: generatedUrl, lineNumber: Number(generatedLine) || 0, columnNumber: Number(generatedColumn) || 0 } } : {}),
    });
  }
  return frames;
}
