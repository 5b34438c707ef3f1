import { DISPATCH_FIELDS } from './protocol';

/** Int32 control slots shared by the recording thread and the transport worker. */
export const C_WRITE = 0; // records written (monotonic, wraps at 2^31 via modulo arithmetic on capacity)
export const C_READ = 1; // records consumed by the worker
export const C_DROPPED = 2; // records dropped because the ring was full
export const C_FLUSH_ACK = 3; // worker bumps this after an exit flush
export const C_INSPECTOR = 4; // 1 while an inspector server is open (a debugger may pause the thread)
export const C_READY = 5; // the worker sets 1 once its watchdog runs
export const C_IN_CALLBACK = 6; // 1 while the recording thread is inside a callback
export const C_SLEEPING = 7; // 1 while the watchdog sleeps; the recording thread wakes it (notify) on its next callback
export const C_WAKE = 8; // bumped, then notified, by the recording thread when a message must be served now (exit, detach); the watchdog's blocking waits sleep on it
export const CONTROL_INTS = 10; // even, so that the Float64 slots after it stay 8-byte aligned

/** Float64 control slots. */
export const H_HEARTBEAT = 0; // epoch ms of the recording thread's last hook (a callback began or ended)
export const H_BEAT = 1; // epoch ms of the recording thread's last timer beat (the loop is turning, perhaps idle)
export const H_BEAT_INTERVAL = 2; // ms until the recording thread's next beat is due
export const CONTROL_FLOATS = 4;

/** Records the ring holds: a power of two so indices wrap with a mask. */
export const RING_CAPACITY = 1 << 16;

/** Views over the one SharedArrayBuffer both threads use. */
export interface RingViews {
  sab: SharedArrayBuffer;
  control: Int32Array;
  clock: Float64Array;
  records: Float64Array;
  capacity: number;
}

/** Allocates the shared memory once; its size never changes, so memory stays bounded. */
export function createRing(capacity = RING_CAPACITY): RingViews {
  const sab = new SharedArrayBuffer(CONTROL_INTS * 4 + CONTROL_FLOATS * 8 + capacity * DISPATCH_FIELDS * 8);
  return viewRing(sab, capacity);
}

/** Views an existing ring buffer (the worker's side). */
export function viewRing(sab: SharedArrayBuffer, capacity = RING_CAPACITY): RingViews {
  const control = new Int32Array(sab, 0, CONTROL_INTS);
  const clock = new Float64Array(sab, CONTROL_INTS * 4, CONTROL_FLOATS);
  const records = new Float64Array(sab, CONTROL_INTS * 4 + CONTROL_FLOATS * 8, capacity * DISPATCH_FIELDS);
  return { sab, control, clock, records, capacity };
}

/** Records written and not yet drained. */
export function unreadRecords(ring: RingViews): number {
  return (Atomics.load(ring.control, C_WRITE) - Atomics.load(ring.control, C_READ)) | 0;
}

/**
 * Copies up to `max` unread records into `out` from `offset` (floats; contiguous, oldest first)
 * and marks them read. Returns how many were copied.
 */
export function drainRing(ring: RingViews, out: Float64Array, offset = 0, max = Math.floor((out.length - offset) / DISPATCH_FIELDS)): number {
  const { control, records, capacity } = ring;
  let read = Atomics.load(control, C_READ);
  const n = Math.min(unreadRecords(ring), max);
  const mask = capacity - 1;
  for (let copied = 0; copied < n; ) {
    const start = read & mask;
    const run = Math.min(n - copied, capacity - start);
    out.set(records.subarray(start * DISPATCH_FIELDS, (start + run) * DISPATCH_FIELDS), offset + copied * DISPATCH_FIELDS);
    copied += run;
    read = (read + run) | 0;
  }
  Atomics.store(control, C_READ, read);
  return n;
}
