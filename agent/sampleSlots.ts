/**
 * Loop samples and GC pauses in shared memory: the recording thread writes them in place and the
 * transport worker reads them when it flushes anyway. Posting each one woke the worker (100–200 µs
 * a wakeup on a loaded machine) and cost a structured clone on the program's thread; under load
 * V8 runs several scavenges a second, each of which was a postMessage.
 */

/** Int32 header slots. */
const S_LOOP_WRITE = 0; // loop samples written (monotonic)
const S_GC_WRITE = 1; // GC pauses written (monotonic)
const HEADER_INTS = 2;

/** Float64s per loop sample: ts (epoch µs), p50, p99, max (ms), utilization, folded. */
const LOOP_FIELDS = 6;
/** Float64s per GC pause: ts (epoch µs), dur (µs), kind (V8's flag). */
const GC_FIELDS = 3;
/** Samples come every 100 ms while active and the worker reads them every 100 ms; idle, one a second against a 5 s sleep. */
const LOOP_SLOTS = 64; // powers of two: indices wrap with a mask
/** Scavenges can come every few ms under allocation-heavy load; older ones are overwritten and counted. */
const GC_SLOTS = 256;

/** V8's GC kind flags, as the timeline names them. */
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

/** One loop sample as the worker reads it. */
export interface LoopSlot {
  ts: number;
  p50: number;
  p99: number;
  max: number;
  utilization: number;
  /** Short nextTick callbacks that ran in the window and were counted, not recorded one by one. */
  folded: number;
}

/** Views over the slots' SharedArrayBuffer. */
export interface SampleSlots {
  sab: SharedArrayBuffer;
  header: Int32Array;
  loop: Float64Array;
  gc: Float64Array;
}

/** Allocates the slots once (about 9 KB); their size never changes. */
export function createSampleSlots(): SampleSlots {
  return viewSampleSlots(new SharedArrayBuffer(8 + LOOP_SLOTS * LOOP_FIELDS * 8 + GC_SLOTS * GC_FIELDS * 8));
}

/** Views an existing slots buffer (the worker's side). */
export function viewSampleSlots(sab: SharedArrayBuffer): SampleSlots {
  const header = new Int32Array(sab, 0, HEADER_INTS);
  const loop = new Float64Array(sab, 8, LOOP_SLOTS * LOOP_FIELDS);
  const gc = new Float64Array(sab, 8 + LOOP_SLOTS * LOOP_FIELDS * 8, GC_SLOTS * GC_FIELDS);
  return { sab, header, loop, gc };
}

/** Writes one loop sample (recording thread). */
export function writeLoopSample(s: SampleSlots, ts: number, p50: number, p99: number, max: number, utilization: number, folded: number): void {
  const n = s.header[S_LOOP_WRITE];
  const base = (n & (LOOP_SLOTS - 1)) * LOOP_FIELDS;
  s.loop[base] = ts;
  s.loop[base + 1] = p50;
  s.loop[base + 2] = p99;
  s.loop[base + 3] = max;
  s.loop[base + 4] = utilization;
  s.loop[base + 5] = folded;
  // The release store publishes the fields above before the count that makes them readable.
  Atomics.store(s.header, S_LOOP_WRITE, (n + 1) | 0);
}

/** Writes one GC pause (recording thread). */
export function writeGcPause(s: SampleSlots, ts: number, dur: number, kind: number): void {
  const n = s.header[S_GC_WRITE];
  const base = (n & (GC_SLOTS - 1)) * GC_FIELDS;
  s.gc[base] = ts;
  s.gc[base + 1] = dur;
  s.gc[base + 2] = kind;
  Atomics.store(s.header, S_GC_WRITE, (n + 1) | 0);
}

/** The worker's reading position; what was overwritten before it read is counted in `lostGc`/`lostLoop`. */
export class SampleReader {
  private loopRead = 0;
  private gcRead = 0;
  lostLoop = 0;
  lostGc = 0;

  constructor(private readonly slots: SampleSlots) {}

  /** Calls `loop` and `gc` for everything written since the last read, oldest first. */
  read(loop: (s: LoopSlot) => void, gc: (ts: number, dur: number, kind: string) => void): void {
    const { header } = this.slots;
    const lw = Atomics.load(header, S_LOOP_WRITE);
    if (((lw - this.loopRead) | 0) > LOOP_SLOTS) {
      this.lostLoop += (lw - this.loopRead - LOOP_SLOTS) | 0;
      this.loopRead = (lw - LOOP_SLOTS) | 0;
    }
    for (; this.loopRead !== lw; this.loopRead = (this.loopRead + 1) | 0) {
      const b = (this.loopRead & (LOOP_SLOTS - 1)) * LOOP_FIELDS;
      const f = this.slots.loop;
      loop({ ts: f[b], p50: f[b + 1], p99: f[b + 2], max: f[b + 3], utilization: f[b + 4], folded: f[b + 5] });
    }
    const gw = Atomics.load(header, S_GC_WRITE);
    if (((gw - this.gcRead) | 0) > GC_SLOTS) {
      this.lostGc += (gw - this.gcRead - GC_SLOTS) | 0;
      this.gcRead = (gw - GC_SLOTS) | 0;
    }
    for (; this.gcRead !== gw; this.gcRead = (this.gcRead + 1) | 0) {
      const b = (this.gcRead & (GC_SLOTS - 1)) * GC_FIELDS;
      const f = this.slots.gc;
      gc(f[b], f[b + 1], GC_KINDS[f[b + 2]] ?? 'other');
    }
  }
}
