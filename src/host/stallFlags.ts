/**
 * Turning stalls into per-line editor flags: each stall is charged to the top frame of its stack
 * that is user code, and the stalls of one line are summed up into one flag.
 */
import { fileURLToPath } from 'node:url';
import type { Stall, StackFrame } from '../../model/loopData';
import { isLibraryFrame } from '../collector/userFrame';

/** A line of user code that blocked the event loop, with every stall charged to it. */
export interface LineFlag {
  /** Absolute file-system path of the file. */
  path: string;
  /** 1-based line and column of the blocking frame (of the longest stall). */
  lineNumber: number;
  columnNumber: number;
  count: number;
  /** Longest and total blocked time, microseconds. */
  maxDur: number;
  totalDur: number;
  /** The longest stall on this line, whose stack the hover shows. */
  worst: Stall;
  /** Ids of the sessions whose stalls are counted here. */
  sessionIds: string[];
}

/** Stalls of one session, already stripped of those that overlap a debugger pause. */
export interface SessionStalls {
  sessionId: string;
  stalls: readonly Stall[];
}

/** The absolute path of a frame's script, or undefined when it is not a file on disk (node:, eval, http…). */
export function filePathOf(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return url;
  return undefined;
}

/** The top frame of a stack that is user code on disk (not Node's internals, a dependency or the agent): the line to flag. */
export function blockingFrame(stack: readonly StackFrame[]): StackFrame | undefined {
  return stack.find((f) => !isLibraryFrame(f) && filePathOf(f.url) !== undefined);
}

/** Sums stalls up into one flag per blocking line, worst (longest) first. */
export function aggregateStallFlags(sessions: readonly SessionStalls[]): LineFlag[] {
  const byLine = new Map<string, LineFlag>();
  for (const { sessionId, stalls } of sessions) {
    for (const stall of stalls) {
      const frame = blockingFrame(stall.stack);
      if (!frame) continue;
      const path = filePathOf(frame.url)!;
      const key = `${path}\n${frame.lineNumber}`;
      const flag = byLine.get(key);
      if (!flag) {
        byLine.set(key, { path, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber, count: 1,
          maxDur: stall.dur, totalDur: stall.dur, worst: stall, sessionIds: [sessionId] });
        continue;
      }
      flag.count++;
      flag.totalDur += stall.dur;
      if (stall.dur > flag.maxDur) {
        flag.maxDur = stall.dur;
        flag.worst = stall;
        flag.columnNumber = frame.columnNumber;
      }
      if (!flag.sessionIds.includes(sessionId)) flag.sessionIds.push(sessionId);
    }
  }
  return [...byLine.values()].sort((a, b) => b.maxDur - a.maxDur);
}

/** Milliseconds for people: whole above 10 ms, one decimal below. */
export function formatMs(us: number): string {
  const ms = us / 1000;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** The diagnostic message of a flag, e.g. "blocked the event loop 3× (max 312 ms)". */
export function flagMessage(flag: Pick<LineFlag, 'count' | 'maxDur'>): string {
  return `blocked the event loop ${flag.count}× (max ${formatMs(flag.maxDur)})`;
}

/** One line per frame, `functionName (file:line:column)`, for hovers and tooltips. */
export function formatStack(stack: readonly StackFrame[]): string[] {
  return stack.map((f) => `${f.functionName || '(anonymous)'} (${filePathOf(f.url) ?? f.url}:${f.lineNumber}:${f.columnNumber})${generatedSuffix(f)}`);
}

/** For a frame mapped through a source map: where it ran, e.g. " [ran as /app/dist/x.js:12:5]". */
function generatedSuffix(f: StackFrame): string {
  const g = f.generated;
  return g ? ` [ran as ${filePathOf(g.url) ?? g.url}:${g.lineNumber}:${g.columnNumber}]` : '';
}
