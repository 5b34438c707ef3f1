// Scenario 1b: the HTTP handler's stall names the line of the synchronous crypto call (user code),
// although the loop was held inside native code (pbkdf2Sync) while a debugger was attached.
// Kept apart from scenario 1 so that this one capture question fails on its own.
import assert from 'node:assert/strict';
import { get } from '../fixtureApp.mjs';
import { stallItems, timelineFrame } from '../timelinePage.mjs';
import { waitFor } from '../workbench.mjs';

export const name = '1b the crypto stall names server.js at the pbkdf2Sync line';

export async function run(ctx) {
  const { page, lines, app } = ctx;
  assert.ok(app, 'scenario 1 did not start the app');
  const frame = await timelineFrame(page, { fileHint: 'server.js' });
  // Scenario 1 already sent /hash requests; two more give the capture another chance each.
  await get(app.port, '/hash');
  await get(app.port, '/hash');
  await waitFor(async () => (await stallItems(frame)).some((s) => s.text.includes(`server.js:${lines.hash}`)),
    { timeout: 10_000, what: `a stall item naming server.js:${lines.hash} (the pbkdf2Sync call in hashPassword)` });
}
