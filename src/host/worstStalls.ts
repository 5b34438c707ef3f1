/** The longest stalls across sessions, as quick-pick entries that know where to open. */
import type { Stall } from '../../model/loopData';
import type { CountedStalls } from './sessionStalls';
import { sessionLabel } from './sessionLabel';
import { blockingFrame, formatMs, filePathOf } from './stallFlags';

/** One entry of "Loopscope: Show Worst Stalls". */
export interface WorstStall {
  label: string;
  description: string;
  detail: string;
  sessionId: string;
  stall: Stall;
  /** Where to open: the blocking user frame (1-based), if the stall has one. */
  path: string | undefined;
  lineNumber: number;
  columnNumber: number;
}

/** The `limit` longest stalls, longest first. */
export function worstStalls(counted: readonly CountedStalls[], limit = 50): WorstStall[] {
  const all = counted.flatMap(({ session, stalls }) => stalls.map((stall) => ({ session, stall })));
  all.sort((a, b) => b.stall.dur - a.stall.dur);
  return all.slice(0, limit).map(({ session, stall }) => {
    const frame = blockingFrame(stall.stack);
    const path = frame ? filePathOf(frame.url) : undefined;
    const where = frame && path ? `${path.split(/[\\/]/).pop()}:${frame.lineNumber}` : 'no user frame';
    const fn = stall.stack.length === 0 ? '(no stack captured)' : frame?.functionName || stall.stack[0]?.functionName || '(anonymous)';
    return {
      label: `$(warning) ${formatMs(stall.dur)} — ${fn}`,
      description: where,
      detail: `${sessionLabel(session.info)} at ${new Date(stall.ts / 1000).toLocaleTimeString()}${path ? ` — ${path}` : ''}`,
      sessionId: session.id,
      stall,
      path,
      lineNumber: frame?.lineNumber ?? 1,
      columnNumber: frame?.columnNumber ?? 1,
    };
  });
}
