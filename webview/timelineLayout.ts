/**
 * Vertical layout of the canvas (CSS pixels): the overview on top, the time axis, then per track
 * a header, one row per visible lane, and graph rows for loop delay, utilisation and GC.
 */
import type { LaneKind } from './resourceLanes';
import type { Lane, Track } from './timelineModel';

/** Row heights and the label gutter, in CSS pixels. */
export const METRICS = {
  gutter: 112,
  overview: 36,
  axis: 22,
  header: 20,
  lane: 20,
  delay: 40,
  utilization: 24,
  gc: 10,
  pool: 36,
  trackGap: 8,
} as const;

/** What a row shows. */
export type RowKind = 'header' | 'lane' | 'delay' | 'utilization' | 'pool' | 'gc';

/** One horizontal band of the canvas. */
export interface Row {
  kind: RowKind;
  track: Track;
  lane?: Lane;
  y: number;
  h: number;
}

/** A track's rows and the band its stalls and pauses are drawn across. */
export interface TrackBand {
  track: Track;
  y: number;
  h: number;
  rows: Row[];
}

/** The whole vertical layout. */
export interface TimelineLayout {
  overview: { y: number; h: number };
  axis: { y: number; h: number };
  tracks: TrackBand[];
  /** Total height of the content. */
  height: number;
}

/** Lays out `tracks`, leaving out lanes whose kind is hidden by the filter. */
export function layoutTimeline(tracks: readonly Track[], hidden: ReadonlySet<LaneKind>): TimelineLayout {
  const overview = { y: 0, h: METRICS.overview };
  const axis = { y: overview.h, h: METRICS.axis };
  let y = axis.y + axis.h + 4;
  const bands: TrackBand[] = [];
  for (const track of tracks) {
    const top = y;
    const rows: Row[] = [];
    const add = (kind: RowKind, h: number, lane?: Lane): void => {
      rows.push({ kind, track, lane, y, h });
      y += h;
    };
    add('header', METRICS.header);
    for (const lane of track.lanes) if (!hidden.has(lane.kind)) add('lane', METRICS.lane, lane);
    if (track.loop.length) {
      add('delay', METRICS.delay);
      add('utilization', METRICS.utilization);
    }
    if (track.pool.length) add('pool', METRICS.pool);
    if (track.gc.length) add('gc', METRICS.gc);
    bands.push({ track, y: top, h: y - top, rows });
    y += METRICS.trackGap;
  }
  return { overview, axis, tracks: bands, height: y };
}

/** The row at vertical position `y`, if any. */
export function rowAt(layout: TimelineLayout, y: number): Row | undefined {
  for (const band of layout.tracks) {
    if (y < band.y || y >= band.y + band.h) continue;
    return band.rows.find((r) => y >= r.y && y < r.y + r.h);
  }
  return undefined;
}

/** The y of a track's band, so a selection can be scrolled into view. */
export function bandOf(layout: TimelineLayout, track: Track): TrackBand | undefined {
  return layout.tracks.find((b) => b.track === track);
}
