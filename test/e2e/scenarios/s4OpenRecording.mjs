// Scenario 4: a recording made by the CLI (`loopscope record -o F -- node oneShot.js`) opens in the
// timeline through "Loopscope: Open Recording…" and its file dialog, and lists the stall.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markerLine } from '../fixtureApp.mjs';
import { ROOT } from '../packageExtension.mjs';
import { stallItems, timelineFrame } from '../timelinePage.mjs';
import { runCommand, waitFor } from '../workbench.mjs';

export const name = '4 open a recording made by `loopscope record` in the timeline';

function countBy(events) {
  const n = {};
  for (const e of events) n[`${e.cat}/${e.name}`] = (n[`${e.cat}/${e.name}`] ?? 0) + 1;
  return n;
}

export async function run(ctx) {
  const { page, workspace, titles } = ctx;
  const file = join(workspace, 'oneShot.trace.json');
  const cli = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'record', '-o', file, '--', 'node', 'oneShot.js'],
    { cwd: workspace, encoding: 'utf8', timeout: 60_000 });
  const said = `loopscope record exited ${cli.status ?? cli.signal}; stdout: ${cli.stdout}; stderr: ${cli.stderr}`;
  ctx.log(said.replace(/\n/g, ' | '));
  assert.ok(existsSync(file), `loopscope record wrote no ${file}: ${said}`);
  const events = JSON.parse(readFileSync(file, 'utf8')).traceEvents ?? [];
  assert.ok(events.some((e) => e.cat === 'loopscope.stall'),
    `the recording contains a stall; it has ${JSON.stringify(countBy(events))}; ${said}`);
  const line = markerLine(workspace, 'oneShot.js', 'e2e:oneshot');

  await runCommand(page, titles['loopscope.openRecording'] ?? 'Loopscope: Open Recording…');
  // code-server's file dialog is a quick input holding a folder path that it fills in (and may reset)
  // while it lists the folder: wait for the listing, then type the file's path and accept; if the
  // dialog is still open afterwards (its reset won the race), do it again.
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(async () => {
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await waitFor(async () => (await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts()).some((t) => t.includes('oneShot.trace.json')),
      { timeout: 10_000, what: 'the open dialog to list the workspace folder' });
    await input.fill(file);
    await waitFor(async () => (await input.inputValue()) === file, { timeout: 5_000, what: 'the dialog input to hold the path' });
    await page.keyboard.press('Enter');
    return waitFor(async () => !(await input.isVisible()), { timeout: 3_000, what: 'the open dialog to close' }).then(() => true, () => false);
  }, { timeout: 40_000, interval: 100, what: `the open dialog to accept ${file}` });

  const frame = await timelineFrame(page, { fileHint: 'oneShot.js', timeout: 30_000 });
  const items = await stallItems(frame);
  const item = items.find((i) => i.text.includes(`oneShot.js:${line}`));
  assert.ok(item, `a stall item naming oneShot.js:${line}: ${JSON.stringify(items.map((i) => i.text))}`);
}
