/**
 * Paints a lane's aggregated pixel columns straight into ImageData: one putImageData per lane
 * instead of a canvas call per run, which is what keeps zoomed-out frames of millions of slices cheap.
 */
import type { LodFrame } from './lodPyramid';

/** Opaque colours (as little-endian RGBA words) for an empty column and the four busy levels. */
export interface AggregateColors {
  empty: number;
  levels: readonly [number, number, number, number];
}

/** Alpha per busy level of an aggregated column (any column with a slice stays visible). */
export const LEVEL_ALPHA = [0.4, 0.6, 0.8, 1] as const;

/** An RGB triple, 0..255. */
export type Rgb = readonly [number, number, number];

/** The RGBA word for `rgb`, opaque. */
export function rgbaWord([r, g, b]: Rgb): number {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Colours for a lane of colour `lane` over `background`, blended per level. */
export function aggregateColors(lane: Rgb, background: Rgb): AggregateColors {
  const blend = (a: number): number =>
    rgbaWord([0, 1, 2].map((i) => Math.round(background[i] * (1 - a) + lane[i] * a)) as unknown as Rgb);
  return { empty: rgbaWord(background), levels: [blend(LEVEL_ALPHA[0]), blend(LEVEL_ALPHA[1]), blend(LEVEL_ALPHA[2]), blend(LEVEL_ALPHA[3])] };
}

/** Busy level (0..3) of a column, or -1 when it holds no slice. */
export function columnLevel(count: number, coverage: number): number {
  return count === 0 ? -1 : Math.min(3, Math.floor(Math.min(1, coverage) * 4));
}

/** One lane's pixels and the small canvas they are put into (so the main canvas only blits it). */
interface Slot {
  image: ImageData;
  words: Uint32Array;
  row: Uint32Array;
  canvas: OffscreenCanvas;
  ctx: OffscreenCanvasRenderingContext2D;
}

/**
 * Reusable pixel buffers for painting lanes. putImageData on the main canvas would flush its
 * pending drawing every call; putting into a per-lane offscreen canvas and blitting it does not.
 */
export class AggregatePainter {
  private readonly slots: Slot[] = [];

  /** Paints `frame`'s aggregates at device pixel (x, y), `h` tall, a one-pixel gap above and below; `slot` is the lane's draw order. */
  paint(ctx: CanvasRenderingContext2D, slot: number, x: number, y: number, h: number, frame: LodFrame, colors: AggregateColors): void {
    const width = frame.count.length;
    const height = Math.max(1, h);
    let s = this.slots[slot];
    if (!s || s.image.width !== width || s.image.height !== height) {
      const canvas = new OffscreenCanvas(width, height);
      const octx = canvas.getContext('2d');
      if (!octx) return;
      const image = new ImageData(width, height);
      s = { image, words: new Uint32Array(image.data.buffer), row: new Uint32Array(width), canvas, ctx: octx };
      this.slots[slot] = s;
    }
    const { row, words } = s;
    const { count, coverage } = frame;
    for (let i = 0; i < width; i++) {
      const level = columnLevel(count[i], coverage[i]);
      row[i] = level < 0 ? colors.empty : colors.levels[level];
    }
    words.fill(colors.empty, 0, width);
    for (let r = 1; r < height - 1; r++) words.set(row, r * width);
    if (height > 1) words.fill(colors.empty, (height - 1) * width, height * width);
    s.ctx.putImageData(s.image, 0, 0);
    ctx.drawImage(s.canvas, x, y);
  }
}
