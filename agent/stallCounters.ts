/**
 * What the kernel saw of the recorded thread during a stall: CPU time against wall time, time
 * runnable but waiting for a CPU, major page faults and involuntary context switches. The
 * recording thread does not know a turn is a stall until it ends, so the transport worker keeps
 * baselines: on each of its polls (every ~25 ms while callbacks run) it reads the counters, but
 * only while the thread shows life (its heartbeat moved since the last poll, or is younger than
 * `freshMs`), so that a long stall does not push its own start out of the history. When the stall note arrives it reads
 * again; the difference covers the stall, plus at most one poll interval before it and the
 * note's delivery after it (`wallMs` is that window, not the stall).
 */
import { openThreadCounters, TC_CPU_NS, TC_FIELDS, TC_MAJFLT, TC_NVCSW, TC_RUNQ_NS, type ThreadCounters } from './threadCounters';
import type { WireStallContext } from './protocol';

const HISTORY = 32;

/** Per-thread counter baselines for stall context; all buffers allocated once. */
export class StallCounters {
  private readonly history = new Float64Array(HISTORY * TC_FIELDS);
  private readonly times = new Float64Array(HISTORY).fill(Number.NaN);
  private readonly now = new Float64Array(TC_FIELDS);
  private next = 0;
  private lastHeartbeat = Number.NaN;

  private constructor(private readonly counters: ThreadCounters) {}

  /** Undefined where the thread's counters cannot be read (not Linux, no tid). */
  static open(pid: number, tid: number | undefined): StallCounters | undefined {
    if (tid === undefined) return undefined;
    const counters = openThreadCounters(pid, tid);
    return counters ? new StallCounters(counters) : undefined;
  }

  /** Called on every poll with the epoch ms now and the thread's latest sign of life (epoch ms). */
  poll(at: number, heartbeat: number, freshMs: number): void {
    if (heartbeat === this.lastHeartbeat && at - heartbeat >= freshMs) return;
    this.lastHeartbeat = heartbeat;
    const slot = this.next;
    if (this.counters.read(this.history, slot * TC_FIELDS)) {
      this.times[slot] = at;
      this.next = (slot + 1) % HISTORY;
    }
  }

  /**
   * The counters' change from the last baseline taken at or before `start` (epoch ms) to now; when
   * every baseline is later (the worker was asleep as the stall began) the earliest one before `end`.
   */
  contextFor(start: number, end: number, at: number): WireStallContext | undefined {
    let best = -1;
    let earliest = -1;
    for (let i = 0; i < HISTORY; i++) {
      const t = this.times[i];
      if (Number.isNaN(t)) continue;
      if (t <= start && (best < 0 || t > this.times[best])) best = i;
      if (t < end && (earliest < 0 || t < this.times[earliest])) earliest = i;
    }
    if (best < 0) best = earliest;
    if (best < 0 || !this.counters.read(this.now, 0)) return undefined;
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

const round = (ms: number) => Math.round(ms * 100) / 100;
