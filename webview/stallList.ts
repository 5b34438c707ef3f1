/** The list of stalls beside the timeline, longest first, each naming its file:line and duration. */
import { culpritFrame, formatDuration, frameLocation, generatedNote, pathOfUrl } from './format';
import type { StallRef } from './timelineModel';
import { stallWordsIn } from './phaseView';
import { isApproximate } from '../model/stallExactness';

/** Renders stalls into `#stall-list` and reports which one the user picked. */
export class StallList {
  private items: StallRef[] = [];
  private selected: StallRef['stall'] | undefined;

  constructor(private readonly el: HTMLElement, private readonly onPick: (ref: StallRef) => void) {
    el.setAttribute('role', 'listbox');
    el.tabIndex = 0;
    el.addEventListener('click', (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>('.stall-item');
      if (li) this.pick(Number(li.dataset.index));
    });
    el.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      e.stopPropagation();
      const at = this.items.findIndex((r) => r.stall === this.selected);
      this.pick(Math.max(0, Math.min(this.items.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1))));
    });
  }

  /** Shows `items` (already sorted and filtered). */
  render(items: StallRef[], total: number): void {
    this.items = items;
    const frag = document.createDocumentFragment();
    items.forEach((ref, index) => {
      const { stall } = ref;
      const li = document.createElement('li');
      li.className = 'stall-item';
      li.setAttribute('role', 'option');
      li.dataset.index = String(index);
      const top = culpritFrame(stall.stack);
      const dur = document.createElement('span');
      dur.className = 'stall-dur';
      dur.textContent = formatDuration(stall.dur);
      const fn = document.createElement('span');
      fn.className = 'stall-fn';
      fn.textContent = top ? top.functionName || '(anonymous)' : '(no stack captured)';
      const loc = document.createElement('span');
      loc.className = 'stall-loc';
      if (top) {
        li.dataset.url = top.url;
        li.dataset.line = String(top.lineNumber);
        loc.textContent = frameLocation(top);
        loc.title = `${pathOfUrl(top.url)}:${top.lineNumber}:${top.columnNumber}${top.generated ? ` — ${generatedNote(top)}` : ''}`;
      } else {
        loc.textContent = stall.resourceType ?? '';
      }
      li.append(dur, ' ', fn, ' ', loc);
      const words = stallWordsIn(ref.track, stall);
      if (words.length) {
        const w = document.createElement('span');
        w.className = 'stall-words';
        w.textContent = words.join(', ');
        li.append(w);
      }
      // An approximate stack is said to be one, never shown as a confident line.
      if (top && isApproximate(stall)) li.append(' ', approximateBadge(stall.approxReason));
      li.setAttribute('aria-label', `Stall of ${formatDuration(stall.dur)} at ${top ? frameLocation(top) : 'unknown location'}${top && isApproximate(stall) ? ' (approximate)' : ''}${words.length ? `, ${words.join(', ')}` : ''}`);
      frag.append(li);
    });
    this.el.replaceChildren(frag);
    this.el.setAttribute('aria-label', items.length === total ? `${total} stalls, longest first` : `${items.length} of ${total} stalls match the search`);
    this.markSelected(this.selected);
  }

  /** Marks the selected stall (or none) and scrolls it into view. */
  markSelected(stall: StallRef['stall'] | undefined): void {
    this.selected = stall;
    const at = this.items.findIndex((r) => r.stall === stall);
    for (const li of this.el.querySelectorAll<HTMLElement>('.stall-item')) {
      const on = Number(li.dataset.index) === at;
      li.classList.toggle('selected', on);
      li.setAttribute('aria-selected', String(on));
      if (on) {
        li.scrollIntoView({ block: 'nearest' });
        this.el.setAttribute('aria-activedescendant', (li.id = `stall-${at}`));
      }
    }
  }

  private pick(index: number): void {
    const ref = this.items[index];
    if (ref) this.onPick(ref);
  }
}

/** The word that marks a stall whose stack was taken after an uninterruptible call returned. */
function approximateBadge(reason: string | undefined): HTMLElement {
  const badge = document.createElement('span');
  badge.className = 'stall-approx';
  badge.textContent = 'approximate';
  badge.title = reason ?? 'the stack was taken after the blocking call returned';
  return badge;
}
