/** "Show Worst Stalls": a quick pick of the longest stalls; choosing one opens its blocking line. */
import * as vscode from 'vscode';
import type { SessionsModel } from '../host/sessionsModel';
import { worstStalls } from '../host/worstStalls';
import { TimelinePanel } from './timelinePanel';
import { openSource } from './timelinePanel';

/** Shows the pick and opens the chosen stall's line (and selects it in an open timeline). */
export async function showWorstStalls(model: SessionsModel): Promise<void> {
  const items = worstStalls(model.counted());
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Loopscope: no stalls recorded.');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Loopscope: worst stalls', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return;
  TimelinePanel.open?.revealStall(picked.sessionId, picked.stall.ts);
  if (picked.path) await openSource(picked.path, picked.lineNumber, picked.columnNumber);
  else void vscode.window.showInformationMessage('Loopscope: this stall has no frame in your code (it blocked inside Node.js or a dependency).');
}
