import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Collector } from '../collector/collector';
import { agentEnvironment } from '../collector/agentEnv';
import { writeRecording, serializeTrace } from '../collector/recording';
import { SessionStore, defaultStoreLimits, type StoreLimits } from '../collector/sessionStore';
import { exitDespiteRetries, startExportIfEnabled } from '../export/startIfEnabled';
import { parseRecordArgs } from './recordArgs';
import { formatSummary, rankStalls } from './stallSummary';

/** How long to wait, after the command exits, for its processes' last data. */
const SETTLE_MS = 3000;

/** `loopscope record`: runs COMMAND with the agent in every Node process it starts; returns the exit code. */
export async function runRecord(argv: readonly string[], agentPath: string): Promise<number> {
  const args = parseRecordArgs(argv);
  const collector = await Collector.start({ store: new SessionStore(storeLimits(args)) });
  collector.on('warning', (w) => process.stderr.write(`loopscope: ${w}\n`));
  const exporting = await startExportIfEnabled(collector.store, args, process.env, (w) => process.stderr.write(`loopscope: ${w}\n`)).catch(async (error: unknown) => {
    await collector.close();
    throw error;
  });
  for (const d of exporting?.destinations ?? []) process.stderr.write(`loopscope: ${d}\n`);
  const env = agentEnvironment(process.env, {
    agentPath,
    url: collector.url,
    token: collector.token,
    stallThresholdMs: args.stallThresholdMs,
    promises: args.promises,
  });
  const [file, ...rest] = args.command;
  const child = spawn(file, rest, {
    env,
    stdio: process.send ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit',
  });
  const relay = (m: unknown) => child.send?.(m as never);
  if (process.send) {
    child.on('message', (m) => process.send?.(m));
    process.on('message', relay);
  }
  // The terminal sends Ctrl-C to the whole process group: let the command decide, and forward
  // what only the recorder received.
  const forward = (signal: NodeJS.Signals) => () => {
    if (signal !== 'SIGINT') child.kill(signal);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, forward(s));

  const [code, signal] = (await Promise.race([
    once(child, 'exit'),
    once(child, 'error').then(([error]) => {
      process.stderr.write(`loopscope: cannot run ${file}: ${(error as Error).message}\n`);
      return [127, null];
    }),
  ])) as [number | null, NodeJS.Signals | null];
  // The recorder's own IPC channel must not keep it running once the command is gone.
  process.off('message', relay);
  process.channel?.unref();
  await settle(collector.store, SETTLE_MS);
  await collector.close();
  // A last metric export and the queued stall events, before the recorder exits.
  const delivered = (await exporting?.shutdown()) ?? true;

  const output = args.output ?? `loopscope-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const sessions = collector.store.list();
  await writeTrace(output, writeRecording(sessions, { command: args.command, stallThresholdMs: args.stallThresholdMs }));
  process.stderr.write(`${formatSummary(sessions, output, process.cwd())}\n`);

  let exitCode = code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1);
  if (args.failOnStallMs !== undefined) {
    const worst = rankStalls(sessions, process.cwd()).find((r) => r.stall.dur / 1000 >= args.failOnStallMs!);
    if (worst) {
      process.stderr.write(`loopscope: FAIL: ${(worst.stall.dur / 1000).toFixed(1)} ms stall at ${worst.where} (limit ${args.failOnStallMs} ms)\n`);
      if (exitCode === 0) exitCode = 1;
    }
  }
  if (!delivered) exitDespiteRetries(exitCode);
  return exitCode;
}

/** Waits until every session has ended (its agent said goodbye or hung up), or the timeout. */
async function settle(store: SessionStore, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && store.list().some((s) => s.live)) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes a trace file in parts, so a long recording never becomes one giant string. */
export async function writeTrace(file: string, trace: ReturnType<typeof writeRecording>): Promise<void> {
  const out = createWriteStream(path.resolve(file));
  for (const part of serializeTrace(trace)) {
    if (!out.write(part)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The store's bounds: the defaults, overridden by `--max-events` and `--max-age`. */
function storeLimits(args: { maxEvents?: number; maxAgeSeconds?: number }): StoreLimits {
  return {
    maxEvents: args.maxEvents ?? defaultStoreLimits.maxEvents,
    maxAgeMs: args.maxAgeSeconds !== undefined ? args.maxAgeSeconds * 1000 : defaultStoreLimits.maxAgeMs,
  };
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return (require('node:os').constants.signals as Record<string, number>)[signal];
}
