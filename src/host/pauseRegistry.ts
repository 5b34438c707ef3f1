/** Debug sessions' pause trackers, and which process thread each one debugs. */
import type { PausedInterval } from '../../model/loopData';
import { PauseTracker } from './pauseTracker';

/** The process (and thread, when known) a debug session debugs; unknown parts match every thread. */
export interface DebugTarget {
  pid?: number;
  tid?: number;
}

/** The pauses that apply to one thread: finished ones, and the start of one in progress. */
export interface ThreadPauses {
  intervals: PausedInterval[];
  openSince?: number;
}

/** One row of the state snapshot's `pausedIntervals`. */
export interface PauseRecord extends PausedInterval {
  debugSessionId: string;
  pid?: number;
  tid?: number;
  open: boolean;
}

/** js-debug names its child sessions `script.js [pid]`; the pid is read from there. */
export function pidFromDebugSessionName(name: string): number | undefined {
  const m = /\[(\d+)\]/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Pause trackers keyed by debug session id. */
export class PauseRegistry {
  private readonly entries = new Map<string, { tracker: PauseTracker; target: DebugTarget }>();

  /** The tracker of a debug session, created on first use. */
  tracker(debugSessionId: string, target: DebugTarget = {}): PauseTracker {
    let entry = this.entries.get(debugSessionId);
    if (!entry) {
      entry = { tracker: new PauseTracker(), target };
      this.entries.set(debugSessionId, entry);
    }
    return entry.tracker;
  }

  /** Records what the debug session debugs, once it is known. */
  setTarget(debugSessionId: string, target: DebugTarget): void {
    const entry = this.entries.get(debugSessionId);
    if (entry) entry.target = { ...entry.target, ...target };
    else this.tracker(debugSessionId, target);
  }

  /** True while any debug session that may debug this thread is paused. */
  isPaused(pid: number, tid: number): boolean {
    return this.matching(pid, tid).some((e) => e.tracker.paused);
  }

  /** The pauses that apply to a thread. */
  forThread(pid: number, tid: number): ThreadPauses {
    const intervals: PausedInterval[] = [];
    let openSince: number | undefined;
    for (const { tracker } of this.matching(pid, tid)) {
      intervals.push(...tracker.closedIntervals());
      const since = tracker.pausedSince;
      if (since !== undefined) openSince = openSince === undefined ? since : Math.min(openSince, since);
    }
    intervals.sort((a, b) => a.ts - b.ts);
    return { intervals, openSince };
  }

  /** Every pause, for the state snapshot. */
  records(nowUs: number): PauseRecord[] {
    const out: PauseRecord[] = [];
    for (const [debugSessionId, { tracker, target }] of this.entries) {
      const open = tracker.pausedSince;
      for (const p of tracker.intervals(nowUs)) {
        out.push({ debugSessionId, ...target, ts: p.ts, dur: p.dur, open: p.ts === open });
      }
    }
    return out;
  }

  /** Ends a debug session's open pause; its finished pauses stay (stalls received later still need them). */
  end(debugSessionId: string, nowUs: number): void {
    this.entries.get(debugSessionId)?.tracker.end(nowUs);
  }

  /** Forgets every pause (with "clear sessions"). */
  clear(): void {
    for (const e of this.entries.values()) e.tracker.forgetClosed();
  }

  private matching(pid: number, tid: number) {
    return [...this.entries.values()].filter(({ target }) => (target.pid === undefined || target.pid === pid) && (target.tid === undefined || target.tid === tid));
  }
}
