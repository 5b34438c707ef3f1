/**
 * Whether this process has an inspector the watchdog can connect to. Node creates none in the
 * `node --test` runner (test isolation by process) and in the `node --watch` parent, and there
 * `inspector.Session#connectToMainThread` from a worker does not throw: it aborts the whole
 * process (Node 20: `Assertion failed: (parent_handle_) != nullptr`). Node's own condition,
 * read from the command line (neither flag is allowed in NODE_OPTIONS).
 */
export function mainThreadInspectable(execArgv: readonly string[] = process.execArgv): boolean {
  let testRunner = false;
  let isolationNone = false;
  for (const a of execArgv) {
    if (a === '--') break;
    if (a === '--watch' || a === '--watch-path' || a.startsWith('--watch-path=')) return false;
    if (a === '--test') testRunner = true;
    if (/^--(experimental-)?test-isolation=none$/.test(a)) isolationNone = true;
  }
  return !(testRunner && !isolationNone);
}
