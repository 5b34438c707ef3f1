/**
 * The timeline page's controller: holds the model, view state and selection, applies host
 * messages, answers input, and schedules drawing on requestAnimationFrame (the only place that
 * draws). DOM lists (stalls, details, status) are updated here too, only when they change.
 */
import { DetailsPanel } from './detailsPanel';
import { culpritFrame, formatDuration, formatOffset, frameLocation, pathOfUrl } from './format';
import type { HostBridge } from './hostBridge';
import type { StackFrame } from '../model/loopData';
import type { ToWebview } from './protocol';
import { LANE_KINDS, type LaneKind } from './resourceLanes';
import { matchingSlices, normaliseQuery, stallMatches } from './searchMatch';
import { selectionRange, zoomRangeFor, type Selection } from './selection';
import { sliceAt } from './sliceHit';
import { StallList } from './stallList';
import { readTheme, type Theme } from './theme';
import { ALL_TYPES, typeBit } from './lodPyramid';
import { layoutTimeline, METRICS, rowAt, type TimelineLayout } from './timelineLayout';
import { TimelineModel, type SliceRef, type StallRef } from './timelineModel';
import { TimelineRenderer } from './timelineRenderer';
import type { TimelineActions } from './timelineInput';
import { parseTrace, TraceParseError, type ParsedTrace } from './traceParser';
import { Viewport } from './viewport';
import { describePool, poolAt, poolSummary } from './poolGraph';

/** Elements the app drives (ids from src/view/page.ts). */
export interface AppElements {
  canvas: HTMLCanvasElement;
  wrap: HTMLElement;
  stallList: HTMLElement;
  details: HTMLElement;
  status: HTMLElement;
  visibleRange: HTMLElement;
  error: HTMLElement;
  summary: HTMLElement;
  sourcePath: HTMLInputElement;
  follow: HTMLButtonElement;
  zoomSelection: HTMLButtonElement;
  /** Where the per-resource-type checkboxes go. */
  typeFilter: HTMLElement;
  tooltip: HTMLElement;
}

/** Figures the page reports for tests and benchmarks. */
export interface AppStats {
  slices: number;
  stalls: number;
  tracks: number;
  frames: number;
  /** Bytes held by slice columns and pyramids. */
  modelBytes: number;
  viewStart: number;
  viewEnd: number;
  follow: boolean;
}

/** The widest view that follow mode picks by itself (10 s). */
const FOLLOW_WINDOW_US = 10_000_000;

/** The page. */
export class TimelineApp implements TimelineActions {
  readonly model = new TimelineModel();
  readonly viewport = new Viewport();
  private readonly renderer: TimelineRenderer;
  private readonly stalls: StallList;
  private readonly details: DetailsPanel;
  private theme: Theme;
  private layout: TimelineLayout | undefined;
  private layoutVersion = -1;
  private selection: Selection | undefined;
  private hidden = new Set<LaneKind>();
  private minDurUs = 0;
  /** Resource types the user hid (page-wide type ids). */
  private hiddenTypes = new Set<number>();
  private typeMask = ALL_TYPES;
  private typeListLength = -1;
  private query = '';
  private highlights: SliceRef[] = [];
  private follow = true;
  /** True until the user zooms: following then sizes the view to the data. */
  private autoSpan = true;
  private scrollY = 0;
  private fitted = false;
  private rafPending = false;
  private stallListKey = '';
  private statusKey = '';
  private summaryAt = 0;
  private summaryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Dispatches the recorder said it dropped (shown in the status). */
  private droppedByRecorder = 0;
  /** Durations of recent frames (ms), newest last; read by the benchmark. */
  readonly frameTimes: number[] = [];
  frames = 0;
  private readonly drawnWaiters: (() => void)[] = [];

  constructor(private readonly els: AppElements, private readonly host: HostBridge) {
    this.renderer = new TimelineRenderer(els.canvas);
    this.theme = readTheme(document.body);
    this.stalls = new StallList(els.stallList, (ref) => this.selectStall(ref, true));
    this.details = new DetailsPanel(els.details, (frame) => this.openSource(frame));
    this.details.render(this.model, undefined, 0);
    new ResizeObserver(() => this.invalidate()).observe(els.wrap);
    // Theme changes in VS Code swap body classes; standalone follows the OS scheme.
    new MutationObserver(() => this.refreshTheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.refreshTheme());
    this.watchPixelRatio();
    this.setFollow(true);
    this.invalidate();
  }

  /** Applies one host message. */
  receive(msg: ToWebview): void {
    if (msg.type === 'loadTrace') return this.loadTrace(msg.text);
    if (msg.type === 'error') return this.showError(msg.message, false);
    if (msg.type === 'revealStall') {
      // A recording loaded as text has the page's own session ids, so fall back to the start time alone.
      const all = this.model.stallsByDuration();
      const ref = all.find((r) => r.track.session.id === msg.sessionId && r.stall.ts === msg.ts)
        ?? all.find((r) => Math.abs(r.stall.ts - msg.ts) < 1);
      if (ref) this.selectStall(ref, true);
      return;
    }
    if (msg.type === 'reset') this.forgetView();
    this.model.apply(msg);
    this.invalidate();
  }

  private loadTrace(text: string): void {
    let parsed: ParsedTrace;
    try {
      parsed = parseTrace(text);
    } catch (err) {
      // What was shown stays; the error says why the new file did not load.
      const message = err instanceof TraceParseError ? err.message : `Could not read the recording: ${(err as Error).message}`;
      this.showError(message);
      return;
    }
    this.loadParsed(parsed);
  }

  /** Shows a parsed recording in place of everything shown. */
  loadParsed(parsed: ParsedTrace): void {
    this.showError(undefined);
    this.forgetView();
    for (const m of parsed.messages) this.model.apply(m);
    this.droppedByRecorder = parsed.droppedEvents;
    this.setSearch(this.query);
    this.invalidate();
    void this.whenDrawn().then(() => {
      this.host.post({ type: 'traceLoaded', sessions: this.model.tracks.length, dispatches: this.model.sliceCount, stalls: this.model.stallsByDuration().length });
    });
  }

  /** Shows how much of a recording has been read while it streams in. */
  showProgress(chars: number): void {
    this.statusKey = '';
    this.els.status.textContent = `Loading the recording… ${(chars / 1048576).toFixed(0)} MB read`;
  }

  /** Drops the selection and search marks and refits the view (before new data replaces the old). */
  private forgetView(): void {
    this.selection = undefined;
    this.highlights = [];
    this.fitted = false;
    this.droppedByRecorder = 0;
    this.stalls.markSelected(undefined);
    this.details.render(this.model, undefined, 0);
  }

  /** Shows (or with undefined, hides) the error banner; page errors are also told to the host. */
  showError(message: string | undefined, tellHost = true): void {
    this.els.error.hidden = !message;
    this.els.error.textContent = message ?? '';
    if (message && tellHost) this.host.post({ type: 'viewError', message });
  }

  /** Schedules a frame. */
  invalidate(): void {
    if (this.rafPending) return;
    this.rafPending = true;
    requestAnimationFrame(() => this.frame());
  }

  /** Resolves after the next frame is drawn. */
  whenDrawn(): Promise<void> {
    this.invalidate();
    return new Promise((resolve) => this.drawnWaiters.push(resolve));
  }

  /** Draws a frame now, outside requestAnimationFrame (the benchmark times frames this way). */
  drawNow(): void {
    this.frame();
  }

  private frame(): void {
    this.rafPending = false;
    const { model, viewport: vp } = this;
    const epoch = model.epoch;
    model.refresh();
    if (epoch !== model.epoch) {
      // Old slices were dropped and the rest renumbered: slice references are stale.
      if (this.selection?.kind === 'slice') this.select(undefined);
      this.highlights = this.query ? this.model.tracks.flatMap((t) => matchingSlices(t, this.query)) : [];
    }
    const bounds = model.bounds();
    vp.bounds = bounds;
    if (bounds && !this.fitted) {
      vp.fit();
      this.fitted = true;
    } else if (bounds && this.follow && model.tracks.some((t) => t.session.live)) {
      // Until the user picks a zoom, a live view shows everything up to the last 10 s.
      if (this.autoSpan) vp.span = Math.min(FOLLOW_WINDOW_US, Math.max(1000, (bounds.end - bounds.start) * 1.02));
      vp.start = bounds.end - vp.span * 0.98;
    }
    if (this.layoutVersion !== model.version || !this.layout) {
      this.layout = layoutTimeline(model.tracks, this.hidden);
      this.layoutVersion = model.version;
    }
    const wrap = this.els.wrap;
    const dpr = window.devicePixelRatio || 1;
    this.renderer.resize(wrap.clientWidth, wrap.clientHeight, dpr);
    vp.x0 = METRICS.gutter;
    vp.width = Math.max(1, this.renderer.cssWidth - METRICS.gutter);
    this.scrollY = Math.max(0, Math.min(this.scrollY, this.layout.height - this.renderer.cssHeight));
    const ms = this.renderer.draw({
      model, viewport: vp, layout: this.layout, theme: this.theme, scrollY: this.scrollY,
      selection: this.selection, minDurUs: this.minDurUs, typeMask: this.typeMask, highlights: this.highlights,
    });
    this.frames++;
    this.frameTimes.push(ms);
    if (this.frameTimes.length > 2000) this.frameTimes.splice(0, 1000);
    this.updateDom();
    for (const resolve of this.drawnWaiters.splice(0)) resolve();
  }

  private updateDom(): void {
    const { model, viewport: vp } = this;
    const stallRefs = model.stallsByDuration();
    const key = `${model.stallsVersion}:${this.query}`;
    if (key !== this.stallListKey) {
      this.stallListKey = key;
      this.stalls.render(stallRefs.filter((r) => stallMatches(r.stall, this.query)), stallRefs.length);
    }
    const live = model.tracks.some((t) => t.session.live);
    const status = model.tracks.length === 0
      ? 'No data yet'
      : `${model.tracks.length} thread${model.tracks.length === 1 ? '' : 's'} · ${model.sliceCount.toLocaleString('en-US')} callbacks · ${stallRefs.length} stalls · ${live ? 'live' : 'ended'}`
        + (this.droppedByRecorder ? ` · ${this.droppedByRecorder.toLocaleString('en-US')} callbacks dropped while recording` : '')
        + (model.droppedSlices ? ` · oldest ${model.droppedSlices.toLocaleString('en-US')} callbacks dropped to bound memory` : '');
    if (status !== this.statusKey) {
      this.statusKey = status;
      this.els.status.textContent = status;
      // Following only means something while data streams in.
      this.els.follow.disabled = !live;
    }
    this.els.zoomSelection.disabled = !this.selection;
    if (this.model.typeNames.length !== this.typeListLength) {
      this.typeListLength = this.model.typeNames.length;
      this.renderTypeFilter();
      this.updateTypeMask();
    }
    const origin = vp.bounds?.start ?? 0;
    this.els.visibleRange.textContent = `${formatOffset(vp.start - origin, vp.span)} – ${formatOffset(vp.end - origin, vp.span)}`;
    this.els.canvas.dataset.viewStart = String(vp.start);
    this.els.canvas.dataset.viewEnd = String(vp.end);
    // The text alternative is rebuilt at most twice a second, and always once the view settles.
    const now = performance.now();
    clearTimeout(this.summaryTimer);
    if (now - this.summaryAt > 500) {
      this.summaryAt = now;
      this.updateSummary(stallRefs);
    } else {
      this.summaryTimer = setTimeout(() => {
        this.summaryAt = performance.now();
        this.updateSummary(this.model.stallsByDuration());
      }, 500);
    }
  }

  /** One checkbox per resource type seen so far (types only ever get added). */
  private renderTypeFilter(): void {
    const list = this.els.typeFilter;
    const boxes = this.model.typeNames.map((name, id) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !this.hiddenTypes.has(id);
      box.dataset.type = name;
      box.addEventListener('change', () => this.setTypeVisible(id, box.checked));
      label.append(box, ` ${name}`);
      return label;
    });
    list.replaceChildren(...boxes);
  }

  /** A text alternative for what the canvas shows. */
  private updateSummary(stallRefs: readonly StallRef[]): void {
    const vp = this.viewport;
    const origin = vp.bounds?.start ?? 0;
    const inView = stallRefs.filter((r) => r.stall.ts <= vp.end && r.stall.ts + r.stall.dur >= vp.start);
    const lanes = this.model.tracks.map((t) => `${t.session.title}: ${t.lanes.filter((l) => !this.hidden.has(l.kind)).map((l) => `${l.kind} (${l.slices.length.toLocaleString('en-US')})`).join(', ')}`);
    const worst = inView[0];
    const worstText = worst ? ` Longest visible stall ${formatDuration(worst.stall.dur)} at ${this.stallPlace(worst)}.` : '';
    const text = `Timeline from ${formatOffset(vp.start - origin, vp.span)} to ${formatOffset(vp.end - origin, vp.span)}. ${lanes.join('. ')}. ${inView.length} stalls visible.${worstText}${poolSummary(this.model.tracks, vp.start, vp.end)}`;
    this.els.summary.textContent = text;
    this.els.canvas.setAttribute('aria-label', text);
  }

  private stallPlace(ref: StallRef): string {
    const f = culpritFrame(ref.stall.stack);
    return f ? frameLocation(f) : 'an unknown location';
  }

  /** Redraws when the device-pixel ratio changes (window moved to another screen, browser zoom). */
  private watchPixelRatio(): void {
    const query = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener('change', () => {
      this.invalidate();
      this.watchPixelRatio();
    }, { once: true });
  }

  private refreshTheme(): void {
    this.theme = readTheme(document.body);
    this.invalidate();
  }

  // ---- selection and navigation ----

  private select(sel: Selection | undefined): void {
    this.selection = sel;
    this.stalls.markSelected(sel?.kind === 'stall' ? sel.ref.stall : undefined);
    this.details.render(this.model, sel, this.viewport.bounds?.start ?? 0);
    this.invalidate();
  }

  /** Selects a stall; with `reveal`, brings it into view (zooming out if it is wider than the view). */
  selectStall(ref: StallRef, reveal: boolean): void {
    this.select({ kind: 'stall', ref });
    if (!reveal) return;
    this.userMoved();
    const r = selectionRange({ kind: 'stall', ref });
    const vp = this.viewport;
    if (r.end - r.start > vp.span * 0.8) vp.setRange(zoomRangeFor({ kind: 'stall', ref }));
    else if (r.start < vp.start || r.end > vp.end) vp.centerOn((r.start + r.end) / 2);
    this.invalidate();
  }

  stepStall(direction: 1 | -1): void {
    // Next / previous in time, among stalls that match the search.
    const all = this.model.stallsByDuration().filter((r) => stallMatches(r.stall, this.query)).sort((a, b) => a.stall.ts - b.stall.ts);
    if (!all.length) return;
    const cur = this.selection;
    let at: number;
    if (cur?.kind === 'stall') {
      const i = all.findIndex((r) => r.stall === cur.ref.stall);
      at = Math.max(0, Math.min(all.length - 1, i + direction));
    } else {
      const t = cur ? selectionRange(cur).start : direction > 0 ? -Infinity : Infinity;
      at = direction > 0 ? all.findIndex((r) => r.stall.ts > t) : all.map((r) => r.stall.ts < t).lastIndexOf(true);
      if (at < 0) at = direction > 0 ? 0 : all.length - 1;
    }
    this.selectStall(all[at], true);
  }

  /** What is under (x, y): a slice, else a stall of the track there. */
  private hitTest(x: number, y: number): Selection | undefined {
    if (!this.layout || y < this.layout.axis.y + this.layout.axis.h) return undefined;
    const row = rowAt(this.layout, y + this.scrollY);
    if (!row) return undefined;
    const vp = this.viewport;
    const t = vp.timeAt(x);
    if (row.kind === 'lane' && row.lane && x >= vp.x0) {
      const index = sliceAt(row.lane, t, vp.usPerPx * 3, this.typeMask);
      if (index !== undefined) return { kind: 'slice', slice: { track: row.track, lane: row.lane, index } };
    }
    const tol = vp.usPerPx * 2;
    if (row.kind === 'pool') {
      const hit = poolAt(row.track, t, tol);
      if (hit) return { kind: 'pool', track: row.track, hit };
    }
    const stall = row.track.stalls.find((s) => t >= s.ts - tol && t <= s.ts + s.dur + tol);
    return stall ? { kind: 'stall', ref: { track: row.track, stall } } : undefined;
  }

  click(x: number, y: number): void {
    if (this.layout && y < this.layout.axis.y + this.layout.axis.h) return;
    this.select(this.hitTest(x, y));
  }

  hover(x: number | undefined, y: number | undefined): void {
    const tip = this.els.tooltip;
    const hit = x === undefined || y === undefined ? undefined : this.hitTest(x, y);
    if (!hit || x === undefined || y === undefined) {
      tip.hidden = true;
      return;
    }
    tip.textContent = this.describe(hit);
    tip.hidden = false;
    // Kept inside the canvas: flipped to the left of the pointer near the right edge.
    const left = x + 14 + tip.offsetWidth > this.renderer.cssWidth ? x - 14 - tip.offsetWidth : x + 14;
    tip.style.transform = `translate(${Math.max(0, left)}px, ${y + 14}px)`;
  }

  /** One line naming a slice or stall (tooltip text). */
  private describe(sel: Selection): string {
    if (sel.kind === 'stall') return `Stall ${formatDuration(sel.ref.stall.dur)} — ${this.stallPlace(sel.ref)}`;
    if (sel.kind === 'pool') return describePool(sel.hit);
    const s = sel.slice.lane.slices;
    const i = sel.slice.index;
    const site = sel.slice.track.sites.get(s.asyncId(i));
    const where = site ? ` — ${site.functionName || '(anonymous)'} ${frameLocation(site)}` : '';
    return `${this.model.typeNames[s.typeId(i)] ?? 'unknown'} ${formatDuration(s.dur(i))} (asyncId ${s.asyncId(i)})${where}`;
  }

  clearSelection(): void {
    this.select(undefined);
  }

  zoomToSelection(): void {
    if (!this.selection) return;
    this.userMoved();
    this.viewport.setRange(zoomRangeFor(this.selection));
    this.invalidate();
  }

  private openSource(frame: StackFrame): void {
    this.host.post({ type: 'openSource', url: frame.url, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber });
    if (this.host.mode === 'standalone') {
      // No editor to open standalone: show the location, selected, ready to copy.
      const field = this.els.sourcePath;
      field.hidden = false;
      field.value = `${pathOfUrl(frame.url)}:${frame.lineNumber}:${frame.columnNumber}`;
      field.focus();
      field.select();
    }
  }

  // ---- view changes ----

  zoomAt(factor: number, x: number): void {
    this.autoSpan = false;
    this.viewport.zoomAt(factor, x);
    this.invalidate();
  }

  panBy(dx: number): void {
    this.viewport.panBy(dx);
    this.invalidate();
  }

  scrollBy(dy: number): void {
    this.scrollY += dy;
    this.invalidate();
  }

  inOverview(y: number): boolean {
    return !!this.layout && y < this.layout.overview.y + this.layout.overview.h;
  }

  overviewSeek(x: number): void {
    const b = this.viewport.bounds;
    if (!b) return;
    const vp = this.viewport;
    vp.centerOn(b.start + ((x - vp.x0) / vp.width) * (b.end - b.start));
    this.invalidate();
  }

  fit(): void {
    this.viewport.fit();
    this.invalidate();
  }

  userMoved(): void {
    if (this.follow) this.setFollow(false);
  }

  toggleFollow(): void {
    this.setFollow(!this.follow);
  }

  private setFollow(on: boolean): void {
    this.follow = on;
    this.els.follow.setAttribute('aria-pressed', String(on));
    this.invalidate();
  }

  // ---- filters ----

  /** Shows or hides a lane kind in every track. */
  setLaneVisible(kind: LaneKind, visible: boolean): void {
    if (visible) this.hidden.delete(kind);
    else this.hidden.add(kind);
    this.layout = undefined;
    this.invalidate();
  }

  /** Shows or hides one resource type (a page-wide type id) in every lane. */
  setTypeVisible(typeId: number, visible: boolean): void {
    if (visible) this.hiddenTypes.delete(typeId);
    else this.hiddenTypes.add(typeId);
    this.updateTypeMask();
    this.invalidate();
  }

  /** The filter bits of every type not hidden (types that arrive later are shown). */
  private updateTypeMask(): void {
    let mask = 0;
    this.model.typeNames.forEach((_, id) => {
      if (!this.hiddenTypes.has(id)) mask |= typeBit(id);
    });
    this.typeMask = this.hiddenTypes.size ? mask >>> 0 : ALL_TYPES;
  }

  /** Hides slices shorter than `ms` milliseconds. */
  setMinDuration(ms: number): void {
    this.minDurUs = Number.isFinite(ms) && ms > 0 ? ms * 1000 : 0;
    this.invalidate();
  }

  /** Filters the stall list and outlines dispatches whose callback site matches. */
  setSearch(text: string): void {
    this.query = normaliseQuery(text);
    this.highlights = this.query ? this.model.tracks.flatMap((t) => matchingSlices(t, this.query)) : [];
    this.invalidate();
  }

  /** Figures for tests and the benchmark. */
  stats(): AppStats {
    return {
      slices: this.model.sliceCount, stalls: this.model.stallsByDuration().length, tracks: this.model.tracks.length,
      frames: this.frames, modelBytes: this.model.byteLength, viewStart: this.viewport.start, viewEnd: this.viewport.end,
      follow: this.follow,
    };
  }
}

/** Every lane kind, for building the filter controls. */
export const FILTERABLE_LANES: readonly LaneKind[] = LANE_KINDS;
