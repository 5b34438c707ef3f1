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
 * Loads `agentPath` (a no-op when loaded) and starts it with `agentConfig`; leaves the agent's
 * status in `status`. With `closeInspector` the agent closes the inspector port first, in the next
 * turn: closing blocks the loop a moment, which must not be recorded as the program's stall.
 */
function loadAndStart(agentPath: string, agentConfig: string, closeInspector = false): string {
  const path = JSON.stringify(agentPath);
  const first = closeInspector ? `, first: ((i) => () => i.close())(r('node:inspector'))` : '';
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

/**
 * Closes the inspector port once this evaluation has answered: closing inside it would wait for
 * the very connection that asked. The module is taken now, while a `require` is in scope.
 */
export function inspectorCloseExpression(): string {
  return `(() => { const i = ${requireFunction('process.execPath')}('node:inspector'); `
    + `setImmediate(() => { try { i.close(); } catch {} }); return JSON.stringify({ status: 'closing', pid: process.pid }); })()`;
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
