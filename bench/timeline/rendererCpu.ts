/**
 * CPU time used by the page's renderer process (Linux /proc), so frame cost can be reported
 * independently of how much other work shares the machine: wall-clock frame times on a busy
 * 2-core box mostly measure waiting for a core.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may itself contain spaces).
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function isDescendant(pid: number, ancestor: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 16; hops++) {
    if (p === ancestor) return true;
    const s = stat(p);
    if (!s) return false;
    p = Number(s[1]);
  }
  return false;
}

/** Pids of Chromium renderer processes started (indirectly) by this process. */
export function rendererPids(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes('--type=renderer') && isDescendant(pid, process.pid)) out.push(pid);
  }
  return out;
}

/** User + system CPU milliseconds used so far by the given processes (all their threads). */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const s = stat(pid);
    if (s) ticks += Number(s[11]) + Number(s[12]);
  }
  return ticks * TICK_MS;
}
