/**
 * Everything the editor features read: the live store, an opened recording's sessions, the
 * debugger's pauses and the collector's warnings, with one throttled `changed` event.
 */
import { EventEmitter } from 'node:events';
import type { Session, SessionStore } from '../collector/sessionStore';
import type { ThreadPauses } from './pauseRegistry';
import { PauseRegistry } from './pauseRegistry';
import { countedStalls, type CountedStalls } from './sessionStalls';
import { aggregateStallFlags, type LineFlag } from './stallFlags';

/** Warnings kept for the state snapshot (the newest). */
const maxWarnings = 50;

/** Events of the model. */
export interface SessionsModelEvents {
  /** Something changed; emitted at most once per throttle period. */
  changed: [];
  /** A warning from the collector or the extension, to show once. */
  warning: [string];
}

/** The sessions shown in the editor, and the stall flags derived from them. */
export class SessionsModel extends EventEmitter<SessionsModelEvents> {
  readonly pauses = new PauseRegistry();
  readonly warnings: string[] = [];
  private recording: { name: string; sessions: Session[] } | undefined;
  private cache: { counted: CountedStalls[]; flags: LineFlag[] } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly store: SessionStore, private readonly throttleMs = 250) {
    super();
    const onStore = () => this.invalidate();
    for (const e of ['added', 'updated', 'ended', 'cleared'] as const) store.on(e, onStore);
  }

  /** Live sessions first, then those of the opened recording. */
  sessions(): Session[] {
    return [...this.store.list(), ...(this.recording?.sessions ?? [])];
  }

  /** The debugger pauses that apply to a session's thread (recordings carry their own). */
  pausesFor(session: Session): ThreadPauses {
    if (this.recording?.sessions.includes(session)) return { intervals: [] };
    return this.pauses.forThread(session.info.pid, session.info.tid);
  }

  /** Each session's stalls that count (not during a pause). */
  counted(): CountedStalls[] {
    return this.derived().counted;
  }

  /** One flag per blocking user line, worst first. */
  flags(): LineFlag[] {
    return this.derived().flags;
  }

  /** The opened recording's name, if any. */
  get recordingName(): string | undefined {
    return this.recording?.name;
  }

  /** Shows a recording's sessions beside the live ones (replacing a previous recording). */
  setRecording(name: string, sessions: Session[]): void {
    this.recording = { name, sessions };
    this.invalidate();
  }

  /** Records a warning and announces it. */
  warn(message: string): void {
    this.warnings.push(message);
    if (this.warnings.length > maxWarnings) this.warnings.shift();
    this.emit('warning', message);
  }

  /** Forgets every session, the recording and finished pauses; flags clear with them. */
  clear(): void {
    this.recording = undefined;
    this.pauses.clear();
    this.store.clear();
    this.invalidate();
  }

  /** Marks derived data stale and schedules one `changed` (pauses call this too). */
  invalidate(): void {
    this.cache = undefined;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emit('changed');
    }, this.throttleMs);
  }

  /** Stops the pending `changed`. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.removeAllListeners();
  }

  private derived() {
    if (!this.cache) {
      const counted = countedStalls(this.sessions(), (s) => this.pausesFor(s));
      const flags = aggregateStallFlags(counted.map((c) => ({ sessionId: c.session.id, stalls: c.stalls })));
      this.cache = { counted, flags };
    }
    return this.cache;
  }
}
