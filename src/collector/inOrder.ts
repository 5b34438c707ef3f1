/**
 * Runs one connection's work in arrival order. Work that must wait (a source map being read)
 * holds back everything after it, so that a stall is never stored after the goodbye that ends
 * its session; while nothing waits, work runs at once, synchronously.
 */
export class InOrder {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** `onError` gets what a task throws; the tasks after it still run. */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `task` now, or after the tasks queued before it and after `ready` settles. */
  run(task: () => void, ready?: Promise<unknown>): void {
    if (this.queued === 0 && !ready) return this.safely(task);
    this.queued++;
    this.tail = this.tail
      .then(() => ready)
      .catch(() => undefined)
      .then(() => {
        this.queued--;
        this.safely(task);
      });
  }

  private safely(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.onError(error);
    }
  }
}
