/** `loopscope attach PID`: records a running Node process until Ctrl-C or its exit, then writes the recording. */
import { Collector } from '../collector/collector';
import { writeRecording } from '../collector/recording';
import type { Session, SessionStore } from '../collector/sessionStore';
import type { AgentConfig } from '../../agent/protocol';
import { AttachError, attachToProcess, waitForAgent, type AttachedProcess } from '../host/inspectorAttach';
import { UsageError } from './recordArgs';
import { formatSummary, stallLocation } from './stallSummary';
import { writeTrace } from './recordCommand';

/** How long to wait, after the agent was told to stop (or the process exited), for its last data. */
const SETTLE_MS = 3000;

/** Options of `loopscope attach`. */
export interface AttachArgs {
  pid: number;
  output: string | undefined;
  stallThresholdMs: number;
  promises: boolean;
}

/** Parses `attach PID [-o FILE] [--stall-threshold MS] [--promises]`. */
export function parseAttachArgs(argv: readonly string[]): AttachArgs {
  const args: AttachArgs = { pid: 0, output: undefined, stallThresholdMs: 50, promises: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '-o' || flag === '--output') {
      args.output = value();
      if (!args.output) throw new UsageError(`${flag} needs a file name`);
    } else if (flag === '--stall-threshold') {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number of milliseconds`);
      args.stallThresholdMs = n;
    } else if (flag === '--promises') args.promises = true;
    else if (/^\d+$/.test(a) && !args.pid) args.pid = Number(a);
    else throw new UsageError(a.startsWith('-') ? `unknown option ${a}` : `"${a}" is not a process id`);
  }
  if (!args.pid) throw new UsageError('no process to attach to: loopscope attach PID [-o FILE]');
  return args;
}

/** Runs `loopscope attach`; returns the exit code (1 when the process cannot be attached to). */
export async function runAttach(argv: readonly string[], agentPath: string): Promise<number> {
  const args = parseAttachArgs(argv);
  const collector = await Collector.start();
  collector.on('warning', (w) => process.stderr.write(`loopscope: ${w}\n`));
  const config: AgentConfig = { url: collector.url, token: collector.token, stallThresholdMs: args.stallThresholdMs, promises: args.promises };
  // Caught from the start: a Ctrl-C while attaching still detaches (the agent must not be left recording).
  let onSignal: () => void = () => {};
  const signalled = new Promise<void>((resolve) => {
    onSignal = resolve;
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  let attached: AttachedProcess | undefined;
  try {
    // Listening before the attach: the agent may connect before the attach has returned.
    const arrived = waitForAgent(collector.store, args.pid);
    arrived.catch(() => {});
    attached = await attachToProcess(args.pid, { agentPath, agentConfig: JSON.stringify(config) });
    await arrived.catch(async (e: unknown) => {
      await attached?.detach().catch(() => undefined);
      throw e;
    });
  } catch (e) {
    for (const s of signals) process.off(s, onSignal);
    await collector.close();
    if (e instanceof AttachError) {
      process.stderr.write(`loopscope: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const stopLive = printStallsLive(collector.store);
  process.stderr.write(`loopscope: recording process ${args.pid} (${attached.argv.join(' ')}); press Ctrl-C to stop\n`);

  const ended = await Promise.race([attached.exited.then(() => 'exited' as const), signalled.then(() => 'signal' as const)]);
  for (const s of signals) process.off(s, onSignal);

  let exitCode = 0;
  if (ended === 'signal') {
    try {
      const how = await attached.detach();
      process.stderr.write(how === 'exited' ? `loopscope: process ${args.pid} exited\n` : `loopscope: detached from process ${args.pid}; it runs on without the agent\n`);
    } catch (e) {
      process.stderr.write(`loopscope: could not stop the agent in process ${args.pid}: ${(e as Error).message}\n`);
      exitCode = 1;
    }
  } else process.stderr.write(`loopscope: process ${args.pid} exited\n`);
  await settle(collector.store, SETTLE_MS);
  stopLive();
  await collector.close();

  const output = args.output ?? `loopscope-${args.pid}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const sessions = collector.store.list();
  await writeTrace(output, writeRecording(sessions, { command: attached.argv, stallThresholdMs: args.stallThresholdMs }));
  process.stderr.write(`${formatSummary(sessions, output, process.cwd())}\n`);
  return exitCode;
}

/** Prints each stall as it arrives, so that one sees the recording work; returns the unsubscribe. */
function printStallsLive(store: SessionStore): () => void {
  const printed = new Map<string, number>();
  const onUpdate = (session: Session) => {
    for (let i = printed.get(session.id) ?? 0; i < session.stalls.length; i++) {
      const stall = session.stalls[i];
      process.stderr.write(`loopscope: stall ${(stall.dur / 1000).toFixed(1)} ms at ${stallLocation(stall, process.cwd())}\n`);
    }
    printed.set(session.id, session.stalls.length);
  };
  store.on('updated', onUpdate);
  return () => store.off('updated', onUpdate);
}

/** Waits until every session has ended (its agent said goodbye or hung up), or the timeout. */
async function settle(store: SessionStore, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && store.list().some((s) => s.live)) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
