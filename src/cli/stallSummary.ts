import path from 'node:path';
import type { Session } from '../collector/sessionStore';
import type { Stall } from '../../model/loopData';
import { firstUserFrame, framePath } from '../collector/userFrame';
import { sortedGc, stallWords, withGc } from '../../model/stallContext';

/** A stall with the session it happened in. */
export interface RankedStall {
  stall: Stall;
  session: Session;
  /** `file:line` of the blocking user frame, or a description when no stack was taken. */
  where: string;
}

/** Where a stall blocked, as `path:line:column` relative to `cwd` when inside it. */
export function stallLocation(stall: Stall, cwd: string): string {
  const frame = firstUserFrame(stall.stack);
  if (!frame) {
    const top = stall.stack[0];
    if (top) return `(no user code on the stack; top: ${top.functionName || '<anonymous>'} ${top.url}:${top.lineNumber})`;
    return stall.resourceType ? `(no stack; in a ${stall.resourceType} callback)` : '(no stack)';
  }
  const file = framePath(frame);
  const shown = path.isAbsolute(file) && file.startsWith(cwd + path.sep) ? path.relative(cwd, file) : file;
  return `${shown}:${frame.lineNumber}:${frame.columnNumber}`;
}

/** Every stall of the sessions, longest first. */
export function rankStalls(sessions: readonly Session[], cwd: string): RankedStall[] {
  const all: RankedStall[] = [];
  for (const session of sessions) for (const stall of session.stalls) all.push({ stall, session, where: stallLocation(stall, cwd) });
  return all.sort((a, b) => b.stall.dur - a.stall.dur);
}

/** The short report printed when a recording ends. */
export function formatSummary(sessions: readonly Session[], file: string, cwd: string, top = 5): string {
  const ranked = rankStalls(sessions, cwd);
  const processes = new Set(sessions.map((s) => s.info.pid)).size;
  const events = sessions.reduce((n, s) => n + s.eventCount, 0);
  const dropped = sessions.reduce((n, s) => n + s.droppedByAgent + s.droppedByStore, 0);
  const lines = [
    `loopscope: ${processes} process${processes === 1 ? '' : 'es'}, ${sessions.length} thread${sessions.length === 1 ? '' : 's'}, ${events} callbacks, ${ranked.length} stall${ranked.length === 1 ? '' : 's'}${dropped ? `, ${dropped} events dropped` : ''} → ${file}`,
  ];
  for (const r of ranked.slice(0, top)) {
    const words = stallWords(r.stall, withGc(r.stall, sortedGc(r.session.gc)));
    lines.push(`  ${(r.stall.dur / 1000).toFixed(1).padStart(8)} ms  ${r.where}${r.stall.exact === false ? ' (approximate)' : ''}  (pid ${r.session.info.pid}${r.session.info.isMainThread ? '' : ` thread ${r.session.info.tid}`})${words.length ? `  ${words.join(', ')}` : ''}`);
  }
  if (ranked.length > top) lines.push(`  … and ${ranked.length - top} more`);
  return lines.join('\n');
}
