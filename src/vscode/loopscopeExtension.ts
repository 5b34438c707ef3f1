/** Wires the parts together: store, collector, debug integration, editor flags, status bar, panel and commands. */
import * as vscode from 'vscode';
import { SessionStore, type Session } from '../collector/sessionStore';
import { DisposableList } from '../host/disposableList';
import { sessionLabel } from '../host/sessionLabel';
import { SessionsModel } from '../host/sessionsModel';
import { stateSnapshot, type StateSnapshot } from '../host/stateSnapshot';
import { loadAgentIntoDebugSession } from './attachAgent';
import { ProcessAttacher } from './attachProcess';
import { CollectorHost } from './collectorHost';
import { registerDebugLaunch } from './debugLaunch';
import { DebugSessions, nowUs } from './debugSessions';
import { EditorFlags } from './editorFlags';
import { openRecording, saveRecording } from './recordings';
import { onSettingsChanged, readSettings, type Settings } from './settings';
import { LoopStatusBar } from './statusBar';
import { TerminalReporting } from './terminalReporting';
import { TimelinePanel, type TimelineDeps } from './timelinePanel';
import { showWorstStalls } from './worstStallsPick';

/** The extension's one instance per window. */
export class LoopscopeExtension implements vscode.Disposable {
  private readonly disposables = new DisposableList();
  private settings: Settings = readSettings();
  private readonly log = vscode.window.createOutputChannel('Loopscope', { log: true });
  private readonly model: SessionsModel;
  private readonly collector: CollectorHost;
  private readonly debugSessions: DebugSessions;
  private readonly terminal: TerminalReporting;
  private readonly timelineDeps: TimelineDeps;
  private readonly processes: ProcessAttacher;
  private shownWarnings = new Set<string>();
  private announcedFirstProcess = false;

  constructor(private readonly context: vscode.ExtensionContext) {
    const d = this.disposables;
    d.add(this.log);
    const agentPath = context.asAbsolutePath('dist/agent.js');
    this.model = new SessionsModel(new SessionStore(this.settings.storeLimits));
    d.add(this.model);
    this.collector = d.add(new CollectorHost(this.model, agentPath, () => this.settings));
    this.debugSessions = d.add(new DebugSessions(this.model));
    this.terminal = new TerminalReporting(context, this.collector);
    this.processes = d.add(new ProcessAttacher(this.collector, this.model.store, this.log));
    this.timelineDeps = { extensionUri: context.extensionUri, model: this.model, log: this.log, save: () => void this.save() };

    d.add(...registerDebugLaunch(this.collector, () => this.settings, this.log) as [vscode.Disposable]);
    d.add(new EditorFlags(this.model));
    d.add(new LoopStatusBar(this.model, () => this.settings));
    d.add(onSettingsChanged((s) => {
      this.settings = s;
      this.model.store.setLimits(s.storeLimits);
    }));
    d.onDispose(() => TimelinePanel.open?.dispose());
    // Each new debug run is a new "first process": its timeline opens again if it was closed.
    d.add(vscode.debug.onDidStartDebugSession((s) => {
      if (!s.parentSession) this.announcedFirstProcess = false;
    }));

    this.model.on('warning', (message) => this.showWarning(message));
    this.model.store.on('added', (s) => this.sessionAdded(s));
    this.model.store.on('ended', (s) => this.log.info(`Session ${s.id} (${sessionLabel(s.info)}) ended${s.endReason ? `: ${s.endReason}` : ''}; ${s.eventCount} dispatches, ${s.stalls.length} stalls kept`));
    this.registerCommands();
  }

  /** The state snapshot of docs/CONTRACTS.md (`loopscope.getState`). */
  getState(): StateSnapshot {
    return stateSnapshot({
      collectorUrl: this.collector.url,
      counted: this.model.counted(),
      flags: this.model.flags(),
      pauses: this.model.pauses.records(nowUs()),
      warnings: this.model.warnings,
      terminalReporting: this.terminal.isEnabled,
      timelineOpen: TimelinePanel.open !== undefined,
      recording: this.model.recordingName,
    });
  }

  private registerCommands(): void {
    const reg = (id: string, fn: (...args: unknown[]) => unknown) => this.disposables.add(vscode.commands.registerCommand(id, fn));
    reg('loopscope.openTimeline', (arg) => {
      const panel = TimelinePanel.show(this.timelineDeps);
      const target = arg as { sessionId?: unknown; ts?: unknown } | undefined;
      if (typeof target?.sessionId === 'string' && typeof target.ts === 'number') panel.revealStall(target.sessionId, target.ts);
      void this.collector.ready().catch((err) => this.showWarning(`The collector could not start: ${String(err)}`));
    });
    reg('loopscope.openRecording', (uri) => openRecording(uri, this.timelineDeps));
    reg('loopscope.saveRecording', (target) => this.save(target));
    reg('loopscope.showWorstStalls', () => showWorstStalls(this.model));
    reg('loopscope.clearSessions', () => {
      this.model.clear();
      this.announcedFirstProcess = false;
      TimelinePanel.open?.reset();
    });
    reg('loopscope.loadAgentIntoDebugSession', (arg) => loadAgentIntoDebugSession(arg, this.debugSessions, this.collector, this.log));
    reg('loopscope.attachToProcess', (arg) => this.processes.attach(arg));
    reg('loopscope.detachProcess', (arg) => this.processes.detach(arg));
    reg('loopscope.enableTerminalReporting', () => this.terminal.enable().catch((err) => this.showWarning(`Terminal reporting failed: ${String(err)}`)));
    reg('loopscope.disableTerminalReporting', () => this.terminal.disable());
    reg('loopscope.getState', () => this.getState());
  }

  private save(target?: unknown): Promise<unknown> {
    return saveRecording(this.model, this.log, target).catch((err) => {
      void vscode.window.showErrorMessage(`Loopscope: saving failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Logs a new thread; the first one of a run opens (or offers) the timeline. */
  private sessionAdded(session: Session): void {
    const label = sessionLabel(session.info);
    this.log.info(`Session ${session.id}: ${label}, Node ${session.info.nodeVersion}, connected`);
    if (this.announcedFirstProcess || TimelinePanel.open) return;
    this.announcedFirstProcess = true;
    const policy = this.settings.openTimeline;
    if (policy === 'onFirstProcess') TimelinePanel.show(this.timelineDeps, true);
    else if (policy === 'notify') {
      void vscode.window.showInformationMessage(`Loopscope: ${label} is reporting its event loop.`, 'Open Timeline').then((choice) => {
        if (choice) TimelinePanel.show(this.timelineDeps);
      });
    }
  }

  /** Logs every warning; shows each distinct one once (a misbehaving agent must not flood the window). */
  private showWarning(message: string): void {
    this.log.warn(message);
    if (this.shownWarnings.has(message)) return;
    this.shownWarnings.add(message);
    void vscode.window.showWarningMessage(`Loopscope: ${message}`);
  }

  /** Closes the collector, panel and every registration. */
  dispose(): void {
    this.disposables.dispose();
  }
}
