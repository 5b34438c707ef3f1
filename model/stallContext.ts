/**
 * Implicit blocking beside a stall, the "page faults and GC" of event-driven code: how much of it
 * was garbage collection, and what the kernel saw of the thread (CPU against wall time, waiting
 * for a CPU, major page faults, involuntary switches). Shared by the collector (the recording's
 * `args.context`) and the timeline (details and the stall list's short words).
 */
import type { WireStallContext } from '../agent/protocol';
import type { GcPause, Stall } from './loopData';

/** A stall's context: the agent's counters (Linux only) plus the GC pauses that overlap it. */
export interface StallContext extends Partial<WireStallContext> {
  /** GC pause time inside the stall, ms. */
  gcMs?: number;
  /** The same by GC kind (major, minor, incremental, weakcb), ms. */
  gcByKind?: Record<string, number>;
}

/** Share of a stall at which GC "mostly" explains it. */
export const MOSTLY_GC = 0.5;
/** Major faults that make page faults worth naming (each is a wait for the disk, 0.1–10 ms). */
export const MANY_FAULTS = 3;
/** Share of the measured window spent runnable but without a CPU that names the machine as the cause. */
export const CPU_WAIT_SHARE = 0.3;
/** Share of the measured window neither on a CPU nor waiting for one: the thread slept or waited in the kernel. */
export const OFF_CPU_SHARE = 0.5;

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * GC time inside `[ts, ts + dur)` (µs) from pauses sorted by `ts`. Pauses of one thread never
 * overlap each other, so their ends are sorted too and a binary search finds the first one.
 */
export function gcOverlap(ts: number, dur: number, gc: readonly GcPause[]): Pick<StallContext, 'gcMs' | 'gcByKind'> {
  const end = ts + dur;
  let lo = 0;
  let hi = gc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (gc[mid].ts + gc[mid].dur <= ts) lo = mid + 1;
    else hi = mid;
  }
  let total = 0;
  const byKind: Record<string, number> = {};
  for (let i = lo; i < gc.length && gc[i].ts < end; i++) {
    const g = gc[i];
    const us = Math.min(end, g.ts + g.dur) - Math.max(ts, g.ts);
    if (us <= 0) continue;
    total += us;
    byKind[g.kind] = (byKind[g.kind] ?? 0) + us;
  }
  for (const k of Object.keys(byKind)) byKind[k] = round(byKind[k] / 1000);
  return { gcMs: round(total / 1000), gcByKind: byKind };
}

/** GC pauses sorted by start (a copy when they are not). */
export function sortedGc(gc: readonly GcPause[]): readonly GcPause[] {
  for (let i = 1; i < gc.length; i++) if (gc[i].ts < gc[i - 1].ts) return [...gc].sort((a, b) => a.ts - b.ts);
  return gc;
}

/** The stall's context with its GC share filled in from `gc` (sorted) unless it already has one. */
export function withGc(stall: Stall, gc: readonly GcPause[]): StallContext {
  if (stall.context?.gcMs !== undefined) return stall.context;
  return { ...stall.context, ...gcOverlap(stall.ts, stall.dur, gc) };
}

/** Short words for the stall list: what besides the program's own code held the loop. */
export function stallWords(stall: Stall, context: StallContext | undefined = stall.context): string[] {
  const words: string[] = [];
  if (!context) return words;
  const durMs = stall.dur / 1000;
  if (context.gcMs !== undefined && durMs > 0 && context.gcMs / durMs >= MOSTLY_GC) words.push('mostly GC');
  if ((context.majorFaults ?? 0) >= MANY_FAULTS) words.push('page faults');
  const wall = context.wallMs ?? 0;
  if (wall > 0 && context.cpuMs !== undefined) {
    const wait = context.runQueueMs ?? 0;
    if (wait / wall >= CPU_WAIT_SHARE) words.push('waiting for CPU');
    else if ((wall - context.cpuMs - wait) / wall >= OFF_CPU_SHARE) words.push('off-CPU');
  }
  return words;
}

const ms = (v: number) => `${v >= 10 ? Math.round(v) : v.toFixed(1)} ms`;
const pct = (part: number, whole: number) => `${whole > 0 ? Math.round((100 * part) / whole) : 0}%`;

/** Label/value rows for the stall's details; rows for counters the platform lacks are left out. */
export function contextFacts(stall: Stall, context: StallContext | undefined = stall.context): [string, string][] {
  const rows: [string, string][] = [];
  if (!context) return rows;
  const durMs = stall.dur / 1000;
  if (context.gcMs !== undefined) {
    const kinds = Object.entries(context.gcByKind ?? {})
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${ms(v)}`);
    rows.push(['GC', context.gcMs > 0 ? `${ms(context.gcMs)} of the stall (${pct(context.gcMs, durMs)})${kinds.length ? ` — ${kinds.join(', ')}` : ''}` : 'none during the stall']);
  }
  if (context.wallMs !== undefined && context.cpuMs !== undefined) {
    const wait = context.runQueueMs ?? 0;
    rows.push(['CPU', `${ms(context.cpuMs)} on CPU of ${ms(context.wallMs)} measured (${pct(context.cpuMs, context.wallMs)})${wait >= 0.05 ? `, ${ms(wait)} waiting for a CPU` : ''}`]);
  }
  if (context.majorFaults !== undefined) rows.push(['Major page faults', String(context.majorFaults)]);
  if (context.involuntarySwitches !== undefined) rows.push(['Involuntary switches', String(context.involuntarySwitches)]);
  return rows;
}

const CONTEXT_NUMBERS = ['gcMs', 'wallMs', 'cpuMs', 'runQueueMs', 'majorFaults', 'involuntarySwitches'] as const;

/** A stall context read from a recording's `args.context`; fields that are not numbers are left out. */
export function readStallContext(value: unknown): StallContext | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const context: StallContext = {};
  for (const key of CONTEXT_NUMBERS) if (typeof v[key] === 'number' && Number.isFinite(v[key])) context[key] = v[key] as number;
  if (typeof v.gcByKind === 'object' && v.gcByKind !== null) {
    context.gcByKind = {};
    for (const [k, n] of Object.entries(v.gcByKind)) if (typeof n === 'number' && Number.isFinite(n)) context.gcByKind[k] = n;
  }
  return context;
}
