/** The stalls of each session that count: those that did not overlap a debugger pause. */
import type { Stall } from '../../model/loopData';
import type { Session } from '../collector/sessionStore';
import type { ThreadPauses } from './pauseRegistry';
import { stallsOutsidePauses } from './pauseTracker';

/** A session's stalls split into those reported and those dropped because the thread was paused. */
export interface CountedStalls {
  session: Session;
  stalls: Stall[];
  droppedWhilePaused: number;
}

/** Filters every session's stalls by the agent's own pauses and the debugger's. */
export function countedStalls(sessions: readonly Session[], pausesFor: (s: Session) => ThreadPauses): CountedStalls[] {
  return sessions.map((session) => {
    const pauses = pausesFor(session);
    const stalls = stallsOutsidePauses(session.stalls, [...session.paused, ...pauses.intervals], pauses.openSince);
    return { session, stalls, droppedWhilePaused: session.stalls.length - stalls.length };
  });
}
