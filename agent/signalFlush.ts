/**
 * Keeps what was recorded up to a fatal signal. A program with no listener of its own for
 * SIGINT, SIGTERM or SIGHUP dies at once by the signal and its 'exit' handlers never run, so the
 * agent's last batch (up to one flush interval) would be lost. The agent listens to those
 * signals; when one arrives and the program has no listener of its own, it flushes, removes
 * itself and raises the signal again, so that the process dies by it exactly as it would have
 * (same signal, same status). When the program listens itself, the agent does nothing and the
 * program's own handler runs as before.
 * Code that counts listeners to decide whether to re-raise a signal itself (signal-exit, used by
 * many tools, re-raises only when its listeners are the only ones) must not see the agent's, or
 * each would leave the killing to the other and the process would not die: the agent's
 * listeners are left out of `listeners`, `rawListeners`, `listenerCount` and `eventNames`.
 */

/** The signals whose default action ends the process and that a terminal or supervisor sends. */
export const FLUSHED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

type FlushedSignal = (typeof FLUSHED_SIGNALS)[number];

/**
 * Installs the listeners. `flush` must hand over everything recorded, synchronously (it may
 * block briefly); `register` runs the installation (the agent uses it to mark the signal handle as
 * its own, so that it is never recorded).
 */
export function installSignalFlush(flush: () => void, register: (install: () => void) => void = (f) => f()): () => void {
  const listeners = new Map<FlushedSignal, () => void>();
  const onSignal = (signal: FlushedSignal) => () => {
    try {
      // Another listener means the program handles this signal itself: leave it be (the agent's
      // own listeners are hidden from this query, see hideListeners).
      if (process.rawListeners(signal).length > 0) return;
      try {
        flush();
      } catch {
        // Whatever happened, the signal must still take effect.
      }
      for (const [s, l] of listeners) process.removeListener(s, l);
      // With no listener left Node restores the default action: the process dies by the signal.
      process.kill(process.pid, signal);
    } catch {
      // Never throw into the program's signal handling.
    }
  };
  register(() => {
    for (const s of FLUSHED_SIGNALS) {
      const l = onSignal(s);
      listeners.set(s, l);
      process.on(s, l);
    }
  });
  hideListeners(new Set<unknown>(listeners.values()));
  // Detach (an attached agent stopping) takes the listeners away again.
  return () => {
    for (const [s, l] of listeners) process.removeListener(s, l);
  };
}

/** Leaves `ours` out of what the process's listener queries return for the flushed signals. */
function hideListeners(ours: Set<unknown>): void {
  const signals = new Set<unknown>(FLUSHED_SIGNALS);
  const p = process as unknown as Record<string, (...args: unknown[]) => unknown>;
  const visible = (list: unknown[]) => list.filter((l) => !ours.has(l) && !ours.has((l as { listener?: unknown })?.listener));
  for (const name of ['listeners', 'rawListeners'] as const) {
    const original = p[name];
    p[name] = function (this: unknown, event: unknown, ...rest: unknown[]) {
      const result = original.call(this, event, ...rest);
      return signals.has(event) && Array.isArray(result) ? visible(result) : result;
    };
  }
  const originalCount = p.listenerCount;
  p.listenerCount = function (this: unknown, event: unknown, ...rest: unknown[]) {
    const result = originalCount.call(this, event, ...rest);
    if (!signals.has(event) || typeof result !== 'number') return result;
    return visible(process.rawListeners(event as NodeJS.Signals)).length;
  };
  const originalNames = p.eventNames;
  p.eventNames = function (this: unknown, ...rest: unknown[]) {
    const names = originalNames.apply(this, rest);
    return Array.isArray(names) ? names.filter((n) => !signals.has(n) || process.listenerCount(n as NodeJS.Signals) > 0) : names;
  };
}
