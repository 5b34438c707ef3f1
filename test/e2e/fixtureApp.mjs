// The fixture workspace (fixtures/app) as the scenarios use it: a throwaway copy per run, the
// line numbers of its e2e:… markers, the running app's port/pid, and HTTP requests to it.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './workbench.mjs';

const FIXTURE = resolve(fileURLToPath(import.meta.url), '../fixtures/app');

/** Copies the fixture so the run never writes into the repo (state file, .vscode edits). */
export function makeWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'loopscope-e2e-app-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

/** 1-based line of the first line of `file` containing `marker`. */
export function markerLine(dir, file, marker) {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in ${file}`);
  return i + 1;
}

const stateFile = (dir) => join(dir, '.app-state.json');

export function forgetAppState(dir) {
  rmSync(stateFile(dir), { force: true });
}

/** Waits for the debuggee to listen; returns { port, pid, nodeOptions }. */
export function waitForApp(dir, timeout = 60_000) {
  return waitFor(() => existsSync(stateFile(dir)) && JSON.parse(readFileSync(stateFile(dir), 'utf8')),
    { timeout, what: 'the fixture app to listen (it writes .app-state.json)' });
}

export async function get(port, path, timeout = 30_000) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeout) });
  return res.text();
}

export function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** Kills the app if a scenario left it running (by its own pid, which it reported). */
export function killApp(dir) {
  try {
    const { pid } = JSON.parse(readFileSync(stateFile(dir), 'utf8'));
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  } catch { /* never started or already gone */ }
}
