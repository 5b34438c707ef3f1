// Scenario 1: start the workspace's plain `type: node` launch configuration (no Loopscope settings),
// send requests that block; the timeline opens by itself, draws dispatch slices, and its stall list
// names the blocking lines (the sync crypto in the handler and the busy timer).
import assert from 'node:assert/strict';
import { forgetAppState, get, waitForApp } from '../fixtureApp.mjs';
import { canvasHasDrawing, stallItems, timelineFrame } from '../timelinePage.mjs';
import { runCommand, statusBarItems, waitFor } from '../workbench.mjs';

export const name = '1 debug the app: timeline opens with dispatch slices and the stall at file:line';

export async function run(ctx) {
  const { page, bridge, workspace, lines } = ctx;
  forgetAppState(workspace);
  await runCommand(page, 'Debug: Start Debugging');
  const app = await waitForApp(workspace);
  ctx.app = app;
  ctx.log(`app pid ${app.pid} on port ${app.port}; NODE_OPTIONS=${app.nodeOptions}`);
  const session = await waitFor(async () => (await bridge.command('loopscope.getState')).sessions.find((s) => s.pid === app.pid),
    { timeout: 30_000, what: `a Loopscope session for the debuggee (pid ${app.pid}) in getState` });
  ctx.sessionId = session.id;

  for (let i = 0; i < 3; i++) await get(app.port, '/hash');
  await get(app.port, '/timer');
  await get(app.port, '/timer');

  // "onFirstProcess" (the default) opens the timeline without the user asking.
  const frame = await timelineFrame(page, { timeout: 30_000 });
  await waitFor(async () => (await stallItems(frame)).some((s) => s.text.includes(`server.js:${lines.timer}`)),
    { timeout: 30_000, what: `a stall item naming server.js:${lines.timer} (the timer's spin loop)` });
  const timer = (await stallItems(frame)).find((s) => s.text.includes(`server.js:${lines.timer}`));
  assert.equal(timer.line, lines.timer, 'data-line of the timer stall');
  assert.match(timer.url, /server\.js$/, 'data-url of the timer stall');
  assert.match(timer.text, /\d+(\.\d+)?\s*(ms|s)\b/, `the stall item shows its duration: "${timer.text}"`);

  await waitFor(() => canvasHasDrawing(frame), { timeout: 15_000, what: 'the timeline canvas to draw slices' });
  const state = await bridge.command('loopscope.getState');
  const s = state.sessions.find((x) => x.id === ctx.sessionId);
  assert.ok(s.eventCount > 0, `dispatches recorded (eventCount ${s.eventCount})`);

  // The status bar shows the live loop figures, and turns to "stalling" while the app keeps blocking
  // (it holds that state ~2 s after a stall, so keep the app blocking while polling).
  await waitFor(async () => (await statusBarItems(page)).some((t) => /p99 [\d.]+/.test(t)),
    { timeout: 15_000, what: 'the Loopscope status bar item with loop figures (p99 …)' });
  let blocking = true;
  const keepBlocking = (async () => { while (blocking) await get(app.port, '/hash'); })();
  try {
    await waitFor(async () => (await statusBarItems(page)).some((t) => /stalling/i.test(t)),
      { timeout: 20_000, what: 'the status bar to say "stalling" while requests block the loop' });
  } finally {
    blocking = false;
    await keepBlocking;
  }
}
