/**
 * The expressions evaluated in a running Node process to load, start and stop the agent without a
 * restart: through a debug session's evaluate, or over the inspector protocol (`loopscope attach`).
 * The agent leaves a control object on the global (agent/attachControl.ts) that these call.
 */
import { AGENT_CONTROL_KEY } from '../../agent/attachControl';

/**
 * A `require` in the evaluating frame. It is not in scope in ES modules, in REPL frames, or in a
 * plain `Runtime.evaluate` (only `includeCommandLineAPI` lends one, and only for that evaluation):
 * fall back to `createRequire` through `process.getBuiltinModule` (Node 20.16+), then mainModule's.
 */
function requireFunction(anchor: string): string {
  return `(typeof require === 'function' ? require : typeof process.getBuiltinModule === 'function' `
    + `? process.getBuiltinModule('node:module').createRequire(${anchor}) : process.mainModule.require.bind(process.mainModule))`;
}

const control = `globalThis[Symbol.for(${JSON.stringify(AGENT_CONTROL_KEY)})]`;

/**
 * A function `(done) => void` that closes the inspector once no client is connected to it any more,
 * then calls `done`. Closing while a client's session is alive crashes Node (nodejs/node#18761,
 * seen here too: a segfault one attach in five when closing from a turn after the evaluation), so
 * it waits, on unref'd timers, until /proc/self/net shows no connection to the inspector's port on
 * two reads in a row (the second gives the main thread a turn to drop the session); after 10 s
 * it leaves the port open rather than risk that.
 */
function closeWhenUnused(requireFn: string): string {
  return `((i, fs) => (done) => { `
    + `const port = Number((/:(\\d+)\\//.exec(i.url() || '') || [])[1]); `
    + `const hex = port.toString(16).toUpperCase().padStart(4, '0'); `
    + `const used = () => ['tcp', 'tcp6'].some((t) => { try { return fs.readFileSync('/proc/self/net/' + t, 'utf8').split('\\n').some((l) => { `
    + `const c = l.trim().split(/\\s+/); return c[1] && c[1].endsWith(':' + hex) && (c[3] === '01' || c[3] === '08'); }); } catch { return false; } }); `
    + `const deadline = Date.now() + 10000; let quiet = 0; `
    + `const tick = () => { if (!port) return done(); quiet = used() ? 0 : quiet + 1; `
    + `if (quiet >= 2) { try { i.close(); } catch {} return done(); } `
    + `if (Date.now() > deadline) return done(); setTimeout(tick, 20).unref(); }; `
    + `setTimeout(tick, 20).unref(); })(${requireFn}('node:inspector'), ${requireFn}('node:fs'))`;
}

/**
 * Loads `agentPath` (a no-op when loaded) and starts it with `agentConfig`; leaves the agent's
 * status in `status`. With `closeInspector` the agent first closes the inspector port (once this
 * connection is gone) and only then starts: the close holds the loop a moment, which is not the
 * program's stall.
 */
function loadAndStart(agentPath: string, agentConfig: string, closeInspector = false): string {
  const path = JSON.stringify(agentPath);
  const first = closeInspector ? `, first: ${closeWhenUnused('r')}` : '';
  return `const r = ${requireFunction(path)}; r(${path}); const c = ${control}; `
    + `const status = c ? c.start(${JSON.stringify(agentConfig)}, { attached: true${first} }) : 'not loaded';`;
}

/** A JavaScript expression that loads `agentPath` and starts it with `agentConfig` (JSON); evaluates to a status string. */
export function attachExpression(agentPath: string, agentConfig: string): string {
  return `(() => { ${loadAndStart(agentPath, agentConfig)} return 'loopscope agent ' + status + ' in ' + process.pid; })()`;
}

/** What the inspector expressions below evaluate to, as JSON text. */
export interface AgentReply {
  status: string;
  pid: number;
}

/**
 * Like `attachExpression`, evaluating to an `AgentReply` JSON text for a program to read; with
 * `closeInspector` the inspector port is closed before recording begins (once this evaluation answered).
 */
export function agentStartExpression(agentPath: string, agentConfig: string, options: { closeInspector?: boolean } = {}): string {
  return `(() => { ${loadAndStart(agentPath, agentConfig, options.closeInspector)} return JSON.stringify({ status, pid: process.pid }); })()`;
}

/** Stops the agent (hooks off, data handed over, worker ended); a promise of an `AgentReply` JSON text (evaluate with awaitPromise). */
export function agentStopExpression(): string {
  return `(() => { const c = ${control}; const reply = (status) => JSON.stringify({ status, pid: process.pid }); `
    + `return c ? c.stop().then(reply, () => reply('failed')) : Promise.resolve(reply('not loaded')); })()`;
}

/** Closes the inspector port once the client that evaluates this has disconnected (see closeWhenUnused). */
export function inspectorCloseExpression(): string {
  return `(() => { const r = ${requireFunction('process.execPath')}; ${closeWhenUnused('r')}(() => {}); `
    + `return JSON.stringify({ status: 'closing', pid: process.pid }); })()`;
}

/** Reads an `AgentReply` from an evaluation's value; throws on anything else. */
export function parseAgentReply(value: unknown): AgentReply {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as Partial<AgentReply>) : undefined;
  if (!parsed || typeof parsed.status !== 'string' || typeof parsed.pid !== 'number') throw new Error(`unexpected answer ${JSON.stringify(value)}`);
  return { status: parsed.status, pid: parsed.pid };
}

/** Rejects with a timeout error when `promise` has not settled in `ms` (a DAP request to a parent session never does). */
export function withTimeout<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}

/** A promise-like (VS Code's `Thenable`). */
export interface Thenable<T> {
  then<R1 = T, R2 = never>(onFulfilled?: (value: T) => R1 | PromiseLike<R1>, onRejected?: (reason: unknown) => R2 | PromiseLike<R2>): PromiseLike<R1 | R2>;
}
