import fs from 'node:fs';

/**
 * Reads one thread's kernel counters from Linux `/proc/<pid>/task/<tid>/…` into a caller's
 * Float64Array: time on CPU and waiting for a CPU (schedstat), major page faults (stat field 12)
 * and involuntary context switches (status). The files stay open and are re-read from offset 0
 * into preallocated buffers, so a read allocates nothing. Other systems: `openThreadCounters`
 * returns undefined and nobody reads anything.
 */

/** Slots of one reading. */
export const TC_CPU_NS = 0;
export const TC_RUNQ_NS = 1;
export const TC_MAJFLT = 2;
export const TC_NVCSW = 3;
/** Floats per reading. */
export const TC_FIELDS = 4;

/** An open set of counter files of one thread. */
export interface ThreadCounters {
  /** Fills `out[offset … offset+TC_FIELDS)`; false when a file could not be read (the thread is gone). */
  read(out: Float64Array, offset: number): boolean;
  close(): void;
}

/**
 * The kernel thread id of the calling thread (`/proc/thread-self` → `<pid>/task/<tid>`); the
 * main thread's is the pid. Undefined where /proc does not exist.
 */
export function readKernelTid(): number | undefined {
  try {
    const m = /\/task\/(\d+)$/.exec(fs.readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const NVCSW = Buffer.from('nonvoluntary_ctxt_switches:');

/** Opens the counter files of thread `tid` of process `pid`, or undefined where there are none. */
export function openThreadCounters(pid: number, tid: number): ThreadCounters | undefined {
  const dir = `/proc/${pid}/task/${tid}`;
  const fds: number[] = [];
  try {
    for (const name of ['schedstat', 'stat', 'status']) fds.push(fs.openSync(`${dir}/${name}`, 'r'));
  } catch {
    for (const fd of fds) fs.closeSync(fd);
    return undefined;
  }
  const [schedFd, statFd, statusFd] = fds;
  const buffer = Buffer.alloc(4096);
  const readInto = (fd: number): number => fs.readSync(fd, buffer, 0, buffer.length, 0);
  return {
    read(out, offset) {
      try {
        let n = readInto(schedFd);
        let i = 0;
        out[offset + TC_CPU_NS] = numberAt(buffer, n, 0);
        while (i < n && buffer[i] !== 32) i++;
        out[offset + TC_RUNQ_NS] = numberAt(buffer, n, i + 1);
        n = readInto(statFd);
        // Field 2 (the command) may hold spaces and parentheses: count fields after its last ')'.
        i = buffer.lastIndexOf(41, n - 1);
        if (i < 0) return false;
        // After ") " comes field 3 (state); major faults are field 12, nine spaces on.
        i += 2;
        for (let field = 3; field < 12 && i < n; i++) if (buffer[i] === 32) field++;
        out[offset + TC_MAJFLT] = numberAt(buffer, n, i);
        n = readInto(statusFd);
        i = buffer.indexOf(NVCSW);
        if (i < 0 || i >= n) return false;
        i += NVCSW.length;
        while (i < n && (buffer[i] === 9 || buffer[i] === 32)) i++;
        out[offset + TC_NVCSW] = numberAt(buffer, n, i);
        return true;
      } catch {
        return false;
      }
    },
    close() {
      for (const fd of fds) {
        try {
          fs.closeSync(fd);
        } catch {
          // already closed
        }
      }
    },
  };
}

/** The decimal number starting at `i` in `buffer[0 … n)`. */
function numberAt(buffer: Buffer, n: number, i: number): number {
  let value = 0;
  for (; i < n; i++) {
    const c = buffer[i];
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return value;
}
