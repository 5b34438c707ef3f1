/**
 * Node debug sessions of the window: which are running, which process each one debugs, and their
 * pauses (DAP `stopped`/`continued`, which js-debug sends on the child session).
 */
import * as vscode from 'vscode';
import { pidFromDebugSessionName } from '../host/pauseRegistry';
import type { SessionsModel } from '../host/sessionsModel';
import { withTimeout } from '../host/attachExpression';

/** Debug types whose sessions run Node code. */
const trackedTypes = new Set(['pwa-node', 'node', 'node-terminal']);

/** Epoch microseconds now (the agent's clock: same machine, same epoch). */
export const nowUs = (): number => Date.now() * 1000;

/** Tracks Node debug sessions and feeds their pauses to the model. */
export class DebugSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly model: SessionsModel) {
    const factory: vscode.DebugAdapterTrackerFactory = {
      createDebugAdapterTracker: (session) => {
        if (!trackedTypes.has(session.type)) return undefined;
        const tracker = this.model.pauses.tracker(session.id, { pid: pidFromDebugSessionName(session.name) });
        const changed = () => this.model.invalidate();
        return {
          onDidSendMessage: (msg: { type?: string; event?: string }) => {
            const was = tracker.paused;
            tracker.fromAdapter(msg, nowUs());
            if (was !== tracker.paused) changed();
          },
          onWillReceiveMessage: (msg: { type?: string; command?: string }) => {
            const was = tracker.paused;
            tracker.toAdapter(msg, nowUs());
            if (was !== tracker.paused) changed();
          },
          onExit: () => { tracker.end(nowUs()); changed(); },
          onWillStopSession: () => { tracker.end(nowUs()); changed(); },
        };
      },
    };
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('*', factory),
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.sessions.delete(s.id);
        this.model.pauses.end(s.id, nowUs());
        this.model.invalidate();
      }),
    );
    if (vscode.debug.activeDebugSession) this.started(vscode.debug.activeDebugSession);
  }

  /** Running Node debug sessions, children (those that talk to a process) first. */
  list(): vscode.DebugSession[] {
    return [...this.sessions.values()].sort((a, b) => Number(!!b.parentSession) - Number(!!a.parentSession));
  }

  /** A running Node debug session by id. */
  byId(id: string): vscode.DebugSession | undefined {
    return this.sessions.get(id);
  }

  /** The child sessions of `session` (or itself when it is one). */
  processSessionsOf(session: vscode.DebugSession): vscode.DebugSession[] {
    if (session.parentSession) return [session];
    return this.list().filter((s) => s.parentSession?.id === session.id);
  }

  private started(session: vscode.DebugSession): void {
    if (!trackedTypes.has(session.type)) return;
    this.sessions.set(session.id, session);
    if (!session.parentSession) return;
    // The child session talks to one process: learn its pid when the name does not say it.
    if (pidFromDebugSessionName(session.name) !== undefined) return;
    withTimeout(session.customRequest('evaluate', { expression: 'process.pid', context: 'repl' }), 5000, 'evaluate process.pid').then(
      (r: { result?: string }) => {
        const pid = Number(r?.result);
        if (Number.isInteger(pid)) this.model.pauses.setTarget(session.id, { pid });
      },
      () => undefined, // unknown target: its pauses apply to every thread
    );
  }

  /** Stops tracking. */
  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
