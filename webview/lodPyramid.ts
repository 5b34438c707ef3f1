/**
 * Level-of-detail pyramid over one lane's slices: each node aggregates 8 consecutive slices
 * (or 8 nodes of the level below), so a frame visits O(pixels) nodes instead of every slice.
 * Nodes keep their true time extent, so slices out of order (a nested callback's outer slice
 * arrives after its inner ones) cost only locality, never correctness; a slice wider than a
 * pixel is never merged into an aggregate, so long slices are always drawn.
 */
import { CHUNK_MASK, type SliceColumns } from './sliceColumns';

const BITS = 3;

/** A type filter that lets every type through. */
export const ALL_TYPES = 0xffffffff;

/** The filter bit of a page-wide type id (ids 32 apart share a bit: filtering is exact below 32 types). */
export function typeBit(typeId: number): number {
  return (1 << (typeId & 31)) >>> 0;
}
const FANOUT = 1 << BITS;

class Level {
  minTs: Float64Array = new Float64Array(64);
  maxEnd: Float64Array = new Float64Array(64);
  busy: Float64Array = new Float64Array(64);
  maxDur: Float64Array = new Float64Array(64);
  /** Bit (typeId & 31) set for every resource type under the node, so a type filter prunes whole subtrees. */
  types: Uint32Array = new Uint32Array(64);
  length = 0;

  ensure(n: number): void {
    if (n <= this.minTs.length) return;
    const size = Math.max(n, this.minTs.length * 2);
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.minTs = grow(this.minTs);
    this.maxEnd = grow(this.maxEnd);
    this.busy = grow(this.busy);
    this.maxDur = grow(this.maxDur);
    const types = new Uint32Array(size);
    types.set(this.types.subarray(0, this.length));
    this.types = types;
  }

  get byteLength(): number {
    return this.minTs.length * 36;
  }
}

/** Per-pixel aggregates and the slices wide enough to draw as rectangles, filled by `query`. */
export interface LodFrame {
  /** Start of the visible range (epoch µs) and width of one pixel column (µs). */
  t0: number;
  pxUs: number;
  /** Busy fraction per pixel column (may exceed 1 where aggregates straddle columns; clamp when drawing). */
  coverage: Float32Array;
  /** Slices per pixel column drawn as aggregates. */
  count: Uint32Array;
  /** Indices of slices at least one pixel wide, to draw individually. */
  wide: number[];
}

/** Creates an empty frame for `width` pixel columns. */
export function createLodFrame(width: number): LodFrame {
  return { t0: 0, pxUs: 1, coverage: new Float32Array(width), count: new Uint32Array(width), wide: [] };
}

/** The pyramid for one lane; call `update()` after appending slices to the columns. */
export class LodPyramid {
  private readonly levels: Level[] = [];
  /** Slices folded into the pyramid so far. */
  private built = 0;

  constructor(readonly slices: SliceColumns) {}

  /** Folds slices appended since the last update into the pyramid (re-aggregating only the touched tail nodes). */
  update(): void {
    const n = this.slices.length;
    if (n === this.built) return;
    let from = this.built;
    let count = n;
    let l = 0;
    while (count > 1 || l === 0) {
      if (l === this.levels.length) this.levels.push(new Level());
      const level = this.levels[l];
      const first = from >>> BITS;
      const nodes = (count + FANOUT - 1) >>> BITS;
      level.ensure(nodes);
      for (let j = first; j < nodes; j++) this.aggregate(l, j, count);
      level.length = nodes;
      from = first;
      count = nodes;
      l++;
    }
    this.built = n;
  }

  /** Recomputes node `j` of level `l` from its children (slices when `l` is 0); `childCount` children exist. */
  private aggregate(l: number, j: number, childCount: number): void {
    const start = j << BITS;
    const end = Math.min(start + FANOUT, childCount);
    let minTs = Infinity;
    let maxEnd = -Infinity;
    let busy = 0;
    let maxDur = 0;
    let types = 0;
    if (l === 0) {
      // A node's 8 slices never straddle chunks (chunk sizes are multiples of 8): read the arrays directly.
      const chunk = this.slices.chunkOf(start);
      const tsCol = chunk.ts;
      const durCol = chunk.dur;
      const typeCol = chunk.typeId;
      for (let i = start & CHUNK_MASK, e = i + (end - start); i < e; i++) {
        const ts = tsCol[i];
        const dur = durCol[i];
        if (ts < minTs) minTs = ts;
        if (ts + dur > maxEnd) maxEnd = ts + dur;
        busy += dur;
        if (dur > maxDur) maxDur = dur;
        types |= typeBit(typeCol[i]);
      }
    } else {
      const c = this.levels[l - 1];
      for (let k = start; k < end; k++) {
        if (c.minTs[k] < minTs) minTs = c.minTs[k];
        if (c.maxEnd[k] > maxEnd) maxEnd = c.maxEnd[k];
        busy += c.busy[k];
        if (c.maxDur[k] > maxDur) maxDur = c.maxDur[k];
        types |= c.types[k];
      }
    }
    const level = this.levels[l];
    level.minTs[j] = minTs;
    level.maxEnd[j] = maxEnd;
    level.busy[j] = busy;
    level.maxDur[j] = maxDur;
    level.types[j] = types;
  }

  /** Earliest start and latest end of all slices, or undefined when empty. */
  extent(): { start: number; end: number } | undefined {
    if (this.built === 0) return undefined;
    const top = this.levels[this.levels.length - 1];
    let start = Infinity;
    let end = -Infinity;
    for (let j = 0; j < top.length; j++) {
      start = Math.min(start, top.minTs[j]);
      end = Math.max(end, top.maxEnd[j]);
    }
    return { start, end };
  }

  /**
   * Fills `frame` for the range starting at `frame.t0` spanning `frame.coverage.length` pixel
   * columns of `frame.pxUs` each, skipping slices shorter than `minDur` µs and slices whose type
   * bit is not in `typeMask` (whole subtrees are pruned when nothing under them passes;
   * aggregates that pass keep their full busy time).
   */
  query(frame: LodFrame, minDur = 0, typeMask = ALL_TYPES): void {
    frame.coverage.fill(0);
    frame.count.fill(0);
    frame.wide.length = 0;
    if (this.built === 0) return;
    const top = this.levels.length - 1;
    for (let j = 0; j < this.levels[top].length; j++) this.visit(frame, top, j, minDur, typeMask);
  }

  private visit(frame: LodFrame, l: number, j: number, minDur: number, typeMask: number): void {
    const level = this.levels[l];
    const t0 = frame.t0;
    const px = frame.pxUs;
    const width = frame.coverage.length;
    const t1 = t0 + px * width;
    const minTs = level.minTs[j];
    const maxEnd = level.maxEnd[j];
    if (maxEnd < t0 || minTs > t1 || level.maxDur[j] < minDur || (level.types[j] & typeMask) === 0) return;
    if (maxEnd - minTs <= px) {
      // Everything under this node fits in one pixel column: one aggregate, no descent.
      const x = Math.floor(((minTs + maxEnd) / 2 - t0) / px);
      if (x >= 0 && x < width) {
        frame.coverage[x] += level.busy[j] / px;
        frame.count[x] += this.countUnder(l, j);
      }
      return;
    }
    const start = j << BITS;
    if (l === 0) {
      const chunk = this.slices.chunkOf(start);
      const tsCol = chunk.ts;
      const durCol = chunk.dur;
      const typeCol = chunk.typeId;
      const end = Math.min(start + FANOUT, this.built);
      for (let i = start; i < end; i++) {
        const ts = tsCol[i & CHUNK_MASK];
        const dur = durCol[i & CHUNK_MASK];
        if (ts + dur < t0 || ts > t1 || dur < minDur || (typeBit(typeCol[i & CHUNK_MASK]) & typeMask) === 0) continue;
        if (dur >= px) {
          frame.wide.push(i);
        } else {
          const x = Math.floor((ts + dur / 2 - t0) / px);
          if (x >= 0 && x < width) {
            frame.coverage[x] += dur / px;
            frame.count[x] += 1;
          }
        }
      }
      return;
    }
    const end = Math.min(start + FANOUT, this.levels[l - 1].length);
    for (let k = start; k < end; k++) this.visit(frame, l - 1, k, minDur, typeMask);
  }

  /** Indices of up to `limit` slices overlapping [t0, t1] (for hit testing; pruned by node extent). */
  overlapping(t0: number, t1: number, limit = 5000): number[] {
    const out: number[] = [];
    const top = this.levels.length - 1;
    if (this.built === 0) return out;
    const walk = (l: number, j: number): void => {
      const level = this.levels[l];
      if (out.length >= limit || level.maxEnd[j] < t0 || level.minTs[j] > t1) return;
      const start = j << BITS;
      if (l === 0) {
        const end = Math.min(start + FANOUT, this.built);
        for (let i = start; i < end && out.length < limit; i++) {
          const ts = this.slices.ts(i);
          if (ts <= t1 && ts + this.slices.dur(i) >= t0) out.push(i);
        }
        return;
      }
      const end = Math.min(start + FANOUT, this.levels[l - 1].length);
      for (let k = start; k < end; k++) walk(l - 1, k);
    };
    for (let j = 0; j < this.levels[top].length; j++) walk(top, j);
    return out;
  }

  /** Number of slices under node `j` of level `l`. */
  private countUnder(l: number, j: number): number {
    const span = FANOUT ** (l + 1);
    return Math.max(0, Math.min(span, this.built - j * span));
  }

  /** Bytes held by the pyramid's levels. */
  get byteLength(): number {
    return this.levels.reduce((sum, level) => sum + level.byteLength, 0);
  }
}
