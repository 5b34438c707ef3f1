/** Anything with a `dispose()` (a `vscode.Disposable` fits). */
export interface Disposable {
  dispose(): unknown;
}

/** A list of disposables disposed together; anything added after disposal is disposed at once. */
export class DisposableList implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  /** Adds disposables and returns the first, so `const x = list.add(new X())` reads well. */
  add<T extends Disposable>(item: T, ...more: Disposable[]): T {
    for (const d of [item, ...more]) {
      if (this.disposed) safeDispose(d);
      else this.items.push(d);
    }
    return item;
  }

  /** Adds a callback run on disposal. */
  onDispose(fn: () => void): void {
    this.add({ dispose: fn });
  }

  /** Disposes everything, newest first; one failing item does not stop the others. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const d of items) safeDispose(d);
  }
}

function safeDispose(d: Disposable): void {
  try {
    d.dispose();
  } catch (err) {
    // Disposal runs during shutdown, where a throw would hide the remaining cleanup.
    console.error('loopscope: dispose failed', err);
  }
}
