import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Collector } from '../collector/collector';
import { agentEnvironment } from '../collector/agentEnv';
import { SessionStore } from '../collector/sessionStore';
import { exitDespiteRetries, startExportIfEnabled } from '../export/startIfEnabled';
import type { PrometheusAddress } from '../export/exportSettings';
import { prometheusAddress, UsageError } from './recordArgs';

/** The port `loopscope collect` listens on unless told otherwise (loopback only). */
export const DEFAULT_COLLECT_PORT = 7453;
/** How long an ended thread's data stays in a daemon's memory: past the export of its last figures. */
const FORGET_ENDED_MS = 5 * 60_000;

/** Options of `loopscope collect`. */
export interface CollectArgs {
  port: number;
  stateFile: string;
  stallThresholdMs: number;
  promises: boolean;
  otlp: boolean;
  prometheus: PrometheusAddress | undefined;
  /** Only print the environment that makes programs report to a running daemon. */
  printEnv: boolean;
}

/** What a running daemon leaves in its state file (mode 0600) for `--print-env` and for people. */
export interface CollectState {
  url: string;
  token: string;
  pid: number;
  agentPath: string;
  stallThresholdMs: number;
  promises: boolean;
}

/** The default state file: `$XDG_RUNTIME_DIR/loopscope/collect.json`, else `~/.loopscope/collect.json`. */
export function defaultStateFile(env: Record<string, string | undefined> = process.env): string {
  return env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'loopscope', 'collect.json') : path.join(os.homedir(), '.loopscope', 'collect.json');
}

/** Parses `collect [--port N] [--state-file F] [--stall-threshold MS] [--promises] [--otlp] [--prometheus [HOST:]PORT] [--print-env]`. */
export function parseCollectArgs(argv: readonly string[], env: Record<string, string | undefined> = process.env): CollectArgs {
  const args: CollectArgs = {
    port: DEFAULT_COLLECT_PORT,
    stateFile: defaultStateFile(env),
    stallThresholdMs: 50,
    promises: false,
    otlp: false,
    prometheus: undefined,
    printEnv: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--port needs a port number 1–65535, got "${v ?? ''}"`);
      args.port = n;
    } else if (flag === '--state-file') {
      const v = value();
      if (!v) throw new UsageError('--state-file needs a file name');
      args.stateFile = path.resolve(v);
    } else if (flag === '--stall-threshold') {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new UsageError('--stall-threshold needs a positive number of milliseconds');
      args.stallThresholdMs = n;
    } else if (flag === '--promises') args.promises = true;
    else if (flag === '--otlp') args.otlp = true;
    else if (flag === '--prometheus') args.prometheus = prometheusAddress(value());
    else if (flag === '--print-env') args.printEnv = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  return args;
}

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `export NAME='value'` lines that make programs started from this shell report to the daemon. */
export function envLines(state: CollectState, env: Record<string, string | undefined>): string {
  const withAgent = agentEnvironment(env, {
    agentPath: state.agentPath,
    url: state.url,
    token: state.token,
    stallThresholdMs: state.stallThresholdMs,
    promises: state.promises,
  });
  return ['NODE_OPTIONS', 'LOOPSCOPE_AGENT'].map((name) => `export ${name}=${shellQuote(withAgent[name] ?? '')}`).join('\n') + '\n';
}

/** Reads a daemon's state file; a clear error when there is none or its daemon is gone. */
export function readCollectState(file: string): CollectState {
  let state: CollectState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as CollectState;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(missing ? `no loopscope collect is running (no ${file}); start one with: loopscope collect &` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof state.url !== 'string' || typeof state.token !== 'string' || typeof state.agentPath !== 'string') {
    throw new UsageError(`${file} is not a loopscope collect state file`);
  }
  if (!processAlive(state.pid)) throw new UsageError(`the loopscope collect that wrote ${file} (pid ${state.pid}) is not running; start one with: loopscope collect &`);
  return state;
}

/** `loopscope collect & eval "$(loopscope collect --print-env)"` asks before the daemon has written its file: give it a moment. */
const START_WAIT_MS = 3_000;

/** Reads the state file, waiting up to `timeoutMs` for a daemon that is still starting to write it. */
export async function waitForState(file: string, timeoutMs: number): Promise<CollectState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return readCollectState(file);
    } catch (error) {
      if (existsSync(file) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The token of a previous daemon on the same port, so programs started against it can reconnect. */
function previousToken(file: string, url: string): string | undefined {
  try {
    const old = JSON.parse(readFileSync(file, 'utf8')) as Partial<CollectState>;
    return old.url === url && typeof old.token === 'string' && /^[0-9a-f]{32}$/.test(old.token) ? old.token : undefined;
  } catch {
    return undefined;
  }
}

function writeState(file: string, state: CollectState): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * `loopscope collect`: a headless collector on a fixed loopback port that any number of agents on
 * this host report to, exporting what they send (OTLP, Prometheus) until SIGINT/SIGTERM.
 * `--print-env` prints the environment that makes programs report to it.
 */
export async function runCollect(argv: readonly string[], agentPath: string): Promise<number> {
  const args = parseCollectArgs(argv);
  if (args.printEnv) {
    process.stdout.write(envLines(await waitForState(args.stateFile, START_WAIT_MS), process.env));
    return 0;
  }
  const log = (line: string) => process.stderr.write(`loopscope collect: ${line}\n`);
  // A daemon keeps little history: it exists to export, the recorder is for timelines.
  const store = new SessionStore({ maxEvents: 200_000, maxAgeMs: 60_000 });
  const url = `ws://127.0.0.1:${args.port}`;
  let collector: Collector;
  try {
    collector = await Collector.start({ store, port: args.port, token: previousToken(args.stateFile, url) });
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new UsageError(inUse ? `port ${args.port} is in use (another loopscope collect? pick one with --port N)` : `cannot listen on ${url}: ${(error as Error).message}`);
  }
  collector.on('warning', (w) => log(w));
  let exporting;
  try {
    exporting = await startExportIfEnabled(store, args, process.env, (w) => log(w));
  } catch (error) {
    await collector.close();
    throw error;
  }
  store.on('ended', (session) => setTimeout(() => store.remove(session), FORGET_ENDED_MS).unref());
  const state: CollectState = { url: collector.url, token: collector.token, pid: process.pid, agentPath, stallThresholdMs: args.stallThresholdMs, promises: args.promises };
  writeState(args.stateFile, state);
  log(`listening on ${collector.url} (token in ${args.stateFile})`);
  for (const d of exporting?.destinations ?? ['no export on (--otlp, --prometheus PORT): collecting only']) log(d);
  log(`to report to it from a shell: eval "$(loopscope collect --print-env${args.stateFile === defaultStateFile() ? '' : ` --state-file ${shellQuote(args.stateFile)}`})"`);
  store.on('added', (s) => log(`pid ${s.info.pid} thread ${s.info.tid} connected (${s.info.argv.slice(1, 3).join(' ')})`));

  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  log(`stopping (${String(signal[0] ?? 'signal')})`);
  await collector.close();
  const delivered = (await exporting?.shutdown()) ?? true;
  // Only our own file: a newer daemon may have replaced it.
  try {
    if ((JSON.parse(readFileSync(args.stateFile, 'utf8')) as CollectState).pid === process.pid) rmSync(args.stateFile);
  } catch {
    // Already gone.
  }
  if (!delivered) exitDespiteRetries(0);
  return 0;
}
