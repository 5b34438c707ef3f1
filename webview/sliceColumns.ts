/**
 * Growable columnar storage for the dispatch slices of one lane: fixed-size chunks so that
 * appending millions of slices never copies what is already stored.
 */

/** Slices per chunk (a power of two so an index splits with a shift and a mask). */
export const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
/** Mask of the offset of a slice within its chunk. */
export const CHUNK_MASK = CHUNK_SIZE - 1;

/** One fixed-size block of columns; slice `i` lives in chunk `i >>> CHUNK_BITS` at `i & CHUNK_MASK`. */
export interface Chunk {
  ts: Float64Array;
  dur: Float64Array;
  asyncId: Float64Array;
  triggerAsyncId: Float64Array;
  /** Index into the page-wide resource-type table. */
  typeId: Uint16Array;
}

function newChunk(): Chunk {
  return {
    ts: new Float64Array(CHUNK_SIZE),
    dur: new Float64Array(CHUNK_SIZE),
    asyncId: new Float64Array(CHUNK_SIZE),
    triggerAsyncId: new Float64Array(CHUNK_SIZE),
    typeId: new Uint16Array(CHUNK_SIZE),
  };
}

/** One lane's slices in arrival order (nearly sorted by `ts`; the LOD pyramid tolerates disorder). */
export class SliceColumns {
  private readonly chunks: Chunk[] = [];
  /** Number of slices stored. */
  length = 0;

  /** Appends one slice and returns its index. */
  push(ts: number, dur: number, asyncId: number, triggerAsyncId: number, typeId: number): number {
    const i = this.length;
    const c = i >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(newChunk());
    const chunk = this.chunks[c];
    const o = i & CHUNK_MASK;
    chunk.ts[o] = ts;
    chunk.dur[o] = dur;
    chunk.asyncId[o] = asyncId;
    chunk.triggerAsyncId[o] = triggerAsyncId;
    chunk.typeId[o] = typeId;
    this.length = i + 1;
    return i;
  }

  /**
   * Appends rows `rows[from..to)` of the given columns, mapping session type ids through
   * `typeMap`. One call per lane and message keeps doubles unboxed (no call per slice).
   */
  appendRows(
    rows: Uint32Array, from: number, to: number,
    ts: Float64Array, dur: Float64Array, asyncId: Float64Array, trigger: Float64Array, typeId: Uint16Array, typeMap: Int32Array,
  ): void {
    let n = this.length;
    let k = from;
    while (k < to) {
      const c = n >>> CHUNK_BITS;
      if (c === this.chunks.length) this.chunks.push(newChunk());
      const chunk = this.chunks[c];
      let o = n & CHUNK_MASK;
      const stop = Math.min(to, k + (CHUNK_SIZE - o));
      for (; k < stop; k++, o++) {
        const i = rows[k];
        chunk.ts[o] = ts[i];
        chunk.dur[o] = dur[i];
        chunk.asyncId[o] = asyncId[i];
        chunk.triggerAsyncId[o] = trigger[i];
        chunk.typeId[o] = typeMap[typeId[i]];
      }
      n = (c << CHUNK_BITS) + o;
    }
    this.length = n;
  }

  /** Drops the oldest full chunk (live memory bound); returns the slices dropped (0 when only one chunk is left). */
  dropFirstChunk(): number {
    if (this.chunks.length < 2) return 0;
    this.chunks.shift();
    this.length -= CHUNK_SIZE;
    return CHUNK_SIZE;
  }

  /** End time of the first chunk's last slice, or Infinity (used to pick the oldest chunk to drop). */
  firstChunkEnd(): number {
    return this.chunks.length < 2 ? Infinity : this.chunks[0].ts[CHUNK_MASK];
  }

  /** The chunk holding slice `i` (hot loops read its arrays directly). */
  chunkOf(i: number): Chunk {
    return this.chunks[i >>> CHUNK_BITS];
  }

  /** Start (epoch µs) of slice `i`. */
  ts(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].ts[i & CHUNK_MASK];
  }

  /** Duration (µs) of slice `i`. */
  dur(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].dur[i & CHUNK_MASK];
  }

  /** asyncId of slice `i`. */
  asyncId(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].asyncId[i & CHUNK_MASK];
  }

  /** triggerAsyncId of slice `i`. */
  triggerAsyncId(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].triggerAsyncId[i & CHUNK_MASK];
  }

  /** Page-wide resource type id of slice `i`. */
  typeId(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].typeId[i & CHUNK_MASK];
  }

  /** Bytes held by the columns (for the memory figure the page reports). */
  get byteLength(): number {
    return this.chunks.length * CHUNK_SIZE * (8 * 4 + 2);
  }
}
