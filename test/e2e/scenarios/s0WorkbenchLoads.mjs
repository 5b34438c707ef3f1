// Harness check: the workbench loads the workspace, a built-in command runs, both extensions load.
import assert from 'node:assert/strict';
import { runCommand, statusBarItems, waitFor, textOf } from '../workbench.mjs';

export const name = '0 workbench loads, built-in command runs, loopscope is installed';

export async function run(ctx) {
  const { page, bridge } = ctx;
  // A built-in command whose effect the user sees: the Explorer lists the fixture's files.
  await runCommand(page, 'View: Show Explorer');
  await waitFor(async () => (await textOf(page, '.explorer-folders-view')).includes('server.js'),
    { what: 'server.js in the Explorer' });
  const state = await bridge.workbench();
  assert.notEqual(state.loopscope, 'not installed', 'the loopscope extension is not installed in code-server');
  assert.ok((await statusBarItems(page)).length > 0);
}
