/** The timeline webview: one panel per window, fed from the store through the view protocol. */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { renderTimelineHtml } from '../view/page';
import { isFromWebview, type FromWebview, type ToWebview } from '../../webview/protocol';
import type { SessionsModel } from '../host/sessionsModel';
import { ViewFeed } from '../host/viewFeed';
import { sourceTarget } from '../host/sourceTarget';
import { TraceStreamer } from '../host/traceStreamer';

/** How often new data is posted to the page (batched). */
const flushMs = 100;

/** What the panel needs from the rest of the extension. */
export interface TimelineDeps {
  extensionUri: vscode.Uri;
  model: SessionsModel;
  log: vscode.LogOutputChannel;
  /** Runs "save recording" when the page asks. */
  save(): void;
}

/** The timeline panel; `show()` creates it or brings it forward. */
export class TimelinePanel implements vscode.Disposable {
  private static current: TimelinePanel | undefined;
  private readonly feed: ViewFeed;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private dirty = true;
  /** The recording shown, replayed when the page reloads. */
  private trace: { text: string; name: string } | undefined;
  /** A recording streamed from a file (too large for one message), re-streamed when the page reloads. */
  private traceFile: { file: string; name: string } | undefined;
  private readonly streamer = new TraceStreamer((m) => void this.panel.webview.postMessage(m));
  private pending: ToWebview[] = [];
  /** Errors we asked the page to show; the page echoes them as `viewError`, which must not notify twice. */
  private readonly sentErrors = new Set<string>();

  /** The open panel, if any. */
  static get open(): TimelinePanel | undefined {
    return TimelinePanel.current;
  }

  /** Opens the panel (or reveals it). */
  static show(deps: TimelineDeps, preserveFocus = false): TimelinePanel {
    if (TimelinePanel.current) {
      TimelinePanel.current.panel.reveal(undefined, preserveFocus);
      return TimelinePanel.current;
    }
    const dist = vscode.Uri.joinPath(deps.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('loopscope.timeline', 'Loopscope Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [dist] });
    TimelinePanel.current = new TimelinePanel(panel, deps);
    return TimelinePanel.current;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly deps: TimelineDeps) {
    this.feed = new ViewFeed({ sessions: () => deps.model.store.list(), pausesFor: (s) => deps.model.pausesFor(s) });
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    const markDirty = () => { this.dirty = true; };
    deps.model.store.on('updated', markDirty);
    deps.model.store.on('added', markDirty);
    deps.model.store.on('ended', markDirty);
    deps.model.on('changed', markDirty);
    this.disposables.push(
      { dispose: () => { deps.model.store.off('updated', markDirty); deps.model.store.off('added', markDirty); deps.model.store.off('ended', markDirty); deps.model.off('changed', markDirty); } },
      panel.webview.onDidReceiveMessage((m: unknown) => this.received(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.timer = setInterval(() => this.flush(), flushMs);
  }

  /** Shows a recording (Chrome trace text) in place of what is shown. */
  loadTrace(text: string, name: string): void {
    this.streamer.abort();
    this.traceFile = undefined;
    this.trace = { text, name };
    this.post({ type: 'loadTrace', text, name });
  }

  /**
   * Shows a recording file of any size: streamed to the page in pieces, with a cancellable
   * progress notification. Resolves true when the whole file was sent.
   */
  async streamTrace(file: string, name: string): Promise<boolean> {
    this.streamer.abort();
    this.trace = undefined;
    this.traceFile = { file, name };
    if (!this.ready) return true; // streamed on 'ready'
    return this.runStream(file, name);
  }

  private runStream(file: string, name: string): Promise<boolean> {
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Loopscope: opening ${name}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        try {
          const outcome = await this.streamer.stream(file, name, {
            cancelled: () => token.isCancellationRequested,
            progress: (bytes, total) => {
              const pct = (bytes / Math.max(1, total)) * 100;
              progress.report({ increment: pct - reported, message: `${(bytes / 1048576).toFixed(0)} of ${(total / 1048576).toFixed(0)} MB` });
              reported = pct;
            },
          });
          if (outcome === 'cancelled') this.traceFile = undefined;
          return outcome === 'done';
        } catch (err) {
          this.traceFile = undefined;
          void vscode.window.showErrorMessage(`Loopscope: cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`);
          return false;
        }
      },
    ));
  }

  /** Selects a stall in the page. */
  revealStall(sessionId: string, ts: number): void {
    this.dirty = true;
    this.flush(); // the page must hold the stall before it can select it
    this.post({ type: 'revealStall', sessionId, ts });
  }

  /** Forgets everything shown (the sessions were cleared). */
  reset(): void {
    this.streamer.abort();
    this.traceFile = undefined;
    this.trace = undefined;
    this.feed.reset();
    this.post({ type: 'reset' });
  }

  /** Shows an error in the page; what it shows stays. */
  showError(message: string): void {
    this.sentErrors.add(message);
    this.post({ type: 'error', message });
  }

  private html(): string {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist');
    const style = vscode.Uri.joinPath(dist, 'webview.css');
    return renderTimelineHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: existsSync(style.fsPath) ? webview.asWebviewUri(style).toString() : undefined,
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      mode: 'vscode',
    });
  }

  /** Posts now when the page listens, else after its `ready`. */
  private post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else if (message.type !== 'reset') this.pending.push(message);
    else this.pending = [];
  }

  private flush(): void {
    if (!this.ready || !this.dirty) return;
    this.dirty = false;
    for (const m of this.feed.collect()) void this.panel.webview.postMessage(m);
  }

  private received(raw: unknown): void {
    if (!isFromWebview(raw)) {
      this.deps.log.warn(`Ignoring an unknown message from the timeline page: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const m: FromWebview = raw;
    switch (m.type) {
      case 'ready':
        // A (re)loaded page knows nothing: replay the recording, then every live session.
        // Data first, then what was asked meanwhile (a revealStall needs its stall to be there).
        this.ready = true;
        this.feed.reset();
        this.streamer.abort();
        if (this.trace) void this.panel.webview.postMessage({ type: 'loadTrace', ...this.trace } satisfies ToWebview);
        if (this.traceFile) void this.runStream(this.traceFile.file, this.traceFile.name);
        this.dirty = true;
        this.flush();
        for (const p of this.pending.filter((p) => p.type !== 'loadTrace')) void this.panel.webview.postMessage(p);
        this.pending = [];
        break;
      case 'openSource':
        void openSource(m.url, m.lineNumber, m.columnNumber);
        break;
      case 'requestSave':
        this.deps.save();
        break;
      case 'viewError':
        this.deps.log.error(`Timeline page: ${m.message}`);
        if (!this.sentErrors.delete(m.message)) void vscode.window.showErrorMessage(`Loopscope timeline: ${m.message}`);
        break;
      case 'traceChunkRead':
        this.streamer.acknowledged(m.seq);
        break;
      case 'traceLoaded':
        this.deps.log.info(`Recording shown: ${m.sessions} sessions, ${m.dispatches} dispatches, ${m.stalls} stalls`);
        break;
    }
  }

  /** Closes the panel. */
  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    clearInterval(this.timer);
    this.streamer.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Opens a frame's file at its 1-based line and column. */
export async function openSource(url: string, lineNumber: number, columnNumber: number): Promise<void> {
  const target = sourceTarget(url, lineNumber, columnNumber);
  if (target.kind === 'none') {
    void vscode.window.showInformationMessage(`Loopscope: ${target.reason}.`);
    return;
  }
  const pos = new vscode.Position(target.line, target.character);
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(target.path), { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One, preview: true });
  } catch (err) {
    void vscode.window.showErrorMessage(`Loopscope: cannot open ${target.path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
