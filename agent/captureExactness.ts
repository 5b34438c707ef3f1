import type { WireFrame } from './protocol';

/**
 * Longest wait for an interrupt that still means JavaScript was running when it was asked for,
 * when the time the thread spent waiting for a CPU is not known. A thread running JavaScript
 * serves it at its next function entry or loop back-edge, within microseconds; on a loaded
 * machine its thread may be descheduled meanwhile (up to ~30 ms seen on 2 shared cores), so the
 * bound leaves room for that.
 */
export const HELD_OFF_MS = 40;

/**
 * Longest wait, beyond the time the scheduler kept the thread off CPU, that still means it was
 * running interruptible code: room for a main-thread GC pause, which serves no interrupt either but
 * leaves the stack where it was. A 60 ms JSON.parse held a capture 25–32 ms on a quiet machine,
 * under HELD_OFF_MS, and was called exact at a later line; this bound catches it.
 */
export const HELD_RUNNING_MS = 15;

/** Whether a captured stack shows what was blocking, or only where a blocking call returned to. */
export interface CaptureExactness {
  /** ms between asking for the stack and the blocked thread serving the request. */
  heldMs: number;
  exact: boolean;
  /** Why the stack is approximate; absent when exact. */
  reason?: string;
}

/**
 * Judges a capture. A call V8 cannot interrupt (JSON.parse of a big string, a native addon)
 * holds the request until it returns; then the stack is taken at the next interrupt check, and
 * the frame that made the call may have returned by then: the line shown is later code, maybe
 * in another file. When Node's own JavaScript is on top, a Node API's native part returned to
 * its JavaScript, whose caller (the user's line) is still on the stack, so that stays exact.
 * Nothing on the blocked thread can run while such a call is inside (not an interrupt, not a
 * profiler start), so an approximate stack is said to be one rather than corrected.
 * `waitedMs`, when known, is how long of the hold the thread was runnable but off CPU: that part
 * is the scheduler's, not the call's, so only the rest is weighed, against a tighter bound.
 */
export function judgeCapture(requestedAt: number, takenAt: number, stack: readonly WireFrame[], waitedMs?: number): CaptureExactness {
  const heldMs = Math.max(0, takenAt - requestedAt);
  const unexplained = waitedMs === undefined ? heldMs : heldMs - Math.max(0, waitedMs);
  const bound = waitedMs === undefined ? HELD_OFF_MS : HELD_RUNNING_MS;
  if (unexplained <= bound || stack.length === 0 || stack[0].url.startsWith('node:')) return { heldMs, exact: true };
  return {
    heldMs,
    exact: false,
    reason: `a call that cannot be interrupted (a builtin such as JSON.parse, or native code) held the capture ${Math.round(heldMs)} ms; the stack is where it returned to, not the call`,
  };
}

/** The stall message's fields for a judged capture. */
export function exactnessFields(j: CaptureExactness): { exact: boolean; heldMs: number; approxReason?: string } {
  const fields: { exact: boolean; heldMs: number; approxReason?: string } = { exact: j.exact, heldMs: Math.round(j.heldMs * 10) / 10 };
  if (j.reason) fields.approxReason = j.reason;
  return fields;
}
