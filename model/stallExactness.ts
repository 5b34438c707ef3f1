import type { Stall } from './loopData';

/** A stall's exactness fields, as they are on the wire, in a recording's stall args, and in the model. */
export type StallExactness = Pick<Stall, 'exact' | 'heldMs' | 'approxReason'>;

/**
 * Reads the exactness fields from a stall message or a recording's stall args, keeping only
 * well-typed ones, so that each reader (collector, recording file, timeline) reads them alike.
 */
export function exactnessOf(source: Record<string, unknown>): StallExactness {
  const out: StallExactness = {};
  if (typeof source.exact === 'boolean') out.exact = source.exact;
  if (typeof source.heldMs === 'number' && Number.isFinite(source.heldMs)) out.heldMs = source.heldMs;
  if (typeof source.approxReason === 'string') out.approxReason = source.approxReason;
  return out;
}

/** True when the stall's stack is known to be approximate (taken after an uninterruptible call returned). */
export function isApproximate(stall: Pick<Stall, 'exact'>): boolean {
  return stall.exact === false;
}
