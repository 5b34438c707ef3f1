/**
 * Attach by PID: records a running Node process without a restart or a debugger session. Its
 * inspector is opened the way Node documents it (SIGUSR1), the agent is loaded over the inspector
 * protocol, and the port is closed again at once; detaching opens it once more to stop the agent.
 * Only the caller's own Node processes are touched: SIGUSR1 ends any other program.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { agentStartExpression, agentStopExpression, inspectorCloseExpression, parseAgentReply } from './attachExpression';
import { InspectorClient } from './inspectorClient';
import {
  inspectorFlagged, inspectorPortOf, listenerOfPort, listeningPorts, looksLikeNode, nodeOptionsOf, readProcess, sigusr1Disabled, socketsOf, TCP_ESTABLISHED,
  type ProcessFacts,
} from './nodeProcesses';

/** Why a process cannot be attached to; `code` is stable, the message says what to do. */
export class AttachError extends Error {
  constructor(readonly code: 'unsupported' | 'no-process' | 'other-user' | 'not-node' | 'sigusr1-disabled' | 'inspector-in-use' | 'port-taken'
    | 'no-inspector' | 'already-recording' | 'agent', message: string) {
    super(message);
    this.name = 'AttachError';
  }
}

/** Options of `attachToProcess`. */
export interface AttachOptions {
  /** The agent file (dist/agent.js). */
  agentPath: string;
  /** The agent's config as JSON (`AgentConfig`: collector URL, token, threshold). */
  agentConfig: string;
  /** How long the inspector may take to open after SIGUSR1 (default 5000 ms). */
  openTimeoutMs?: number;
  /** /proc, for tests. */
  procRoot?: string;
}

/** A process the agent was loaded into. */
export interface AttachedProcess {
  pid: number;
  /** The process's command line. */
  argv: string[];
  /** True when its inspector was open before the attach (then it is left open). */
  inspectorWasOpen: boolean;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  /** Stops the agent and closes the inspector port again; 'exited' when the process is gone. */
  detach(): Promise<'stopped' | 'exited'>;
}

/** An inspector found in the target. */
interface OpenInspector {
  port: number;
  webSocketUrl: string;
  /** It was open before this call. */
  wasOpen: boolean;
}

const POLL_MS = 25;
const EXIT_POLL_MS = 250;
/** How long closing the inspector port may take to show in /proc. */
const CLOSE_TIMEOUT_MS = 3000;

/** Checks that `pid` is one of this user's Node processes; returns what /proc says about it. */
export function checkTarget(pid: number, procRoot = '/proc'): ProcessFacts {
  // /proc tells Node from other programs before the signal; elsewhere SIGUSR1 would be a blind shot.
  if (process.platform !== 'linux' && procRoot === '/proc') throw new AttachError('unsupported', 'attaching by process id works on Linux only');
  if (!Number.isInteger(pid) || pid <= 0) throw new AttachError('no-process', `"${pid}" is not a process id`);
  const facts = readProcess(pid, procRoot);
  if (!facts) throw new AttachError('no-process', `there is no process ${pid}`);
  const uid = process.getuid?.();
  if (uid !== undefined && facts.uid !== uid) {
    throw new AttachError('other-user', `process ${pid} belongs to another user (uid ${facts.uid}); Loopscope attaches only to your own processes`);
  }
  const command = facts.argv.join(' ') || '(no command line)';
  if (!looksLikeNode(facts.exe, facts.argv)) {
    throw new AttachError('not-node', `process ${pid} (${command}) is not a Node.js process; it was left alone`);
  }
  if (sigusr1Disabled(facts.argv, nodeOptionsOf(pid, procRoot))) {
    throw new AttachError('sigusr1-disabled', `process ${pid} was started with --disable-sigusr1, so its inspector cannot be opened from outside; it was left alone`);
  }
  return facts;
}

/** Loads the agent into `pid` and starts it; the process runs on unchanged, now reporting to the collector. */
export async function attachToProcess(pid: number, options: AttachOptions): Promise<AttachedProcess> {
  const root = options.procRoot ?? '/proc';
  const facts = checkTarget(pid, root);
  const inspector = await openInspector(facts, root, options.openTimeoutMs ?? 5000, false);
  // The agent itself closes a port this code opened, before it starts recording.
  await withInspector(pid, inspector, root, { closes: true }, async (client) => {
    const reply = parseAgentReply(await client.evaluate(agentStartExpression(options.agentPath, options.agentConfig, { closeInspector: !inspector.wasOpen })));
    if (reply.pid !== pid) throw new AttachError('agent', `the inspector on port ${inspector.port} belongs to process ${reply.pid}, not ${pid}`);
    if (reply.status === 'already recording') {
      throw new AttachError('already-recording', `process ${pid} already runs the Loopscope agent (it was started by loopscope record or the debugger); its data goes there`);
    }
    if (reply.status !== 'started') throw new AttachError('agent', `the agent did not start in process ${pid}: ${reply.status}`);
  });

  let gone = false;
  const exited = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (readProcess(pid, root)?.startTime === facts.startTime) return;
      gone = true;
      clearInterval(timer);
      resolve();
    }, EXIT_POLL_MS);
    timer.unref();
  });
  let detaching: Promise<'stopped' | 'exited'> | undefined;
  return {
    pid,
    argv: facts.argv,
    inspectorWasOpen: inspector.wasOpen,
    exited,
    detach: () => (detaching ??= (async () => {
      if (gone || readProcess(pid, root)?.startTime !== facts.startTime) return 'exited';
      const again = await openInspector(checkTarget(pid, root), root, options.openTimeoutMs ?? 5000, true);
      // Open before the attach (or since, by a debugger): leave it open as found.
      if (inspector.wasOpen) again.wasOpen = true;
      await withInspector(pid, again, root, { closes: false }, async (client) => {
        parseAgentReply(await client.evaluate(agentStopExpression(), { awaitPromise: true }));
      });
      return 'stopped';
    })()),
  };
}

/**
 * Runs `use` on a connection to `inspector`, then closes the port again (and sees it closed) when
 * this code opened it; `closes`: what `use` evaluated closes it itself.
 */
async function withInspector(pid: number, inspector: OpenInspector, root: string, how: { closes: boolean },
  use: (client: InspectorClient) => Promise<void>): Promise<void> {
  let client: InspectorClient;
  try {
    client = await InspectorClient.connect(inspector.webSocketUrl);
  } catch (e) {
    throw new AttachError('inspector-in-use', `could not connect to process ${pid}'s inspector on port ${inspector.port}: ${(e as Error).message}`);
  }
  let failed = true;
  try {
    await use(client);
    failed = false;
  } finally {
    if (!inspector.wasOpen && (!how.closes || failed)) await client.evaluate(inspectorCloseExpression()).catch(() => undefined);
    await client.close();
  }
  if (inspector.wasOpen) return;
  for (const deadline = Date.now() + CLOSE_TIMEOUT_MS; Date.now() < deadline && listeningPorts(pid, root).includes(inspector.port);) await delay(POLL_MS);
}

/**
 * Finds the process's inspector, opening it with SIGUSR1 when it is closed. The port is found
 * from the sockets the process holds (by inode), never by trying 9229: another process may hold
 * that, or be a Node inspector itself.
 */
async function openInspector(facts: ProcessFacts, root: string, timeoutMs: number, allowInUse: boolean): Promise<OpenInspector> {
  const { pid } = facts;
  const before = listeningPorts(pid, root);
  const nodeOptions = nodeOptionsOf(pid, root);
  const alreadyOpen = async () => {
    const existing = await findInspector(before);
    if (!existing) return undefined;
    const clients = socketsOf(pid, root).filter((s) => s.state === TCP_ESTABLISHED && s.localPort === existing.port).length;
    if (clients > 0 && !allowInUse) {
      throw new AttachError('inspector-in-use', `process ${pid}'s inspector (port ${existing.port}) is in use by a debugger already; `
        + 'detach that debugger first, or use "Loopscope: Load Agent into Debug Session" from it. The process was left alone');
    }
    return { ...existing, wasOpen: true };
  };
  // The program's own ports are asked for an inspector's target list only when it was started
  // with its inspector on (or, below, when SIGUSR1 opened nothing new): a request to the user's
  // server is a side effect. SIGUSR1 to an inspector already open does nothing.
  const flagged = inspectorFlagged(facts.argv, nodeOptions) ? await alreadyOpen() : undefined;
  if (flagged) return flagged;
  // Checked again just before the signal: the pid must still be the same Node process.
  if (readProcess(pid, root)?.startTime !== facts.startTime) throw new AttachError('no-process', `process ${pid} has exited`);
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await delay(POLL_MS);
    const fresh = listeningPorts(pid, root).filter((p) => !before.includes(p));
    const found = fresh.length ? await findInspector(fresh) : undefined;
    if (found) return { ...found, wasOpen: false };
    if (readProcess(pid, root)?.startTime !== facts.startTime) throw new AttachError('no-process', `process ${pid} exited`);
  }
  // Opened by the program itself (inspector.open()), without a flag.
  const opened = await alreadyOpen();
  if (opened) return opened;
  const wanted = inspectorPortOf(facts.argv, nodeOptions);
  const holder = wanted > 0 ? listenerOfPort(wanted, root) : undefined;
  if (holder !== undefined && holder !== pid) {
    throw new AttachError('port-taken', `could not open process ${pid}'s inspector: port ${wanted} is taken by process ${holder}. `
      + 'Free it, or start the program with --inspect-port=0 (any free port) to be able to attach');
  }
  if (holder === undefined && wanted > 0 && (await portAnswers(wanted))) {
    throw new AttachError('port-taken', `could not open process ${pid}'s inspector: port ${wanted} is taken by another process. `
      + 'Free it, or start the program with --inspect-port=0 (any free port) to be able to attach');
  }
  throw new AttachError('no-inspector', `process ${pid} did not open its inspector within ${timeoutMs} ms of SIGUSR1 `
    + '(does the program handle SIGUSR1 itself, or is the Node build without an inspector?)');
}

/** The first of `ports` that serves a Node inspector's target list. */
async function findInspector(ports: readonly number[]): Promise<Omit<OpenInspector, 'wasOpen'> | undefined> {
  for (const port of ports) {
    const targets = await fetchJson(`http://127.0.0.1:${port}/json/list`);
    if (!Array.isArray(targets)) continue;
    const target = targets.find((t: { type?: unknown; webSocketDebuggerUrl?: unknown }) => t?.type === 'node' && typeof t.webSocketDebuggerUrl === 'string');
    if (target) return { port, webSocketUrl: target.webSocketDebuggerUrl as string };
  }
  return undefined;
}

async function fetchJson(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500), redirect: 'error' });
    if (!res.ok || !/json/.test(res.headers.get('content-type') ?? '')) return undefined;
    return await res.json();
  } catch {
    return undefined;
  }
}

async function portAnswers(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The part of a session store that tells when a process's agent has connected. */
export interface SessionArrivals {
  list(): readonly { info: { pid: number } }[];
  on(event: 'added', listener: (session: { info: { pid: number } }) => void): unknown;
  off(event: 'added', listener: (session: { info: { pid: number } }) => void): unknown;
}

/**
 * Resolves once `pid`'s agent has said hello to the collector: its hooks are on from then, so
 * only then is the process recorded (the start itself runs a turn after the attach answered).
 */
export function waitForAgent(store: SessionArrivals, pid: number, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (store.list().some((s) => s.info.pid === pid)) {
      resolve();
      return;
    }
    const onAdded = (s: { info: { pid: number } }) => {
      if (s.info.pid !== pid) return;
      clearTimeout(timer);
      store.off('added', onAdded);
      resolve();
    };
    const timer = setTimeout(() => {
      store.off('added', onAdded);
      reject(new AttachError('agent', `the agent was loaded into process ${pid} but did not connect within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    // A failed attach must not keep its caller waiting for this.
    timer.unref();
    store.on('added', onAdded);
  });
}
