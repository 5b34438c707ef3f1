/**
 * Local processes as Linux's /proc shows them: which are Node, whose they are, what they run,
 * and which TCP sockets they hold. Parsers are plain functions of the file texts (unit tested);
 * the readers take the /proc root so tests can point them at a fixture tree.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** What /proc tells about one process. */
export interface ProcessFacts {
  pid: number;
  /** Real user id. */
  uid: number | undefined;
  argv: string[];
  /** Executable path; undefined when it cannot be read. */
  exe: string | undefined;
  cwd: string | undefined;
  /** Start time in clock ticks since boot (field 22 of stat): tells a pid reused by another process. */
  startTime: string | undefined;
}

/** One row of /proc/PID/net/tcp or tcp6. */
export interface TcpSocket {
  localPort: number;
  remotePort: number;
  /** Kernel TCP state (0x0A listening, 0x01 established). */
  state: number;
  inode: string;
}

export const TCP_ESTABLISHED = 0x01;
export const TCP_LISTEN = 0x0a;

/** The real uid from a /proc/PID/status text. */
export function parseStatusUid(status: string): number | undefined {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** argv from a /proc/PID/cmdline text (NUL-separated, NUL-terminated). */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Environment variables from a /proc/PID/environ text. */
export function parseEnviron(raw: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of parseCmdline(raw)) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** The start time (field 22) from a /proc/PID/stat text; the command name in field 2 may hold spaces and parentheses. */
export function parseStatStartTime(stat: string): string | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

const NODE_BINARY = /^(node|nodejs)(-?v?\d+(\.\d+)*)?$/;

/** True when the executable (or, when that cannot be read, argv[0]) is a Node binary. */
export function looksLikeNode(exe: string | undefined, argv: readonly string[]): boolean {
  const file = exe ? exe.replace(/ \(deleted\)$/, '') : argv[0];
  return !!file && NODE_BINARY.test(path.basename(file));
}

/** Sockets from a /proc/PID/net/tcp or tcp6 text. */
export function parseProcNetTcp(text: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const port = (address: string) => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
    sockets.push({ localPort: port(cols[1]), remotePort: port(cols[2]), state: parseInt(cols[3], 16), inode: cols[9] });
  }
  return sockets;
}

/** Socket inodes from the targets of a process's /proc/PID/fd links (`socket:[123]`). */
export function socketInodes(links: readonly string[]): Set<string> {
  const inodes = new Set<string>();
  for (const link of links) {
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]);
  }
  return inodes;
}

/**
 * The port the process's inspector uses when SIGUSR1 activates it: `--inspect-port`, or the port
 * of `--inspect`/`--inspect-brk`/`--inspect-wait`, from argv or NODE_OPTIONS; 9229 otherwise.
 */
export function inspectorPortOf(argv: readonly string[], nodeOptions = ''): number {
  let port = 9229;
  const scan = (words: readonly string[], stopAtScript: boolean) => {
    for (let i = 0; i < words.length; i++) {
      const m = /^--(inspect(?:-brk|-wait|-port)?|debug-port)(?:=(.*))?$/.exec(words[i]);
      if (!m) {
        // Node's own options end at the script name (or so near enough for a message).
        if (stopAtScript && !words[i].startsWith('-')) return;
        continue;
      }
      const value = m[2] ?? (m[1].endsWith('port') ? words[++i] : undefined);
      const n = value ? Number(value.slice(value.lastIndexOf(':') + 1)) : NaN;
      if (Number.isInteger(n) && n >= 0) port = n;
    }
  };
  scan(nodeOptions.split(/\s+/).filter(Boolean), false);
  scan(argv.slice(1), true);
  return port;
}

/** True when Node was started with its inspector on (`--inspect`, `--inspect-brk`, `--inspect-wait`, in argv or NODE_OPTIONS). */
export function inspectorFlagged(argv: readonly string[], nodeOptions = ''): boolean {
  const flag = /^--inspect(-brk|-wait)?(=.*)?$/;
  const words = nodeOptions.split(/\s+/).filter(Boolean);
  for (const a of argv.slice(1)) {
    if (!a.startsWith('-')) break; // the script: what follows is the program's own
    words.push(a);
  }
  return words.some((w) => flag.test(w));
}

/** True when Node was told not to start its inspector on SIGUSR1 (the signal would then end the process). */
export function sigusr1Disabled(argv: readonly string[], nodeOptions = ''): boolean {
  return argv.includes('--disable-sigusr1') || /(^|\s)--disable-sigusr1(\s|$)/.test(nodeOptions);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readLink(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

/** What /proc says about `pid`; undefined when there is no such process. */
export function readProcess(pid: number, root = '/proc'): ProcessFacts | undefined {
  const dir = path.join(root, String(pid));
  const status = readText(path.join(dir, 'status'));
  if (status === undefined) return undefined;
  const stat = readText(path.join(dir, 'stat'));
  return {
    pid,
    uid: parseStatusUid(status),
    argv: parseCmdline(readText(path.join(dir, 'cmdline')) ?? ''),
    exe: readLink(path.join(dir, 'exe')),
    cwd: readLink(path.join(dir, 'cwd')),
    startTime: stat === undefined ? undefined : parseStatStartTime(stat),
  };
}

/** NODE_OPTIONS of `pid` ('' when unset or unreadable). */
export function nodeOptionsOf(pid: number, root = '/proc'): string {
  return parseEnviron(readText(path.join(root, String(pid), 'environ')) ?? '').get('NODE_OPTIONS') ?? '';
}

/** Node processes of user `uid`, newest first, without `exclude` (the caller itself). */
export function listNodeProcesses(options: { uid: number; exclude?: readonly number[]; root?: string }): ProcessFacts[] {
  const root = options.root ?? '/proc';
  const found: ProcessFacts[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    return found;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (options.exclude?.includes(pid)) continue;
    const facts = readProcess(pid, root);
    if (facts && facts.uid === options.uid && facts.argv.length > 0 && looksLikeNode(facts.exe, facts.argv)) found.push(facts);
  }
  // By start time: pids wrap around, so a new process may well have a small one.
  return found.sort((a, b) => Number(b.startTime ?? 0) - Number(a.startTime ?? 0) || b.pid - a.pid);
}

/** The TCP sockets `pid` holds (matched by inode, since /proc/PID/net/tcp lists the whole network namespace). */
export function socketsOf(pid: number, root = '/proc'): TcpSocket[] {
  const dir = path.join(root, String(pid));
  let fds: string[] = [];
  try {
    fds = readdirSync(path.join(dir, 'fd'));
  } catch {
    return [];
  }
  const inodes = socketInodes(fds.map((fd) => readLink(path.join(dir, 'fd', fd)) ?? ''));
  const sockets: TcpSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const s of parseProcNetTcp(readText(path.join(dir, 'net', table)) ?? '')) if (inodes.has(s.inode)) sockets.push(s);
  }
  return sockets;
}

/** Ports `pid` listens on. */
export function listeningPorts(pid: number, root = '/proc'): number[] {
  return [...new Set(socketsOf(pid, root).filter((s) => s.state === TCP_LISTEN).map((s) => s.localPort))];
}

/** The pid listening on TCP `port` on this machine, when it can be told (processes of other users may hide it). */
export function listenerOfPort(port: number, root = '/proc'): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['tcp', 'tcp6']) {
    for (const s of parseProcNetTcp(readText(path.join(root, 'net', table)) ?? '')) if (s.state === TCP_LISTEN && s.localPort === port) inodes.add(s.inode);
  }
  if (inodes.size === 0) return undefined;
  for (const name of readdirSafe(root)) {
    if (!/^\d+$/.test(name)) continue;
    for (const fd of readdirSafe(path.join(root, name, 'fd'))) {
      const m = /^socket:\[(\d+)\]$/.exec(readLink(path.join(root, name, 'fd', fd)) ?? '');
      if (m && inodes.has(m[1])) return Number(name);
    }
  }
  return undefined;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** One line for a list of processes: the command line, shortened, and where it runs. */
export function describeProcess(p: ProcessFacts, maxLength = 120): { label: string; description: string; detail: string } {
  const command = p.argv.join(' ');
  return {
    label: command.length > maxLength ? `${command.slice(0, maxLength - 1)}…` : command,
    description: `pid ${p.pid}`,
    detail: p.cwd ?? '',
  };
}

/** The pid a command was given (a number, a numeric string, or `{ pid }`); undefined when none. */
export function pidArgument(arg: unknown): number | undefined {
  const raw = typeof arg === 'object' && arg !== null ? (arg as { pid?: unknown }).pid : arg;
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}
