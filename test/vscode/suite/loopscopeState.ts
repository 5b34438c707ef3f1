import * as vscode from 'vscode';

/** The `loopscope.getState` snapshot as docs/CONTRACTS.md defines it. */
export interface LoopscopeState {
  collectorUrl: string | undefined;
  sessions: { id: string; pid: number; tid: number; title: string; live: boolean; eventCount: number;
    stalls: { url: string; lineNumber: number; dur: number }[] }[];
  pausedIntervals: unknown[];
  diagnostics: unknown;
}

export const EXTENSION_ID = 'loopscope.loopscope';

export async function getState(): Promise<LoopscopeState> {
  return (await vscode.commands.executeCommand('loopscope.getState')) as LoopscopeState;
}
