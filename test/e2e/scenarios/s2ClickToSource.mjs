// Scenario 2: select the crypto stall, click its top user frame: the editor shows server.js with the
// cursor on the blocking line, and the Problems panel has the stall's warning on that line.
import assert from 'node:assert/strict';
import { stackFrames, timelineFrame } from '../timelinePage.mjs';
import { activeEditor, problems, waitFor } from '../workbench.mjs';

export const name = '2 click the stall\'s top user frame: editor at the line, warning in Problems';

export async function run(ctx) {
  const { page, lines } = ctx;
  const frame = await timelineFrame(page, { fileHint: 'server.js' });
  await frame.locator('.stall-item', { hasText: `server.js:${lines.hash}` }).first().click();
  const frames = await waitFor(async () => {
    const f = await stackFrames(frame);
    return f.length > 0 && f;
  }, { timeout: 10_000, what: '#details .stack-frame elements after selecting the stall' });
  const user = frames.find((f) => /server\.js$/.test(f.url));
  assert.ok(user, `a server.js frame in the stack: ${JSON.stringify(frames.slice(0, 6))}`);
  assert.equal(user.line, lines.hash, `top user frame line (${user.text})`);
  await frame.locator(`#details .stack-frame[data-url="${user.url}"][data-line="${user.line}"]`).first().click();

  await waitFor(async () => {
    const ed = await activeEditor(page);
    return ed.tab === 'server.js' && ed.line === lines.hash && ed;
  }, { timeout: 15_000, what: `the editor on server.js at line ${lines.hash} (from the status bar "Ln x, Col y")` });

  const rows = await waitFor(async () => {
    const r = await problems(page);
    return r.some((x) => x.text.includes(`[Ln ${lines.hash},`) || x.label.includes(`line ${lines.hash}`) || x.label.includes(`Ln ${lines.hash}`)) && r;
  }, { timeout: 15_000, what: `a Problems entry on server.js line ${lines.hash}` });
  const row = rows.find((x) => x.text.includes(`[Ln ${lines.hash},`) || x.label.includes(`Ln ${lines.hash}`) || x.label.includes(`line ${lines.hash}`));
  ctx.log(`Problems row: ${row.text}`);
  assert.match(`${row.text} ${row.label}`, /warning|stall|block/i, 'the entry is the stall warning');
}
