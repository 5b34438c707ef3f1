/**
 * The overview strip: the whole session's activity at a glance, stalls in red, and the visible
 * window marked. The activity profile is cached and recomputed at most 4 times a second while
 * live data changes the bounds.
 */
import { createLodFrame } from './lodPyramid';
import type { RenderState } from './timelineRenderer';

/** Draws the overview; keeps the activity profile between frames. */
export class OverviewDrawing {
  private cache: { key: string; density: Float32Array } | undefined;
  private computedAt = 0;

  /** Forgets the cached profile (e.g. after a resize). */
  invalidate(): void {
    this.cache = undefined;
  }

  /** Draws into the overview band of `st.layout`, time area from device x `x0`, `tw` wide. */
  draw(ctx: CanvasRenderingContext2D, st: RenderState, x0: number, tw: number, dpr: number): void {
    const { theme, viewport: vp } = st;
    const y = Math.round(st.layout.overview.y * dpr);
    const h = Math.round(st.layout.overview.h * dpr);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, y, ctx.canvas.width, h);
    ctx.font = `${Math.round(10 * dpr)}px ${theme.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.muted;
    ctx.fillText('Overview', 4 * dpr, y + h / 2);
    const b = vp.bounds;
    if (!b) return;
    const opx = Math.max(1, b.end - b.start) / tw;
    const density = this.profile(st, b.start, opx, tw);
    const maxD = Math.max(1, st.model.tracks.length);
    ctx.fillStyle = theme.lanes.timers;
    ctx.globalAlpha = 0.7;
    const path = new Path2D();
    for (let x = 0; x < density.length && x < tw; x++) {
      if (density[x] <= 0) continue;
      const bh = Math.max(1, Math.min(1, density[x] / maxD) * (h - 4 * dpr));
      path.rect(x0 + x, y + h - 2 * dpr - bh, 1, bh);
    }
    ctx.fill(path);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.stall;
    for (const track of st.model.tracks) {
      for (const s of track.stalls) ctx.fillRect(x0 + Math.floor((s.ts - b.start) / opx), y + 2 * dpr, Math.max(2 * dpr, s.dur / opx), 6 * dpr);
    }
    // The visible window: the rest is dimmed.
    const wa = x0 + (vp.start - b.start) / opx;
    const wb = x0 + (vp.end - b.start) / opx;
    ctx.fillStyle = theme.background;
    ctx.globalAlpha = 0.55;
    if (wa > x0) ctx.fillRect(x0, y, wa - x0, h);
    if (wb < x0 + tw) ctx.fillRect(wb, y, x0 + tw - wb, h);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = theme.selection;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.strokeRect(Math.max(x0, wa) + 0.5, y + 0.5, Math.max(2, Math.min(x0 + tw, wb) - Math.max(x0, wa) - 1), h - 1);
  }

  /** Busy fraction per overview column, summed over lanes (slices wider than a column count fully where they run). */
  private profile(st: RenderState, start: number, opx: number, tw: number): Float32Array {
    const key = `${tw}:${start}:${opx}:${st.minDurUs}:${st.typeMask}`;
    const now = performance.now();
    // While live data moves the bounds every frame, a slightly stale profile is fine for 250 ms.
    const live = st.model.tracks.some((t) => t.session.live);
    if (this.cache && (this.cache.key === key || (live && now - this.computedAt < 250))) return this.cache.density;
    const density = new Float32Array(tw);
    const frame = createLodFrame(tw);
    frame.t0 = start;
    frame.pxUs = opx;
    for (const track of st.model.tracks) {
      for (const lane of track.lanes) {
        lane.lod.query(frame, st.minDurUs, st.typeMask);
        for (let x = 0; x < tw; x++) density[x] += frame.count[x] ? Math.max(0.15, frame.coverage[x]) : 0;
        for (const i of frame.wide) {
          const xa = Math.max(0, Math.floor((lane.slices.ts(i) - start) / opx));
          const xb = Math.min(tw - 1, Math.floor((lane.slices.ts(i) + lane.slices.dur(i) - start) / opx));
          for (let x = xa; x <= xb; x++) density[x] += 1;
        }
      }
    }
    this.cache = { key, density };
    this.computedAt = now;
    return density;
  }
}
