/** "Attach to Node Process…" and "Detach": record a running local Node process by PID, no restart, no debug session. */
import * as vscode from 'vscode';
import { AttachError, attachToProcess, waitForAgent, type AttachedProcess } from '../host/inspectorAttach';
import { describeProcess, listNodeProcesses, pidArgument } from '../host/nodeProcesses';
import type { SessionStore } from '../collector/sessionStore';
import type { CollectorHost } from './collectorHost';

/** What the commands answer (JSON-serialisable, for tests driving them). */
export type AttachAnswer = { pid: number; status: 'recording' | 'stopped' | 'exited' } | { error: string } | undefined;

/** The processes this window attached to, by pid. */
export class ProcessAttacher implements vscode.Disposable {
  private readonly attached = new Map<number, AttachedProcess>();

  constructor(private readonly collector: CollectorHost, private readonly store: SessionStore, private readonly log: vscode.LogOutputChannel) {}

  /** Attaches to the pid given (a number, string or `{ pid }`), or to one the user picks. */
  async attach(arg: unknown): Promise<AttachAnswer> {
    const pid = pidArgument(arg) ?? (await this.pickProcess());
    if (pid === undefined) return undefined;
    if (this.attached.has(pid)) {
      void vscode.window.showInformationMessage(`Loopscope: process ${pid} is already being recorded.`);
      return { pid, status: 'recording' };
    }
    try {
      const env = await this.collector.agentEnv({});
      // Listening before the attach: the agent may say hello before the attach has returned.
      const arrived = waitForAgent(this.store, pid);
      arrived.catch(() => {});
      const attached = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Loopscope: attaching to process ${pid}` },
        () => attachToProcess(pid, { agentPath: this.collector.agentPath, agentConfig: env.LOOPSCOPE_AGENT ?? '' }));
      await arrived.catch(async (e: unknown) => {
        await attached.detach().catch(() => undefined);
        throw e;
      });
      this.attached.set(pid, attached);
      void this.updateContext();
      void attached.exited.then(() => {
        if (this.attached.get(pid) !== attached) return;
        this.attached.delete(pid);
        void this.updateContext();
        this.log.info(`Attached process ${pid} exited`);
      });
      this.log.info(`Attached to process ${pid} (${attached.argv.join(' ')}); inspector was ${attached.inspectorWasOpen ? 'open already and stays open' : 'opened and closed again'}`);
      void vscode.window.showInformationMessage(`Loopscope: recording process ${pid}. "Loopscope: Detach" stops recording; the process runs on.`);
      return { pid, status: 'recording' };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`Attaching to process ${pid} failed: ${message}`);
      void vscode.window.showErrorMessage(`Loopscope could not attach to process ${pid}: ${message}`);
      return { error: err instanceof AttachError ? `${err.code}: ${message}` : message };
    }
  }

  /** Stops recording the pid given, or the only one attached, or one the user picks. */
  async detach(arg: unknown): Promise<AttachAnswer> {
    let pid = pidArgument(arg);
    if (pid === undefined) {
      const pids = [...this.attached.keys()];
      if (pids.length === 0) {
        void vscode.window.showInformationMessage('Loopscope: no process is attached.');
        return undefined;
      }
      pid = pids.length === 1 ? pids[0] : Number((await vscode.window.showQuickPick(pids.map((p) => ({ label: String(p), description: this.attached.get(p)!.argv.join(' ') })),
        { title: 'Loopscope: stop recording which process?' }))?.label);
      if (!pid) return undefined;
    }
    const attached = this.attached.get(pid);
    if (!attached) return { error: `process ${pid} is not attached` };
    this.attached.delete(pid);
    void this.updateContext();
    try {
      const status = await attached.detach();
      this.log.info(`Detached from process ${pid}: ${status}`);
      return { pid, status };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`Detaching from process ${pid} failed: ${message}`);
      void vscode.window.showErrorMessage(`Loopscope could not stop its agent in process ${pid}: ${message}`);
      return { error: message };
    }
  }

  private async pickProcess(): Promise<number | undefined> {
    const uid = process.getuid?.();
    if (uid === undefined) {
      void vscode.window.showErrorMessage('Loopscope: attaching by process id needs Linux (/proc and SIGUSR1).');
      return undefined;
    }
    // Not this extension host nor the server that runs it.
    const processes = listNodeProcesses({ uid, exclude: [process.pid, process.ppid] });
    const picked = await vscode.window.showQuickPick(processes.map((p) => ({ ...describeProcess(p), pid: p.pid })), {
      title: 'Loopscope: record which Node process?',
      placeHolder: processes.length ? 'Your Node processes, newest first' : 'No Node processes of yours are running',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.pid;
  }

  private updateContext(): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', 'loopscope.processAttached', this.attached.size > 0);
  }

  /** Stops every agent this window started: they would otherwise record on for a collector that is gone. */
  dispose(): void {
    for (const attached of this.attached.values()) void attached.detach().catch(() => undefined);
    this.attached.clear();
  }
}
