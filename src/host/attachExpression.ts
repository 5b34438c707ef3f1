/**
 * The expression evaluated in a running debuggee to load the agent without a restart: it sets the
 * agent's config in process.env first (the agent reads it on load), then requires the agent.
 */

/** A JavaScript expression that loads `agentPath` with `agentConfig` as LOOPSCOPE_AGENT; evaluates to a status string. */
export function attachExpression(agentPath: string, agentConfig: string): string {
  const path = JSON.stringify(agentPath);
  const config = JSON.stringify(agentConfig);
  // `require` is not in scope in ES modules or some REPL frames: fall back to createRequire.
  return `(() => { process.env.LOOPSCOPE_AGENT = ${config}; `
    + `const r = typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(${path}); `
    + `r(${path}); return 'loopscope agent loaded in ' + process.pid; })()`;
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
