/**
 * Colours for the canvas, read from CSS custom properties the page defines on top of VS Code's
 * theme variables (with fallbacks for the standalone page), so light, dark and high-contrast
 * themes all apply without the renderer knowing which one is active.
 */
import type { Rgb } from './aggregateImage';
import { LANE_KINDS, type LaneKind } from './resourceLanes';

/** Resolved colours and flags the renderer draws with. */
export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  border: string;
  grid: string;
  stall: string;
  stallFill: string;
  selection: string;
  paused: string;
  gc: string;
  delayP50: string;
  delayP99: string;
  utilization: string;
  lanes: Record<LaneKind, string>;
  /** The same colours resolved to RGB (lanes composited over the background), for pixel painting. */
  backgroundRgb: Rgb;
  lanesRgb: Record<LaneKind, Rgb>;
  font: string;
  /** High-contrast themes get outlines instead of relying on fills. */
  highContrast: boolean;
}

/** Reads the theme from `el`'s computed style (the page's `--ls-*` variables). */
export function readTheme(el: HTMLElement): Theme {
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const lanes = {} as Record<LaneKind, string>;
  for (const kind of LANE_KINDS) lanes[kind] = v(`--ls-lane-${kind}`, '#3794ff');
  const background = v('--ls-bg', '#1e1e1e');
  const backgroundRgb = resolveRgb(background, 'white');
  const lanesRgb = {} as Record<LaneKind, Rgb>;
  for (const kind of LANE_KINDS) lanesRgb[kind] = resolveRgb(lanes[kind], background);
  return {
    backgroundRgb,
    lanesRgb,
    background,
    foreground: v('--ls-fg', '#cccccc'),
    muted: v('--ls-muted', '#9d9d9d'),
    border: v('--ls-border', '#444444'),
    grid: v('--ls-grid', 'rgba(128,128,128,0.18)'),
    stall: v('--ls-stall', '#f14c4c'),
    stallFill: v('--ls-stall-fill', 'rgba(241,76,76,0.22)'),
    selection: v('--ls-selection', '#0078d4'),
    paused: v('--ls-paused', 'rgba(128,128,128,0.35)'),
    gc: v('--ls-gc', '#b180d7'),
    delayP50: v('--ls-delay-p50', '#3794ff'),
    delayP99: v('--ls-delay-p99', '#cca700'),
    utilization: v('--ls-utilization', '#89d185'),
    lanes,
    font: v('--ls-font', 'system-ui, sans-serif'),
    highContrast: document.body.classList.contains('vscode-high-contrast') || matchMedia('(forced-colors: active)').matches,
  };
}

let scratch: CanvasRenderingContext2D | undefined;

/** RGB of a CSS colour as painted over `under` (so translucent theme colours resolve to what shows). */
function resolveRgb(color: string, under: string): Rgb {
  if (!scratch) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    scratch = canvas.getContext('2d', { willReadFrequently: true }) ?? undefined;
  }
  if (!scratch) return [128, 128, 128];
  scratch.fillStyle = under;
  scratch.fillRect(0, 0, 1, 1);
  scratch.fillStyle = color;
  scratch.fillRect(0, 0, 1, 1);
  const d = scratch.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}
