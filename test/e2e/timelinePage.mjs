// Reading the timeline webview through its DOM hooks (docs/CONTRACTS.md "Timeline page").
import { findFrame, textOf } from './workbench.mjs';

/** The webview frame that shows stalls whose url contains `fileHint` (or any timeline when omitted). */
export function timelineFrame(page, { fileHint, timeout = 30_000 } = {}) {
  const selector = fileHint ? `.stall-item[data-url*="${fileHint}"]` : '#stall-list';
  return findFrame(page, selector, { timeout, what: fileHint ? `a stall in ${fileHint}` : 'the timeline (#stall-list)' });
}

/** Every `.stall-item` as the user sees it, with its data attributes. */
export async function stallItems(frame) {
  return frame.$$eval('.stall-item', (els) => els.map((e) => ({
    text: (e.innerText ?? '').replace(/\s+/g, ' ').trim(),
    url: e.getAttribute('data-url') ?? '',
    line: Number(e.getAttribute('data-line')),
  })));
}

export async function stackFrames(frame) {
  return frame.$$eval('#details .stack-frame', (els) => els.map((e) => ({
    text: (e.innerText ?? '').replace(/\s+/g, ' ').trim(),
    url: e.getAttribute('data-url') ?? '',
    line: Number(e.getAttribute('data-line')),
    column: Number(e.getAttribute('data-column')),
  })));
}

/** True when the canvas has drawn something other than one flat colour (slices, axes). */
export async function canvasHasDrawing(frame) {
  return frame.$eval('#timeline-canvas', (c) => {
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0 || c.height === 0) return false;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const seen = new Set();
    for (let i = 0; i < data.length && seen.size < 4; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`);
    return seen.size >= 3;
  });
}

/** What the page shows, for failure reports. */
export async function describeTimeline(page) {
  const parts = [];
  for (const f of page.frames()) {
    if (!(await f.$('#stall-list').catch(() => null))) continue;
    parts.push([
      `  timeline frame ${f.url().slice(0, 80)}`,
      `    #session-status: ${await textOf(f, '#session-status', 300)}`,
      `    #stall-list: ${(await textOf(f, '#stall-list', 1500)).replace(/\n/g, ' | ')}`,
      `    #details: ${(await textOf(f, '#details', 1500)).replace(/\n/g, ' | ')}`,
      `    body: ${(await textOf(f, 'body', 1500)).replace(/\n/g, ' | ')}`,
    ].join('\n'));
  }
  return parts.length ? parts.join('\n') : '  (no timeline webview frame with #stall-list found)';
}
