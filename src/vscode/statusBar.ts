/** The status bar item: the active process's loop delay p99 and utilisation, red while it stalls. */
import * as vscode from 'vscode';
import type { Session } from '../collector/sessionStore';
import { loopStatus } from '../host/loopStatus';
import type { SessionsModel } from '../host/sessionsModel';
import { nowUs } from './debugSessions';
import type { Settings } from './settings';

/** Refresh period while a process is live (the "samples stopped" check needs time to pass). */
const tickMs = 500;

/** Shows the loop state of the most recent live process. */
export class LoopStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('loopscope.loop', vscode.StatusBarAlignment.Left, 50);
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly model: SessionsModel, private readonly settings: () => Settings) {
    this.item.name = 'Loopscope event loop';
    this.item.command = 'loopscope.openTimeline';
    model.on('changed', () => this.update());
    this.timer = setInterval(() => this.update(), tickMs);
    this.update();
  }

  /** The session the status is about: the newest live main thread, else the newest session. */
  activeSession(): Session | undefined {
    const sessions = this.model.store.list();
    const live = sessions.filter((s) => s.live);
    return live.filter((s) => s.info.isMainThread).pop() ?? live.pop() ?? sessions.pop();
  }

  private update(): void {
    const session = this.activeSession();
    const counted = session ? this.model.counted().find((c) => c.session === session) : undefined;
    const last = counted?.stalls[counted.stalls.length - 1];
    const status = loopStatus({
      session,
      lastStallEnd: last ? last.ts + last.dur : undefined,
      paused: session ? this.model.pauses.isPaused(session.info.pid, session.info.tid) : false,
      nowUs: nowUs(),
      thresholdMs: session?.info.stallThresholdMs ?? this.settings().stallThresholdMs,
      sessionCount: this.model.store.list().length,
    });
    this.item.text = status.text;
    this.item.tooltip = status.tooltip;
    this.item.backgroundColor = status.state === 'stalling' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (status.state === 'none') this.item.hide();
    else this.item.show();
  }

  /** Removes the item. */
  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
