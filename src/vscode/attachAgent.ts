/** "Load Agent into Debug Session": loads the agent into a running debuggee through the debugger, no restart. */
import * as vscode from 'vscode';
import { attachExpression, withTimeout } from '../host/attachExpression';
import type { CollectorHost } from './collectorHost';
import type { DebugSessions } from './debugSessions';

/** How long an evaluate may take before we give up (a parent session never answers). */
const evaluateTimeoutMs = 10_000;

/** Runs the command on `arg` (a debug session from a menu) or on the session the user picks. */
export async function loadAgentIntoDebugSession(arg: unknown, sessions: DebugSessions, collector: CollectorHost, log: vscode.LogOutputChannel): Promise<string | undefined> {
  const target = await pickProcessSession(arg, sessions);
  if (!target) {
    void vscode.window.showInformationMessage('Loopscope: start or attach a Node.js debug session first, then load the agent into it.');
    return undefined;
  }
  try {
    const env = await collector.agentEnv({});
    const expression = attachExpression(collector.agentPath, env.LOOPSCOPE_AGENT ?? '');
    const reply = await withTimeout(target.customRequest('evaluate', { expression, context: 'repl' }), evaluateTimeoutMs, `Debug session "${target.name}"`);
    const result = String((reply as { result?: unknown })?.result ?? '').replace(/^'|'$/g, '');
    log.info(`Agent loaded into "${target.name}": ${result}`);
    void vscode.window.showInformationMessage(`Loopscope: agent loaded into "${target.name}"; its event loop now reports to the timeline.`);
    return result;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`Loading the agent into "${target.name}" failed: ${message}`);
    void vscode.window.showErrorMessage(`Loopscope could not load its agent into "${target.name}": ${message}`);
    return undefined;
  }
}

/** The child session (the one that talks to a process) to evaluate in. */
async function pickProcessSession(arg: unknown, sessions: DebugSessions): Promise<vscode.DebugSession | undefined> {
  // From the Call Stack view's context menu the argument names the session by id.
  const byId = typeof (arg as { sessionId?: unknown })?.sessionId === 'string' ? sessions.byId((arg as { sessionId: string }).sessionId) : undefined;
  const given = isDebugSession(arg) ? arg : byId ?? vscode.debug.activeDebugSession;
  let candidates = given ? sessions.processSessionsOf(given) : [];
  if (candidates.length === 0) candidates = sessions.list().filter((s) => s.parentSession);
  if (candidates.length === 0 && given) candidates = [given]; // a plain attach without children: try it, with the timeout
  if (candidates.length <= 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(candidates.map((s) => ({ label: s.name, description: s.type, session: s })),
    { title: 'Loopscope: load the agent into which process?' });
  return picked?.session;
}

function isDebugSession(v: unknown): v is vscode.DebugSession {
  return typeof v === 'object' && v !== null && typeof (v as vscode.DebugSession).customRequest === 'function';
}
