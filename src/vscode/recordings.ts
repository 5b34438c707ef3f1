/** Opening a `loopscope record` trace in the timeline, and saving the live sessions to one. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { importRecording, writeRecording } from '../collector/recording';
import { SessionStore, type Session } from '../collector/sessionStore';
import { SourceMapper } from '../collector/sourceMapper';
import { mapRecordedSessions, mapRecordingText } from '../collector/recordingSourceMaps';
import type { SessionsModel } from '../host/sessionsModel';
import { TimelinePanel, type TimelineDeps } from './timelinePanel';

/** Source maps of the recordings opened in this window. */
const recordingMaps = new SourceMapper();
/** Recordings larger than this are streamed to the page in pieces instead of read as one string. */
const STREAM_ABOVE_BYTES = 256 * 1024 * 1024;

/** Opens `uri` (or a file the user picks); a malformed file gets a message and the timeline keeps what it had. */
export async function openRecording(uri: unknown, deps: TimelineDeps): Promise<boolean> {
  const file = uriFromArg(uri) ?? (await vscode.window.showOpenDialog({
    canSelectMany: false, openLabel: 'Open Recording', title: 'Loopscope: open a recording',
    filters: { 'Trace (Chrome Trace Event JSON)': ['json'], 'All files': ['*'] },
  }))?.[0];
  if (!file) return false;
  const name = path.basename(file.fsPath || file.path);
  if (file.scheme === 'file' && (await vscode.workspace.fs.stat(file)).size > STREAM_ABOVE_BYTES) {
    // Too large for one string (V8 caps them near 512 MB): the page reads it streamed; the
    // editor's flags are not built for it (that would need a second streamed reading).
    deps.log.info(`Streaming ${name} to the timeline (large recording)`);
    deps.model.setRecording(name, []);
    return TimelinePanel.show(deps).streamTrace(file.fsPath, name);
  }
  let text: string;
  let sessions: Session[];
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    // A store of its own: a recording never mixes with (or evicts) live data.
    sessions = importRecording(new SessionStore({ maxEvents: Number.MAX_SAFE_INTEGER, maxAgeMs: Number.MAX_SAFE_INTEGER }), text);
    // A recording made without source maps applied is mapped now, when its files are here; the page gets the same frames.
    if (await mapRecordedSessions(sessions, recordingMaps)) text = mapRecordingText(text, recordingMaps);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log.error(`Cannot open recording ${file.toString()}: ${message}`);
    void vscode.window.showErrorMessage(`Loopscope: cannot open ${name}: ${message}`);
    TimelinePanel.open?.showError(`Cannot open ${name}: ${message}`);
    return false;
  }
  deps.model.setRecording(name, sessions);
  TimelinePanel.show(deps).loadTrace(text, name);
  return true;
}

/** The file a command argument names: a Uri (explorer menu), a path or URI string, or a serialised Uri (tests). */
function uriFromArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return /^[a-z][\w+.-]+:\/\//i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const like = arg as { scheme?: unknown; path?: unknown } | undefined;
  if (typeof like?.path === 'string' && typeof like.scheme === 'string') return vscode.Uri.from({ scheme: like.scheme, path: like.path });
  return undefined;
}

/** Saves every live (and ended) session to a trace file: the one given (tests), else one the user names. */
export async function saveRecording(model: SessionsModel, log: vscode.LogOutputChannel, targetArg?: unknown): Promise<vscode.Uri | undefined> {
  const sessions = model.store.list();
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage('Loopscope: nothing to save yet — no process has reported.');
    return undefined;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = uriFromArg(targetArg) ?? await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `loopscope-${stamp}.json`) : undefined,
    filters: { 'Trace (Chrome Trace Event JSON)': ['json'] }, title: 'Loopscope: save the sessions as a recording',
  });
  if (!target) return undefined;
  const dropped = sessions.reduce((n, s) => n + s.droppedByAgent + s.droppedByStore, 0);
  const trace = writeRecording(sessions, { droppedEvents: dropped });
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(trace)));
  log.info(`Saved ${sessions.length} sessions to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Loopscope: saved ${sessions.length} session${sessions.length === 1 ? '' : 's'} to ${path.basename(target.fsPath)}.`);
  return target;
}
