// The two guards around provisioning: a marker written only after every step succeeded, and a
// lock directory so two runs (two terminals, CI and a developer) never install into one folder.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MARKER_CONTENT, hostPaths } from './hostPaths.mjs';

/** True when the folder holds a finished host for the pinned versions. */
export function isProvisioned(dir) {
  const { marker, node, codeServer } = hostPaths(dir);
  return existsSync(marker) && readFileSync(marker, 'utf8') === MARKER_CONTENT && existsSync(node) && existsSync(codeServer);
}

/** Marks the folder finished; call only after the last check passed. */
export function writeMarker(dir) {
  writeFileSync(hostPaths(dir).marker, MARKER_CONTENT);
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/**
 * Runs fn holding `${dir}.lock`. mkdir is atomic, so whoever creates the directory owns it; a
 * lock whose owner process is gone (or that never got its pid written within staleMs) is taken over.
 */
export async function withLock(dir, fn, { log = () => {}, pollMs = 5000, waitMs = 30 * 60_000, staleMs = 60_000 } = {}) {
  mkdirSync(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if ((Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) || (!Number.isFinite(owner) && age > staleMs)) {
        log(`removing stale lock ${lock} (owner ${owner} is gone)`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by ${owner})`);
      log(`waiting for another provisioning run (pid ${owner}) to finish…`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  try { return await fn(); } finally { rmSync(lock, { recursive: true, force: true }); }
}
