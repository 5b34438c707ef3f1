import fs from 'node:fs';

/**
 * Reads how long this thread has waited, runnable, for a CPU (Linux `/proc/thread-self/schedstat`,
 * second field, ns). A loop held while the machine gave the thread no CPU is not the program's
 * code blocking; the recorder subtracts this wait before calling anything a stall. Reads into a
 * preallocated buffer; returns undefined where the file does not exist (other systems).
 */
export function createRunQueueClock(): (() => number) | undefined {
  let fd: number;
  try {
    fd = fs.openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(96);
  return () => {
    try {
      const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
      let i = 0;
      while (i < n && buffer[i] !== 32) i++; // skip the first field (time on CPU)
      let wait = 0;
      for (i++; i < n; i++) {
        const c = buffer[i];
        if (c < 48 || c > 57) break;
        wait = wait * 10 + (c - 48);
      }
      return wait / 1e6;
    } catch {
      return 0;
    }
  };
}
