/**
 * What the kernel saw of the recorded thread during a stall: CPU time against wall time, time
 * runnable but waiting for a CPU, major page faults and involuntary context switches. The
 * recording thread does not know a turn is a stall until it ends, so the transport worker keeps
 * baselines: on every other poll (every ~50 ms while callbacks run) it reads the counters, but
 * only while the thread shows life (its heartbeat moved since the last poll, or is younger than
 * `freshMs`), so that a long stall does not push its own start out of the history. The end is
 * read by the recorded thread itself as it notes the stall (once per stall, never per callback),
 * so the window ends with the stall even when the worker is slow to get the note. It starts at
 * the baseline closest to the stall's start, before or after it: normally within 50 ms before it,
 * exactly at it when the stall's callback is the first after an idle spell (the recorded thread
 * reads its counters as it wakes the worker), and further only when the thread showed no life for
 * long before (module evaluation) or the machine delays the worker's polls. `wallMs` is the window,
 * so comparing it with the stall's duration shows how far off it is.
 */
import { performance } from 'node:perf_hooks';
import { openThreadCounters, TC_CPU_NS, TC_FIELDS, TC_MAJFLT, TC_NVCSW, TC_RUNQ_NS, type ThreadCounters } from './threadCounters';
import type { WireStallContext } from './protocol';

const HISTORY = 32;
/**
 * Baselines are read at most this often (every other 25 ms poll). A reading is three /proc files,
 * and at every poll the reads were a quarter of the transport worker's CPU under HTTP load (perf);
 * 50 ms apart, a baseline still lies within NEAR_START_MS before any stall's start.
 */
const BASELINE_EVERY_MS = 45;

/** Per-thread counter baselines for stall context; all buffers allocated once. */
export class StallCounters {
  private readonly history = new Float64Array(HISTORY * TC_FIELDS);
  private readonly times = new Float64Array(HISTORY).fill(Number.NaN);
  private readonly now = new Float64Array(TC_FIELDS);
  private next = 0;
  private lastHeartbeat = Number.NaN;
  private lastRead = Number.NEGATIVE_INFINITY;

  private constructor(private readonly counters: ThreadCounters) {}

  /** Undefined where the thread's counters cannot be read (not Linux, no tid). */
  static open(pid: number, tid: number | undefined): StallCounters | undefined {
    if (tid === undefined) return undefined;
    const counters = openThreadCounters(pid, tid);
    return counters ? new StallCounters(counters) : undefined;
  }

  /** Called on every poll with the epoch ms now and the thread's latest sign of life (epoch ms). */
  poll(at: number, heartbeat: number, freshMs: number): void {
    const moved = heartbeat !== this.lastHeartbeat;
    this.lastHeartbeat = heartbeat;
    if ((!moved && at - heartbeat >= freshMs) || at - this.lastRead < BASELINE_EVERY_MS) return;
    const slot = this.next;
    if (this.counters.read(this.history, slot * TC_FIELDS)) {
      this.lastRead = at;
      this.times[slot] = at;
      this.next = (slot + 1) % HISTORY;
    }
  }

  /** The thread's total time runnable but waiting for a CPU, ms, read now; undefined when it cannot be read. */
  runQueueMs(): number | undefined {
    return this.counters.read(this.now, 0) ? this.now[TC_RUNQ_NS] / 1e6 : undefined;
  }

  /** Adds a baseline the recorded thread read itself at `at` (epoch ms). */
  add(at: number, reading: readonly number[]): void {
    if (reading.length !== TC_FIELDS) return;
    const slot = this.next;
    this.history.set(reading, slot * TC_FIELDS);
    this.times[slot] = at;
    this.next = (slot + 1) % HISTORY;
  }

  /**
   * The counters' change from the baseline that opens the stall's window (see below; one taken before `end`)
   * to `reading` (taken at `at`), or to a read now without one.
   */
  contextFor(start: number, end: number, at: number, reading?: readonly number[]): WireStallContext | undefined {
    // The latest baseline at or before the start when it is near (the window then holds the whole
    // stall and at most a poll or two before it); otherwise the one closest to the start, which may
    // lie inside the stall (a baseline long before it would stretch the window over idle time).
    let before = -1;
    let closest = -1;
    for (let i = 0; i < HISTORY; i++) {
      const t = this.times[i];
      if (Number.isNaN(t) || t >= end) continue;
      if (t <= start && (before < 0 || t > this.times[before])) before = i;
      if (closest < 0 || Math.abs(t - start) < Math.abs(this.times[closest] - start)) closest = i;
    }
    const best = before >= 0 && start - this.times[before] <= NEAR_START_MS ? before : closest;
    if (best < 0) return undefined;
    if (reading && reading.length === TC_FIELDS) this.now.set(reading);
    else if (!this.counters.read(this.now, 0)) return undefined;
    const b = best * TC_FIELDS;
    const h = this.history;
    const n = this.now;
    return {
      wallMs: round(at - this.times[best]),
      cpuMs: round((n[TC_CPU_NS] - h[b + TC_CPU_NS]) / 1e6),
      runQueueMs: round((n[TC_RUNQ_NS] - h[b + TC_RUNQ_NS]) / 1e6),
      majorFaults: n[TC_MAJFLT] - h[b + TC_MAJFLT],
      involuntarySwitches: n[TC_NVCSW] - h[b + TC_NVCSW],
    };
  }

  close(): void {
    this.counters.close();
  }
}

/**
 * How far before a stall's start a baseline may lie and still be preferred to a closer one inside
 * it: the 50 ms between baselines, the 25 ms poll that may pass before the stall shows, and jitter.
 */
const NEAR_START_MS = 90;

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * For the recorded thread: a reader of its own counters, for each stall note and for the first
 * callback after an idle spell (the start of a stall that wakes the sleeping worker), or undefined
 * where there are none. Its files are opened once; a read costs ~7 µs.
 */
export function createCounterReader(pid: number, tid: number | undefined): (() => { counters: number[]; countersAt: number } | undefined) | undefined {
  const counters = tid === undefined ? undefined : openThreadCounters(pid, tid);
  if (!counters) return undefined;
  const out = new Float64Array(TC_FIELDS);
  return () => {
    const countersAt = performance.now();
    return counters.read(out, 0) ? { counters: Array.from(out), countersAt } : undefined;
  };
}
