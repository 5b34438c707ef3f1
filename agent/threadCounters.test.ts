import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openThreadCounters, readKernelTid, TC_CPU_NS, TC_FIELDS, TC_MAJFLT, TC_NVCSW, TC_RUNQ_NS } from './threadCounters';
import { createCounterReader, StallCounters } from './stallCounters';

const linux = fs.existsSync('/proc/thread-self/schedstat');
const spin = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe.runIf(linux)('per-thread kernel counters (Linux /proc)', () => {
  const tid = readKernelTid()!;

  it('finds this thread’s kernel id (the pid on the main thread)', () => {
    expect(tid).toBe(process.pid);
  });

  it('reads the same numbers the files hold, whatever the thread is called', () => {
    const comm = `/proc/${process.pid}/task/${tid}/comm`;
    const name = fs.readFileSync(comm, 'utf8').trim();
    try {
      // A command with spaces and parentheses must not shift the fields.
      fs.writeFileSync(comm, 'a) (b c');
      const c = openThreadCounters(process.pid, tid)!;
      const out = new Float64Array(TC_FIELDS);
      expect(c.read(out, 0)).toBe(true);
      const stat = fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      expect(stat).toContain('(a) (b c)');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      expect(out[TC_MAJFLT]).toBe(Number(fields[12 - 3]));
      const status = fs.readFileSync(`/proc/${process.pid}/task/${tid}/status`, 'utf8');
      expect(out[TC_NVCSW]).toBeLessThanOrEqual(Number(/nonvoluntary_ctxt_switches:\s*(\d+)/.exec(status)![1]));
      expect(out[TC_NVCSW]).toBeGreaterThanOrEqual(0);
      const [cpu, wait] = fs.readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      expect(out[TC_CPU_NS]).toBeLessThanOrEqual(cpu);
      expect(out[TC_CPU_NS]).toBeGreaterThan(cpu - 50e6);
      expect(out[TC_RUNQ_NS]).toBeLessThanOrEqual(wait);
      c.close();
    } finally {
      fs.writeFileSync(comm, name);
    }
  });

  it('tells a busy spell from a sleeping one by CPU time', () => {
    const c = openThreadCounters(process.pid, tid)!;
    const a = new Float64Array(TC_FIELDS);
    const b = new Float64Array(TC_FIELDS);
    c.read(a, 0);
    spin(80);
    c.read(b, 0);
    const busy = (b[TC_CPU_NS] + b[TC_RUNQ_NS] - a[TC_CPU_NS] - a[TC_RUNQ_NS]) / 1e6;
    c.read(a, 0);
    sleep(80);
    c.read(b, 0);
    const asleep = (b[TC_CPU_NS] - a[TC_CPU_NS]) / 1e6;
    // On CPU or waiting for one for nearly all of the spin; a sleeping thread uses next to none.
    expect(busy).toBeGreaterThan(70);
    expect(asleep).toBeLessThan(10);
    c.close();
  });

  it('a thread that does not exist has no counters', () => {
    expect(openThreadCounters(process.pid, 0x7ffffff0)).toBeUndefined();
  });
});

describe.runIf(linux)('stall counter baselines', () => {
  const now = () => performance.timeOrigin + performance.now();

  it('measures from the last baseline before the stall, which polls during the stall do not replace', () => {
    const counters = StallCounters.open(process.pid, readKernelTid())!;
    const beat = now();
    counters.poll(beat, beat, 25);
    const start = now();
    // Polls during the stall see a stale heartbeat and take no baseline.
    sleep(40);
    counters.poll(now(), beat, 25);
    spin(60);
    counters.poll(now(), beat, 25);
    const end = now();
    const context = counters.contextFor(start, end, now())!;
    // The window runs from the baseline (before the stall) to the read (after it); 0.01 ms rounding.
    expect(context.wallMs).toBeGreaterThanOrEqual(end - start - 0.01);
    expect(context.wallMs).toBeLessThan(end - beat + 20);
    expect(context.cpuMs + context.runQueueMs).toBeGreaterThan(50);
    expect(context.cpuMs).toBeLessThan(context.wallMs - 30);
    expect(context.majorFaults).toBeGreaterThanOrEqual(0);
    expect(context.involuntarySwitches).toBeGreaterThanOrEqual(0);
    counters.close();
  });

  it('takes the baseline closest to the start, even one inside the stall, when none is near before it, and none without any', () => {
    const counters = StallCounters.open(process.pid, readKernelTid())!;
    expect(counters.contextFor(now() - 10, now(), now())).toBeUndefined();
    // A baseline long before (the thread busy without a sign of life, as in module evaluation)…
    counters.poll(now(), 1, 25);
    spin(120);
    const start = now();
    spin(5);
    counters.poll(now(), now(), 25);
    spin(30);
    const context = counters.contextFor(start, now(), now())!;
    expect(context.wallMs).toBeLessThan(now() - start);
    expect(context.wallMs).toBeGreaterThan(25);
    counters.close();
  });

  it('prefers a baseline shortly before the start to a closer one inside the stall, so the window holds all of it', () => {
    const counters = StallCounters.open(process.pid, readKernelTid())!;
    counters.poll(now(), 1, 25);
    const baseline = now();
    spin(20);
    const start = now();
    spin(2);
    counters.poll(now(), now(), 25);
    spin(30);
    const end = now();
    const context = counters.contextFor(start, end, end)!;
    expect(context.wallMs).toBeGreaterThanOrEqual(end - start);
    expect(context.wallMs).toBeLessThanOrEqual(end - baseline + 1);
    counters.close();
  });

  it('ends the window at the reading the recorded thread took as it noted the stall', () => {
    const counters = StallCounters.open(process.pid, readKernelTid())!;
    const start = now();
    counters.poll(start, start, 25);
    spin(40);
    const end = createCounterReader(process.pid, readKernelTid())!()!;
    const endAt = performance.timeOrigin + end.countersAt;
    // Time after the reading is not the stall's: neither CPU nor wall time counts it.
    spin(40);
    const context = counters.contextFor(start, endAt, endAt, end.counters)!;
    expect(context.wallMs).toBeCloseTo(endAt - start, 1);
    // Both spins keep the thread on a CPU or waiting for one: had the second counted, this would
    // exceed the window by its 40 ms (the kernel's accounting lags by up to a scheduler tick).
    expect(context.cpuMs + context.runQueueMs).toBeLessThan(context.wallMs + 10);
    expect(context.cpuMs + context.runQueueMs).toBeGreaterThan(context.wallMs - 10);
    counters.close();
  });

  it('reads a baseline at most every 45 ms, however often it is polled while the thread shows life', () => {
    const counters = StallCounters.open(process.pid, readKernelTid())!;
    const first = now();
    counters.poll(first, first, 25);
    spin(20);
    // The heartbeat moved, but the last baseline is only 20 ms old: none is taken.
    counters.poll(now(), now(), 25);
    const start = now();
    spin(5);
    expect(counters.contextFor(start, now(), now())!.wallMs).toBeGreaterThanOrEqual(now() - first - 6);
    spin(30);
    const second = now();
    counters.poll(second, second, 25);
    const later = now();
    spin(5);
    const context = counters.contextFor(later, now(), now())!;
    expect(context.wallMs).toBeLessThan(now() - first - 40);
    expect(context.wallMs).toBeGreaterThanOrEqual(now() - second - 6);
    counters.close();
  });

  it('reads the thread\'s total runqueue wait as the schedstat file holds it, and it never goes back', () => {
    const tid = readKernelTid()!;
    const counters = StallCounters.open(process.pid, tid)!;
    const first = counters.runQueueMs()!;
    const fileMs = Number(fs.readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
    // Read just before the file: never more than it, and behind it by no more than the wait in between.
    expect(first).toBeLessThanOrEqual(fileMs);
    expect(first).toBeGreaterThan(fileMs - 50);
    spin(20);
    expect(counters.runQueueMs()!).toBeGreaterThanOrEqual(first);
    counters.close();
  });

  it('is absent without a kernel thread id', () => {
    expect(StallCounters.open(process.pid, undefined)).toBeUndefined();
  });
});
