// Scenario 3: a breakpoint holds the thread far longer than the stall threshold; after continuing,
// no stall is reported for the paused time (the page and getState agree), and the pause is recorded.
import assert from 'node:assert/strict';
import { get } from '../fixtureApp.mjs';
import { stallItems, timelineFrame } from '../timelinePage.mjs';
import { activeEditor, runCommand, statusBarItems, waitFor } from '../workbench.mjs';

export const name = '3 a breakpoint pause longer than the threshold is not a stall';

const PAUSE_MS = 1500;

async function openAtLine(page, file, line) {
  await page.keyboard.press('Escape');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await runCommand(page, 'Go to File...');
  await input.fill(file);
  await waitFor(async () => (await page.locator('.quick-input-widget .monaco-list-row .label-name').allInnerTexts()).some((t) => t.trim() === file),
    { what: `${file} in Quick Open` });
  await page.keyboard.press('Enter');
  await waitFor(async () => (await activeEditor(page)).tab === file, { what: `${file} to open in the editor` });
  await runCommand(page, 'Go to Line/Column...');
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await waitFor(async () => (await activeEditor(page)).line === line, { what: `the cursor on line ${line}` });
}

/** Stalls from earlier requests may still be in flight: wait until two snapshots a loop turn apart agree. */
async function settledSession({ bridge, app, sessionId }) {
  const count = async () => (await bridge.command('loopscope.getState')).sessions.find((s) => s.id === sessionId);
  let prev = await count();
  return waitFor(async () => {
    await get(app.port, '/');
    await new Promise((r) => setTimeout(r, 300));
    const cur = await count();
    const same = cur.stalls.length === prev.stalls.length;
    prev = cur;
    return same && cur;
  }, { timeout: 15_000, what: 'the stall count to settle before pausing' });
}

/** Milliseconds of a duration as the page writes it ("250 ms", "1.5 s"). */
function shownMs(text) {
  const m = /([\d.,]+)\s*(ms|s)\b/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1].replace(/,/g, ''));
  return m[2] === 's' ? v * 1000 : v;
}

export async function run(ctx) {
  const { page, bridge, lines, app } = ctx;
  assert.ok(app, 'scenario 1 did not start the app');
  const before = await settledSession(ctx);
  const frame = await timelineFrame(page, { fileHint: 'server.js' });
  const itemsBefore = await stallItems(frame);

  await openAtLine(page, 'server.js', lines.breakpoint);
  await runCommand(page, 'Debug: Toggle Breakpoint');
  await waitFor(async () => (await bridge.workbench()).breakpoints.some((b) => b.endsWith(`server.js:${lines.breakpoint}`)),
    { what: `a breakpoint at server.js:${lines.breakpoint}` });

  // Bound in the debuggee, as the user sees it: the glyph turns from "unverified" to a solid dot.
  await waitFor(() => page.locator('.monaco-editor .codicon-debug-breakpoint').first().isVisible(),
    { timeout: 15_000, what: 'the breakpoint to be verified (solid breakpoint glyph)' });

  // Hit it. Should the request still slip past (breakpoint bound a moment late), send it again.
  let response;
  await waitFor(async () => {
    const done = { value: false };
    response = get(app.port, '/pause', 60_000);
    response.then(() => { done.value = true; }, () => { done.value = true; });
    // Paused as the user sees it: the debug toolbar offers "Continue".
    const paused = await waitFor(async () => (await page.locator('.debug-toolbar .codicon-debug-continue').first().isVisible()) || (done.value && 'missed'),
      { timeout: 20_000, what: 'the debugger to stop at the breakpoint (Continue in the debug toolbar)' });
    if (paused === 'missed') ctx.log('the /pause request completed without stopping; sending it again');
    return paused === true;
  }, { timeout: 45_000, interval: 100, what: 'the /pause request to stop at the breakpoint' });
  const pausedAt = Date.now();
  await waitFor(async () => (await statusBarItems(page)).some((t) => /Loopscope: paused/.test(t)),
    { timeout: 5_000, what: 'the status bar to say "Loopscope: paused"' });
  // The one deliberate wait: the pause itself must outlast the threshold by far.
  await new Promise((r) => setTimeout(r, PAUSE_MS));
  await runCommand(page, 'Debug: Continue');
  assert.equal(await response, '30', 'the /pause request completed after continue');
  const pausedMs = Date.now() - pausedAt;
  // Remove the breakpoint so later scenarios run undisturbed.
  await runCommand(page, 'Remove All Breakpoints');

  // The extension has seen the pause end (recorded interval) and the loop has turned since.
  await get(app.port, '/');
  const state = await waitFor(async () => {
    const st = await bridge.command('loopscope.getState');
    return st.pausedIntervals.length > 0 && st;
  }, { timeout: 15_000, what: 'getState.pausedIntervals to record the breakpoint pause' });
  ctx.log(`paused ~${pausedMs} ms; pausedIntervals: ${JSON.stringify(state.pausedIntervals).slice(0, 300)}`);
  const after = state.sessions.find((s) => s.id === ctx.sessionId);
  const known = before.stalls.map((s) => JSON.stringify(s));
  const added = after.stalls.filter((s) => { const i = known.indexOf(JSON.stringify(s)); if (i >= 0) known.splice(i, 1); return i < 0; });
  ctx.log(`stalls added during the pause: ${JSON.stringify(added)}; stallsDroppedWhilePaused ${after.stallsDroppedWhilePaused}`);
  // A stall "for the paused time" is one that overlaps the recorded pause. Stalls of earlier turns can
  // still arrive late (their stack capture takes time), so new stalls are judged by their time span
  // when the snapshot carries `ts`, and all count when it does not.
  const pause = state.pausedIntervals.filter((p) => p.pid === app.pid).at(-1) ?? state.pausedIntervals.at(-1);
  const marginUs = 200_000;
  const overlapsPause = (s) => s.ts === undefined
    || (s.ts < pause.ts + pause.dur + marginUs && s.ts + s.dur > pause.ts - marginUs);
  const duringPause = added.filter(overlapsPause);
  assert.deepEqual(duringPause, [], `no stall reported for the ${pausedMs} ms the debugger held the thread (pause ${JSON.stringify(pause)}; stallsDroppedWhilePaused ${after.stallsDroppedWhilePaused})`);
  assert.ok(!after.stalls.some((s) => s.lineNumber === lines.breakpoint), 'no stall at the breakpoint line');

  const itemsAfter = await stallItems(frame);
  const shown = itemsBefore.map((i) => i.text);
  const newItems = itemsAfter.filter((i) => { const k = shown.indexOf(i.text); if (k >= 0) shown.splice(k, 1); return k < 0; });
  ctx.log(`stall items before/after the pause: ${itemsBefore.length}/${itemsAfter.length}; new: ${JSON.stringify(newItems.map((i) => i.text))}`);
  assert.ok(!newItems.some((i) => i.line === lines.breakpoint), 'no stall item at the breakpoint line');
  assert.ok(!newItems.some((i) => (shownMs(i.text) ?? 0) >= PAUSE_MS - 500), `no new stall item as long as the pause: ${JSON.stringify(newItems.map((i) => i.text))}`);
}
