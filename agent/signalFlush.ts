/**
 * Keeps what was recorded up to a fatal signal. A program with no listener of its own for
 * SIGINT, SIGTERM or SIGHUP dies at once by the signal and its 'exit' handlers never run, so the
 * agent's last batch (up to one flush interval) would be lost. The agent listens to those
 * signals; when one arrives and the program has no listener of its own, it flushes, removes
 * itself and raises the signal again, so that the process dies by it exactly as it would have
 * (same signal, same status). When the program listens itself, the agent does nothing and the
 * program's own handler runs as before.
 */

/** The signals whose default action ends the process and that a terminal or supervisor sends. */
export const FLUSHED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

type FlushedSignal = (typeof FLUSHED_SIGNALS)[number];

/**
 * Installs the listeners. `flush` must hand over everything recorded, synchronously (it may
 * block briefly); `register` runs the installation (the agent uses it to mark the signal handle as
 * its own, so that it is never recorded).
 */
export function installSignalFlush(flush: () => void, register: (install: () => void) => void = (f) => f()): void {
  const listeners = new Map<FlushedSignal, () => void>();
  const onSignal = (signal: FlushedSignal) => () => {
    try {
      const own = listeners.get(signal)!;
      // Another listener means the program handles this signal itself: leave it be.
      if (process.listeners(signal).some((l) => l !== own)) return;
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
}
