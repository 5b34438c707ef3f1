/** Text for durations, times and source locations, shared by the canvas and the DOM lists. */
import type { StackFrame } from '../model/loopData';

/** A duration in µs as short text: "850 µs", "12.3 ms", "1.25 s". */
export function formatDuration(us: number): string {
  const a = Math.abs(us);
  if (a < 1000) return `${a < 10 ? us.toFixed(1) : Math.round(us)} µs`;
  if (a < 1_000_000) return `${(us / 1000).toFixed(a < 10_000 ? 2 : a < 100_000 ? 1 : 0)} ms`;
  return `${(us / 1_000_000).toFixed(a < 10_000_000 ? 2 : 1)} s`;
}

/** An offset from the start of the recording, with precision that suits the visible span. */
export function formatOffset(us: number, spanUs: number): string {
  if (spanUs < 2_000) return `${(us / 1000).toFixed(3)} ms`;
  if (spanUs < 2_000_000) return `${(us / 1000).toFixed(spanUs < 20_000 ? 2 : spanUs < 200_000 ? 1 : 0)} ms`;
  return `${(us / 1_000_000).toFixed(spanUs < 20_000_000 ? 2 : 1)} s`;
}

/** A file system path for a `file://` URL; other URLs (node:…, absolute paths) unchanged. */
export function pathOfUrl(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    const path = decodeURIComponent(new URL(url).pathname);
    // file:///C:/x → C:/x on Windows paths.
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
  } catch {
    return url.slice('file://'.length);
  }
}

/** "path:line" of a frame. */
export function frameLocation(frame: Pick<StackFrame, 'url' | 'lineNumber'>): string {
  return `${pathOfUrl(frame.url)}:${frame.lineNumber}`;
}

/** Where a frame mapped through a source map actually ran, for tooltips: "ran as path:line:column"; '' when it was not mapped. */
export function generatedNote(frame: Pick<StackFrame, 'generated'>): string {
  const g = frame.generated;
  return g ? `ran as ${pathOfUrl(g.url)}:${g.lineNumber}:${g.columnNumber} (mapped through its source map)` : '';
}

/** "function (path:line:column)" of a frame. */
export function frameLabel(frame: StackFrame): string {
  return `${frame.functionName || '(anonymous)'} (${pathOfUrl(frame.url)}:${frame.lineNumber}:${frame.columnNumber})`;
}

/** The frame that best names the code responsible: the first one outside Node's internals. */
export function culpritFrame(stack: readonly StackFrame[]): StackFrame | undefined {
  return stack.find((f) => f.url && !f.url.startsWith('node:') && !f.url.startsWith('internal/')) ?? stack[0];
}

/** Evenly spaced "nice" tick step (1, 2 or 5 × 10^n µs) for about `targetTicks` ticks over `span`. */
export function tickStep(span: number, targetTicks: number): number {
  const raw = span / Math.max(1, targetTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}
