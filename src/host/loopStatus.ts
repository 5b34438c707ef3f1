/** What the status bar says about the active process's loop: delay p99, utilisation, stalling or paused. */
import type { LoopSample } from '../../model/loopData';
import type { Session } from '../collector/sessionStore';
import { sessionLabel } from './sessionLabel';
import { formatMs } from './stallFlags';

/** A loop that sends no sample for this long while connected is blocked (samples come from its own loop; idle, one a second). */
export const silentLoopUs = 3_000_000;
/** A stall keeps the status red this long after it ended, so that it is seen. */
export const stallHoldUs = 2_000_000;

/** The status bar's state. */
export type LoopState = 'none' | 'ok' | 'stalling' | 'paused' | 'ended';

/** Text, tooltip and state for the status bar item. */
export interface LoopStatus {
  state: LoopState;
  text: string;
  tooltip: string;
}

/** What the status is computed from. */
export interface LoopStatusInput {
  session: Pick<Session, 'live' | 'loop' | 'info' | 'droppedByStore' | 'droppedByAgent'> | undefined;
  /** The end (epoch µs) of the last stall that counts, if any. */
  lastStallEnd: number | undefined;
  paused: boolean;
  nowUs: number;
  thresholdMs: number;
  sessionCount: number;
}

/** Computes the status bar's content. */
export function loopStatus(input: LoopStatusInput): LoopStatus {
  const { session, nowUs } = input;
  if (!session) return { state: 'none', text: '$(pulse) Loopscope', tooltip: 'Loopscope: no process connected. Click to open the timeline.' };
  const last: LoopSample | undefined = session.loop[session.loop.length - 1];
  const dropped = session.droppedByStore + session.droppedByAgent;
  // Dropped data is shown in the text itself, not only the tooltip: the timeline has a gap there.
  const figures = (last ? `p99 ${formatMs(last.p99 * 1000)} · ${Math.round(last.utilization * 100)}%` : 'waiting for samples')
    + (dropped ? ` · ${compactCount(dropped)} dropped` : '');
  const tooltip = [
    `Loopscope — ${sessionLabel(session.info)}`,
    last ? `Loop delay p50 ${formatMs(last.p50 * 1000)}, p99 ${formatMs(last.p99 * 1000)}, max ${formatMs(last.max * 1000)}; utilisation ${Math.round(last.utilization * 100)}%` : 'No loop sample yet',
    `${input.sessionCount} session${input.sessionCount === 1 ? '' : 's'}`,
    ...(dropped ? [`${dropped.toLocaleString('en-US')} events dropped (store limits or agent buffer)`] : []),
    'Click to open the timeline.',
  ].join('\n');
  if (!session.live) return { state: 'ended', text: `$(pulse) ended · ${figures}`, tooltip };
  if (input.paused) return { state: 'paused', text: '$(debug-pause) Loopscope: paused', tooltip };
  if (isStalling(input, last)) return { state: 'stalling', text: `$(warning) stalling · ${figures}`, tooltip };
  return { state: 'ok', text: `$(pulse) ${figures}`, tooltip };
}

/** 1234 → "1.2k", 3_400_000 → "3.4M". */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

/** True while the loop is blocked now or was blocked a moment ago. */
function isStalling(input: LoopStatusInput, last: LoopSample | undefined): boolean {
  const { nowUs, lastStallEnd, thresholdMs, session } = input;
  if (lastStallEnd !== undefined && nowUs - lastStallEnd < stallHoldUs) return true;
  const lastHeard = last?.ts ?? session!.info.startedAt;
  if (last && nowUs - lastHeard > silentLoopUs) return true; // samples stopped: the loop is blocked
  return !!last && nowUs - last.ts < stallHoldUs && last.max >= thresholdMs;
}
