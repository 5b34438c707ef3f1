/**
 * Debugger pauses seen on the Debug Adapter Protocol, so that time a developer spends at a
 * breakpoint is shown as paused and never reported as a stall. Times are epoch microseconds.
 */
import type { PausedInterval, Stall } from '../../model/loopData';

/** A DAP message as a tracker sees it (only the fields read here). */
export interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
}

/** Requests that resume a paused debuggee (the adapter need not send `continued` for them). */
const resumingRequests = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restartFrame']);

/** Events after which the debuggee no longer runs under this session. */
const endingEvents = new Set(['terminated', 'exited']);

/** The pause state of one debug session. */
export class PauseTracker {
  private readonly closed: PausedInterval[] = [];
  private openSince: number | undefined;

  /** Feeds a message sent by the debug adapter (`stopped`, `continued`, `terminated`…). */
  fromAdapter(msg: DapMessage, nowUs: number): void {
    if (msg.type !== 'event') return;
    if (msg.event === 'stopped') this.pause(nowUs);
    else if (msg.event === 'continued' || endingEvents.has(msg.event ?? '')) this.resume(nowUs);
  }

  /** Feeds a message sent to the debug adapter (a resuming request resumes at once). */
  toAdapter(msg: DapMessage, nowUs: number): void {
    if (msg.type === 'request' && resumingRequests.has(msg.command ?? '')) this.resume(nowUs);
  }

  /** Marks the session gone; an open pause ends now. */
  end(nowUs: number): void {
    this.resume(nowUs);
  }

  /** True while the debuggee is paused. */
  get paused(): boolean {
    return this.openSince !== undefined;
  }

  /** Finished pauses, oldest first. */
  closedIntervals(): readonly PausedInterval[] {
    return this.closed;
  }

  /** All pauses; an open one runs to `nowUs`. */
  intervals(nowUs: number): PausedInterval[] {
    const all = [...this.closed];
    if (this.openSince !== undefined) all.push({ ts: this.openSince, dur: Math.max(0, nowUs - this.openSince) });
    return all;
  }

  /** Drops finished pauses (the sessions they applied to were cleared). */
  forgetClosed(): void {
    this.closed.length = 0;
  }

  /** The start of the pause in progress, if any. */
  get pausedSince(): number | undefined {
    return this.openSince;
  }

  private pause(nowUs: number): void {
    // A second `stopped` (e.g. another thread) while paused extends the same interval.
    if (this.openSince === undefined) this.openSince = nowUs;
  }

  private resume(nowUs: number): void {
    if (this.openSince === undefined) return;
    this.closed.push({ ts: this.openSince, dur: Math.max(0, nowUs - this.openSince) });
    this.openSince = undefined;
  }
}

/** Slack around a pause, for the delay between the debuggee pausing and the DAP event reaching us. */
export const pauseSlackUs = 50_000;

/** True when the stall overlaps a paused interval (open intervals are given with their current length). */
export function overlapsPause(stall: Pick<Stall, 'ts' | 'dur'>, intervals: readonly PausedInterval[], openSince?: number, slackUs = pauseSlackUs): boolean {
  const start = stall.ts, end = stall.ts + stall.dur;
  if (openSince !== undefined && end >= openSince - slackUs) return true;
  return intervals.some((p) => start <= p.ts + p.dur + slackUs && end >= p.ts - slackUs);
}

/** The stalls that did not happen while a debugger held the thread paused. */
export function stallsOutsidePauses<T extends Pick<Stall, 'ts' | 'dur'>>(stalls: readonly T[], intervals: readonly PausedInterval[], openSince?: number): T[] {
  if (intervals.length === 0 && openSince === undefined) return [...stalls];
  return stalls.filter((s) => !overlapsPause(s, intervals, openSince));
}
