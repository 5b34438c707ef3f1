/**
 * The details of the selection: for a slice its type, duration, asyncId and trigger chain with
 * callback sites; for a stall its duration and full stack. Every frame is a button that opens
 * the source (or, standalone, shows its path).
 */
import { formatDuration, formatOffset, frameLabel, generatedNote } from './format';
import type { StackFrame } from '../model/loopData';
import { isApproximate } from '../model/stallExactness';
import type { Selection } from './selection';
import type { TimelineModel } from './timelineModel';
import { findDispatch, triggerChain } from './triggerChain';
import { slicePhaseText, stallContextFacts, stallPhaseText } from './phaseView';
import { poolFacts } from './poolGraph';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Renders the selection into `#details`. */
export class DetailsPanel {
  constructor(private readonly root: HTMLElement, private readonly onOpen: (frame: StackFrame) => void) {
    root.addEventListener('click', (e) => {
      const btn = (e.target as HTMLElement).closest<HTMLElement>('.stack-frame');
      if (!btn) return;
      this.onOpen({
        functionName: btn.dataset.function ?? '',
        url: btn.dataset.url ?? '',
        lineNumber: Number(btn.dataset.line),
        columnNumber: Number(btn.dataset.column),
      });
    });
  }

  /** Shows `sel`, or a hint when nothing is selected. */
  render(model: TimelineModel, sel: Selection | undefined, origin: number): void {
    const body: HTMLElement[] = [];
    if (!sel) {
      body.push(el('p', 'Select a slice or a stall (click, or press N / P for the next / previous stall).', 'hint'));
    } else if (sel.kind === 'stall') {
      const { stall, track } = sel.ref;
      body.push(el('h3', `Stall — ${formatDuration(stall.dur)}`));
      body.push(this.facts([
        ['Thread', track.session.title],
        ['Start', formatOffset(stall.ts - origin, stall.dur * 10)],
        ['Duration', formatDuration(stall.dur)],
        ['Stack', stall.captured === 'none' ? 'not captured' : `captured by ${stall.captured}${isApproximate(stall) ? ' — approximate' : ''}`],
        ...(isApproximate(stall) && stall.approxReason ? [['Approximate because', stall.approxReason] as [string, string]] : []),
        ...(stall.resourceType ? [['Callback type', stall.resourceType] as [string, string]] : []),
        ...(stall.asyncId !== undefined ? [['asyncId', String(stall.asyncId)] as [string, string]] : []),
        ['Phase', stallPhaseText(stall)],
        ...stallContextFacts(track, stall),
      ]));
      body.push(el('h4', 'Stack (top frame first)'));
      body.push(this.frames(stall.stack));
      const site = stall.asyncId !== undefined ? track.sites.get(stall.asyncId) : undefined;
      if (site) {
        body.push(el('h4', 'Blocking callback defined at'));
        body.push(this.frames([site]));
      }
      if (stall.asyncId !== undefined) {
        const slice = findDispatch(track, stall.asyncId, stall.ts + stall.dur);
        if (slice) body.push(...this.chain({ kind: 'slice', slice }, model, origin));
      }
    } else if (sel.kind === 'pool') {
      body.push(el('h3', sel.hit.saturation ? 'Thread pool — saturated' : 'Thread pool'));
      body.push(this.facts([['Thread', sel.track.session.title], ...poolFacts(sel.hit, origin)]));
    } else {
      const { slice } = sel;
      const s = slice.lane.slices;
      const i = slice.index;
      const type = model.typeNames[s.typeId(i)] ?? 'unknown';
      const site = slice.track.sites.get(s.asyncId(i));
      body.push(el('h3', `${type} — ${formatDuration(s.dur(i))}`));
      body.push(this.facts([
        ['Thread', slice.track.session.title],
        ['Type', type],
        ['Phase', slicePhaseText(slice, model.typeNames)],
        ['Start', formatOffset(s.ts(i) - origin, Math.max(1000, s.dur(i) * 10))],
        ['Duration', formatDuration(s.dur(i))],
        ['asyncId', String(s.asyncId(i))],
        ['triggerAsyncId', String(s.triggerAsyncId(i))],
      ]));
      if (site) {
        body.push(el('h4', 'Callback defined at'));
        body.push(this.frames([site]));
      }
      body.push(...this.chain(sel, model, origin));
    }
    this.root.replaceChildren(...body);
  }

  private chain(sel: Extract<Selection, { kind: 'slice' }>, model: TimelineModel, origin: number): HTMLElement[] {
    const links = triggerChain(sel.slice);
    const list = el('ol', undefined, 'trigger-chain');
    for (const link of links) {
      const li = el('li');
      if (link.slice) {
        const s = link.slice.lane.slices;
        const i = link.slice.index;
        li.append(el('span', `${model.typeNames[s.typeId(i)] ?? 'unknown'} #${link.asyncId} — ${formatDuration(s.dur(i))} at ${formatOffset(s.ts(i) - origin, 1_000_000)}`));
      } else {
        li.append(el('span', link.asyncId <= 1 ? `#${link.asyncId} — program start (origin)` : `#${link.asyncId} — not recorded (origin of what was recorded)`));
      }
      if (link.site) li.append(this.frames([link.site]));
      list.append(li);
    }
    if (!links.length) list.append(el('li', 'no trigger recorded'));
    return [el('h4', 'Scheduled by (trigger chain, closest first)'), list];
  }

  private facts(rows: [string, string][]): HTMLElement {
    const dl = el('dl', undefined, 'facts');
    for (const [k, v] of rows) dl.append(el('dt', k), el('dd', v));
    return dl;
  }

  private frames(frames: readonly StackFrame[]): HTMLElement {
    const list = el('ol', undefined, 'stack');
    if (!frames.length) list.append(el('li', 'no stack was captured'));
    for (const f of frames) {
      const li = el('li');
      const btn = el('button', frameLabel(f), 'stack-frame');
      btn.type = 'button';
      btn.dataset.url = f.url;
      btn.dataset.line = String(f.lineNumber);
      btn.dataset.column = String(f.columnNumber);
      btn.dataset.function = f.functionName;
      btn.title = f.generated ? `Open this line — ${generatedNote(f)}` : 'Open this line';
      if (f.generated) btn.dataset.generated = `${f.generated.url}:${f.generated.lineNumber}:${f.generated.columnNumber}`;
      li.append(btn);
      list.append(li);
    }
    return list;
  }
}
