import asyncHooks from 'node:async_hooks';
import v8 from 'node:v8';

/**
 * Enables an async hook without turning on V8's promise hooks, which cost 5–20× on
 * await-heavy code. Node installs them from inside `enable()` through
 * `v8.promiseHooks.createHook`; stubbing that for the call skips them. Doing so is only safe
 * when no other code has promise hooks active (Node 20 aborts when AsyncLocalStorage was
 * already in use), so the stub is used only when no user-land module ran before the agent.
 */
export function enableWithoutPromiseHooks(hook: asyncHooks.AsyncHook, selfFile: string): boolean {
  if (!nothingRanBefore(selfFile)) {
    hook.enable();
    return false;
  }
  const promiseHooks = v8.promiseHooks as unknown as { createHook: (...args: unknown[]) => () => void };
  const original = promiseHooks.createHook;
  promiseHooks.createHook = () => () => {};
  try {
    hook.enable();
  } finally {
    promiseHooks.createHook = original;
  }
  return true;
}

/** True when the only user-land modules loaded so far are this agent and known-harmless bootloaders. */
function nothingRanBefore(selfFile: string): boolean {
  for (const key of Object.keys(require.cache)) {
    if (key === selfFile) continue;
    // js-debug's bootloader runs first under VS Code's debugger and uses no async hooks.
    if (/js-debug[\\/].*bootloader\.js$|[\\/]bootloader\.js$/.test(key)) continue;
    return false;
  }
  return true;
}
