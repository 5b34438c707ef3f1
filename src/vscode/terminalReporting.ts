/** Makes `node …` run in integrated terminals report to the timeline, through the terminals' environment. */
import * as vscode from 'vscode';
import type { CollectorHost } from './collectorHost';

/** Turns terminal reporting on and off (not persisted: the collector's token lives as long as the window). */
export class TerminalReporting {
  private enabled = false;

  constructor(private readonly context: vscode.ExtensionContext, private readonly collector: CollectorHost) {
    // A previous window's values carry a dead token: start clean.
    context.environmentVariableCollection.persistent = false;
    context.environmentVariableCollection.clear();
  }

  /** True while new terminals get the agent. */
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Adds the agent to new terminals' NODE_OPTIONS (appended, so the user's options stay). */
  async enable(): Promise<void> {
    const env = await this.collector.agentEnv({});
    const coll = this.context.environmentVariableCollection;
    coll.description = 'Loopscope: Node.js processes started here report their event loop to the timeline';
    coll.replace('LOOPSCOPE_AGENT', env.LOOPSCOPE_AGENT ?? '');
    coll.append('NODE_OPTIONS', ` ${env.NODE_OPTIONS ?? ''}`);
    this.enabled = true;
    void vscode.window.showInformationMessage('Loopscope: Node.js processes started in new terminals now report to the timeline (existing terminals need a relaunch).');
  }

  /** Removes the agent from terminals' environment. */
  disable(): void {
    this.context.environmentVariableCollection.clear();
    this.enabled = false;
    void vscode.window.showInformationMessage('Loopscope: terminals no longer report to the timeline.');
  }
}
