/** The visible time range and its mapping to pixels; all zoom and pan arithmetic lives here. */

/** Narrowest range the view zooms to, in µs. */
export const MIN_SPAN_US = 5;

/** A time range in epoch µs. */
export interface TimeRange {
  start: number;
  end: number;
}

/** Maps the visible time range onto `width` CSS pixels starting at `x0`. */
export class Viewport {
  start = 0;
  span = 1_000_000;
  /** Left edge of the time area and its width, in CSS pixels. */
  x0 = 0;
  width = 1;
  /** The range of the data; the view may not wander far outside it. */
  bounds: TimeRange | undefined;

  /** End of the visible range (epoch µs). */
  get end(): number {
    return this.start + this.span;
  }

  /** µs per CSS pixel. */
  get usPerPx(): number {
    return this.span / this.width;
  }

  /** x (CSS px) of time `t`. */
  xOf(t: number): number {
    return this.x0 + ((t - this.start) / this.span) * this.width;
  }

  /** Time at x (CSS px). */
  timeAt(x: number): number {
    return this.start + ((x - this.x0) / this.width) * this.span;
  }

  /** Shows exactly `range` (clamped to sane limits). */
  setRange(range: TimeRange): void {
    this.start = range.start;
    this.span = Math.max(MIN_SPAN_US, range.end - range.start);
    this.clamp();
  }

  /** Shows the whole data range with a small margin. */
  fit(): void {
    if (!this.bounds) return;
    const span = Math.max(MIN_SPAN_US, this.bounds.end - this.bounds.start);
    this.start = this.bounds.start - span * 0.01;
    this.span = span * 1.02;
  }

  /** Zooms by `factor` (> 1 zooms in) keeping the time under `x` fixed. */
  zoomAt(factor: number, x: number): void {
    const anchor = this.timeAt(x);
    const frac = (x - this.x0) / this.width;
    this.span = Math.max(MIN_SPAN_US, this.span / factor);
    this.start = anchor - frac * this.span;
    this.clamp();
  }

  /** Pans by `dx` CSS pixels (positive moves the view later in time). */
  panBy(dx: number): void {
    this.start += dx * this.usPerPx;
    this.clamp();
  }

  /** Puts `t` in the middle of the view without changing the zoom. */
  centerOn(t: number): void {
    this.start = t - this.span / 2;
    this.clamp();
  }

  /** Keeps the view over the data: never wider than 4× the data, never entirely beside it. */
  private clamp(): void {
    if (!this.bounds) return;
    const dataSpan = Math.max(MIN_SPAN_US, this.bounds.end - this.bounds.start);
    this.span = Math.min(this.span, dataSpan * 4);
    const minStart = this.bounds.start - this.span * 0.9;
    const maxStart = this.bounds.end - this.span * 0.1;
    this.start = Math.min(Math.max(this.start, minStart), maxStart);
  }
}
