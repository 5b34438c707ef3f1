/**
 * Entry of the timeline page (dist/webview.js): finds the page's elements, connects to the host
 * and wires the toolbar. Runs the same in the VS Code webview and the standalone page.
 */
import { connectHost, type PageMode } from './hostBridge';
import { lanePhase, LOOP_QUEUES } from './phaseView';
import type { ToWebview } from './protocol';
import { LANE_LABELS } from './resourceLanes';
import { FILTERABLE_LANES, TimelineApp, type AppStats } from './timelineApp';
import { attachInput } from './timelineInput';

/** What the page exposes on `window.loopscope` for tests and benchmarks (not an API for users). */
export interface PageHooks {
  receive(msg: ToWebview): void;
  whenDrawn(): Promise<void>;
  drawNow(): void;
  stats(): AppStats;
  frameTimes: number[];
  zoomAt(factor: number, x: number): void;
  panBy(dx: number): void;
}

declare global {
  interface Window {
    loopscope?: PageHooks;
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page is missing #${id}`);
  return node as T;
}

function start(): void {
  const mode: PageMode = document.body.dataset.mode === 'vscode' ? 'vscode' : 'standalone';
  let app: TimelineApp | undefined;
  const pending: ToWebview[] = [];
  const host = connectHost(mode, {
    message: (msg) => (app ? app.receive(msg) : pending.push(msg)),
    trace: (parsed) => app?.loadParsed(parsed),
    progress: (chars) => app?.showProgress(chars),
    cancelled: () => app?.invalidate(),
  }, document.body.dataset.traceUrl || undefined);
  const canvas = byId<HTMLCanvasElement>('timeline-canvas');
  app = new TimelineApp({
    canvas, wrap: byId('timeline-wrap'), stallList: byId('stall-list'), details: byId('details'),
    status: byId('session-status'), visibleRange: byId('visible-range'), error: byId('error-banner'),
    summary: byId('timeline-summary'), sourcePath: byId<HTMLInputElement>('source-path'), follow: byId<HTMLButtonElement>('follow'), zoomSelection: byId<HTMLButtonElement>('zoom-selection'), typeFilter: byId('type-filter-list'), tooltip: byId('tooltip'),
  }, host);
  for (const msg of pending.splice(0)) app.receive(msg);
  const a = app;
  attachInput(canvas, window, a);

  byId('fit').addEventListener('click', () => a.fit());
  byId('zoom-selection').addEventListener('click', () => a.zoomToSelection());
  byId('follow').addEventListener('click', () => a.toggleFollow());
  const save = document.getElementById('save');
  save?.addEventListener('click', () => host.post({ type: 'requestSave' }));
  const minDur = byId<HTMLInputElement>('min-duration');
  minDur.addEventListener('input', () => a.setMinDuration(Number(minDur.value)));
  const search = byId<HTMLInputElement>('search');
  search.addEventListener('input', () => a.setSearch(search.value));
  const filters = byId('lane-filter');
  for (const kind of FILTERABLE_LANES) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.dataset.lane = kind;
    box.addEventListener('change', () => a.setLaneVisible(kind, box.checked));
    label.append(box, ` ${LANE_LABELS[kind]}`);
    // The phase legend: each lane's loop phase (also drawn in the canvas gutter).
    const phase = lanePhase(kind);
    if (phase) label.title = `${LANE_LABELS[kind]}: callbacks run in the loop's ${phase} ${LOOP_QUEUES.has(phase) ? 'queue' : 'phase'}`;
    filters.append(label);
  }

  window.loopscope = {
    receive: (msg) => a.receive(msg),
    whenDrawn: () => a.whenDrawn(),
    drawNow: () => a.drawNow(),
    stats: () => a.stats(),
    frameTimes: a.frameTimes,
    zoomAt: (f, x) => a.zoomAt(f, x),
    panBy: (dx) => a.panBy(dx),
  };
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
