/**
 * Gaps in a recording. When an agent loses its collector (killed, restarted) it keeps a bounded
 * backlog and sends it after reconnecting; when the outage outlasts the backlog, the oldest
 * dispatches are dropped (the agent counts them). The time between the last dispatch received
 * before the break and the first one received after it is then what the recording does not
 * cover: it is kept as a gap ("not recorded"), so that it is never drawn as an idle loop.
 * A break that lost nothing (the backlog held it all; the dropped count did not rise) records no
 * gap. What was in flight in the socket at the moment of the break (milliseconds) is not marked.
 */
import type { DispatchChunk, RecordingGap } from '../../model/loopData';
import type { Session } from './sessionStore';

/** Gaps kept per session (oldest dropped first). */
const MAX_GAPS = 1000;
/** The shortest silence counted as a gap, µs. */
const MIN_GAP_US = 250_000;

/** A break being measured: the agent's dropped count before it, and the silence once data came back. */
interface OpenBreak {
  droppedBefore: number;
  candidate?: RecordingGap;
}
const breaks = new WeakMap<Session, OpenBreak>();

/** The latest end of a dispatch received for the session. */
function lastDispatchEnd(session: Session): number {
  let last = session.info.startedAt;
  const chunk = session.chunks[session.chunks.length - 1];
  if (chunk) for (let i = 0; i < chunk.count; i++) last = Math.max(last, chunk.ts[i] + chunk.dur[i]);
  return last;
}

/** The earliest start in a chunk (its rows are in completion order, not start order). */
export function earliestTs(chunk: DispatchChunk): number {
  let min = Infinity;
  for (let i = 0; i < chunk.count; i++) if (chunk.ts[i] < min) min = chunk.ts[i];
  return min;
}

/** The agent of a session that ended without goodbye reconnected: a possible gap starts where its dispatches stopped. */
export function openGap(session: Session): void {
  session.gapFrom = lastDispatchEnd(session);
  breaks.set(session, { droppedBefore: session.droppedByAgent });
}

/** The first dispatches after a reconnection start at `ts`: the silence ends there. */
export function closeGap(session: Session, ts: number): void {
  const from = session.gapFrom;
  const open = breaks.get(session);
  session.gapFrom = undefined;
  if (from === undefined || !open) return;
  if (ts - from > MIN_GAP_US) open.candidate = { ts: from, dur: ts - from };
  else breaks.delete(session);
  noteDropped(session);
}

/** The agent's dropped count changed: a silence across a break during which it dropped data is a gap. */
export function noteDropped(session: Session): void {
  const open = breaks.get(session);
  if (!open?.candidate || session.droppedByAgent <= open.droppedBefore) return;
  breaks.delete(session);
  session.gaps.push(open.candidate);
  if (session.gaps.length > MAX_GAPS) session.gaps.splice(0, session.gaps.length - MAX_GAPS);
}
