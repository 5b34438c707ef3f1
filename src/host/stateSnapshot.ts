/** The JSON snapshot `loopscope.getState` returns (docs/CONTRACTS.md), for tests that drive a real VS Code. */
import type { LineFlag } from './stallFlags';
import { firstUserFrame } from '../collector/userFrame';
import { blockingFrame, flagMessage } from './stallFlags';
import type { CountedStalls } from './sessionStalls';
import type { PauseRecord } from './pauseRegistry';

/** One session in the snapshot. */
export interface SessionState {
  id: string;
  pid: number;
  tid: number;
  title: string;
  live: boolean;
  eventCount: number;
  droppedByAgent: number;
  droppedByStore: number;
  endReason?: string;
  /** Stalls that count (not overlapping a pause), each at its blocking user line; `ts` epoch µs, `dur` µs, `durMs` ms. */
  stalls: { url: string; lineNumber: number; ts: number; dur: number; durMs: number }[];
  /** Stalls dropped because a debugger held the thread paused. */
  stallsDroppedWhilePaused: number;
}

/** One Problems-panel entry in the snapshot. */
export interface DiagnosticState {
  path: string;
  lineNumber: number;
  message: string;
  severity: 'warning';
}

/** The whole snapshot. */
export interface StateSnapshot {
  collectorUrl: string | undefined;
  sessions: SessionState[];
  pausedIntervals: PauseRecord[];
  diagnostics: DiagnosticState[];
  warnings: string[];
  terminalReporting: boolean;
  timelineOpen: boolean;
  /** Name of the recording shown in the timeline, if one was opened. */
  recording: string | undefined;
}

/** Inputs of the snapshot, gathered by the extension. */
export interface SnapshotInput {
  collectorUrl: string | undefined;
  counted: readonly CountedStalls[];
  flags: readonly LineFlag[];
  pauses: PauseRecord[];
  warnings: readonly string[];
  terminalReporting: boolean;
  timelineOpen: boolean;
  recording: string | undefined;
}

/** Builds the JSON-serialisable snapshot. */
export function stateSnapshot(input: SnapshotInput): StateSnapshot {
  return {
    collectorUrl: input.collectorUrl,
    sessions: input.counted.map(({ session, stalls, droppedWhilePaused }) => ({
      id: session.id,
      pid: session.info.pid,
      tid: session.info.tid,
      title: session.info.title,
      live: session.live,
      eventCount: session.eventCount,
      droppedByAgent: session.droppedByAgent,
      droppedByStore: session.droppedByStore,
      endReason: session.endReason,
      stalls: stalls.map((s) => {
        const frame = blockingFrame(s.stack) ?? firstUserFrame(s.stack) ?? s.stack[0];
        return { url: frame?.url ?? '', lineNumber: frame?.lineNumber ?? 0, ts: s.ts, dur: s.dur, durMs: s.dur / 1000 };
      }),
      stallsDroppedWhilePaused: droppedWhilePaused,
    })),
    pausedIntervals: input.pauses,
    diagnostics: input.flags.map((f) => ({ path: f.path, lineNumber: f.lineNumber, message: flagMessage(f), severity: 'warning' as const })),
    warnings: [...input.warnings],
    terminalReporting: input.terminalReporting,
    timelineOpen: input.timelineOpen,
    recording: input.recording,
  };
}
