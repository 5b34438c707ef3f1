// Scenario 2: select the timer's stall, click its top user frame: the editor shows server.js with the
// cursor on the blocking line (the spin loop), and the Problems panel has the stall's warning there.
// The timer's stall is used because its stack is pure JavaScript: where a stall inside a native call
// (the crypto one) points is checked by scenario 1.
import assert from 'node:assert/strict';
import { stackFrames, timelineFrame } from '../timelinePage.mjs';
import { activeEditor, problems, waitFor } from '../workbench.mjs';

export const name = '2 click the stall\'s top user frame: editor at the line, warning in Problems';

export async function run(ctx) {
  const { page, lines } = ctx;
  assert.ok(ctx.app, 'scenario 1 did not start the app');
  const line = lines.timer;
  const frame = await timelineFrame(page, { fileHint: 'server.js' });
  await frame.locator('.stall-item', { hasText: `server.js:${line}` }).first().click();
  const frames = await waitFor(async () => {
    const f = await stackFrames(frame);
    return f.length > 0 && f;
  }, { timeout: 10_000, what: '#details .stack-frame elements after selecting the stall' });
  const user = frames.find((f) => /server\.js$/.test(f.url));
  assert.ok(user, `a server.js frame in the stack: ${JSON.stringify(frames.slice(0, 6))}`);
  assert.equal(user.line, line, `top user frame line (${user.text})`);
  await frame.locator(`#details .stack-frame[data-url="${user.url}"][data-line="${user.line}"]`).first().click();

  await waitFor(async () => {
    const ed = await activeEditor(page);
    return ed.tab === 'server.js' && ed.line === line && ed;
  }, { timeout: 15_000, what: `the editor on server.js at line ${line} (from the status bar "Ln x, Col y")` });

  const rows = await waitFor(async () => {
    const r = await problems(page);
    return r.some((x) => x.text.includes(`[Ln ${line},`) || x.label.includes(`line ${line}`) || x.label.includes(`Ln ${line}`)) && r;
  }, { timeout: 15_000, what: `a Problems entry on server.js line ${line}` });
  const row = rows.find((x) => x.text.includes(`[Ln ${line},`) || x.label.includes(`Ln ${line}`) || x.label.includes(`line ${line}`));
  ctx.log(`Problems row: ${row.text}`);
  assert.match(`${row.text} ${row.label}`, /warning|stall|block/i, 'the entry is the stall warning');
}
