import type { WireFrame } from './protocol';

/**
 * The expression the watchdog evaluates on the blocked thread. The inspector runs it from a
 * V8 interrupt, on top of the blocking code's own frames, so `new Error()` sees exactly the
 * frames that were running (for a JavaScript loop: at once; inside a native call: as soon as it
 * returns, while its caller is still on the stack). prepareStackTrace is swapped only for this
 * synchronous evaluation, so the program never observes it.
 */
export const CAPTURE_EXPRESSION = `(() => {
  const prepare = Error.prepareStackTrace, limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  Error.prepareStackTrace = (_e, sites) => sites.map((s) => [s.getFunctionName() || '', s.getFileName() || '', s.getLineNumber() || 0, s.getColumnNumber() || 0]);
  try { return new Error().stack; } finally { Error.prepareStackTrace = prepare; Error.stackTraceLimit = limit; }
})()`;

/** Turns the evaluation's rows into wire frames, dropping the capture's own frames (they have no file). */
export function framesFromCapture(value: unknown): WireFrame[] {
  if (!Array.isArray(value)) return [];
  const frames: WireFrame[] = [];
  for (const row of value) {
    if (!Array.isArray(row) || row.length < 4) continue;
    const [functionName, url, line, column] = row as [unknown, unknown, unknown, unknown];
    if (typeof url !== 'string' || url === '') continue;
    frames.push({
      functionName: typeof functionName === 'string' ? functionName : '',
      url,
      lineNumber: Number(line) || 0,
      columnNumber: Number(column) || 0,
    });
  }
  return frames;
}
