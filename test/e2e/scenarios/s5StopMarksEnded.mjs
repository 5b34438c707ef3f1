// Scenario 5: stopping the debug session marks it ended in the page; its stalls stay shown.
import assert from 'node:assert/strict';
import { pidAlive } from '../fixtureApp.mjs';
import { stallItems, timelineFrame } from '../timelinePage.mjs';
import { runCommand, statusBarItems, textOf, waitFor } from '../workbench.mjs';

export const name = '5 stop the debug session: marked ended, data stays';

export async function run(ctx) {
  const { page, bridge, lines, app } = ctx;
  assert.ok(app, 'scenario 1 did not start the app');
  await runCommand(page, 'Debug: Stop');
  await waitFor(() => !pidAlive(app.pid), { timeout: 15_000, what: `the debuggee (pid ${app.pid}) to exit` });
  const state = await waitFor(async () => {
    const st = await bridge.command('loopscope.getState');
    const s = st.sessions.find((x) => x.id === ctx.sessionId);
    return s && !s.live && st;
  }, { timeout: 15_000, what: 'getState to show the session no longer live' });
  const s = state.sessions.find((x) => x.id === ctx.sessionId);
  assert.ok(s.eventCount > 0 && s.stalls.length > 0, `data kept: ${s.eventCount} events, ${s.stalls.length} stalls`);

  const frame = await timelineFrame(page, { fileHint: 'server.js', timeout: 15_000 });
  await waitFor(async () => /ended/i.test(await textOf(frame, '#session-status')),
    { timeout: 15_000, what: '#session-status to say "ended"' });
  const items = await stallItems(frame);
  await waitFor(async () => (await statusBarItems(page)).some((t) => /ended/.test(t)),
    { timeout: 10_000, what: 'the status bar item to say "ended"' });
  assert.ok(items.some((i) => i.text.includes(`server.js:${lines.timer}`)), `the timer's stall (server.js:${lines.timer}) is still listed`);
}
