// Scenario ts: a TypeScript program built with tsc (JavaScript + .map files in ts/out), started from
// the workspace's "Run TypeScript build" configuration. Its stall lands on the .ts line in the
// Problems panel, not on the emitted .js line. Independent of scenario 1: it builds and starts its own program.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markerLine } from '../fixtureApp.mjs';
import { ROOT } from '../packageExtension.mjs';
import { problems, runCommand, waitFor } from '../workbench.mjs';

export const name = 'ts a tsc-built TypeScript program: the stall is flagged on the .ts line in Problems';

const CONFIG = 'Run TypeScript build';

export async function run(ctx) {
  const { page, bridge, workspace } = ctx;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(workspace, 'ts/tsconfig.json')], { stdio: 'pipe' });
  const line = markerLine(workspace, 'ts/spin.ts', 'e2e:ts-spin');
  const emitted = readFileSync(join(workspace, 'ts/out/spin.js'), 'utf8').split('\n').findIndex((l) => l.includes('iterations++')) + 1;
  assert.notEqual(emitted, line, 'the emitted line must differ from the .ts line, or this scenario proves nothing');
  const spinTs = join(workspace, 'ts/spin.ts');

  await startConfiguration(page, CONFIG);
  const stall = await waitFor(async () => {
    const state = await bridge.command('loopscope.getState');
    return state.sessions.flatMap((s) => s.stalls).find((s) => s.url.endsWith('spin.ts') || s.url.endsWith('spin.js'));
  }, { timeout: 60_000, what: 'a stall of the TypeScript program in getState' });
  assert.equal(stall.url, spinTs, `the stall is charged to the .ts file (got ${stall.url}:${stall.lineNumber})`);
  assert.equal(stall.lineNumber, line, 'the stall is charged to the .ts line');

  // Problems lists the file, then its entries: the entry under spin.ts must be on the marked line.
  const rows = await waitFor(async () => {
    const r = await problems(page);
    const file = r.findIndex((x) => /spin\.ts/.test(`${x.text} ${x.label}`));
    return file >= 0 && r.slice(file + 1).some((x) => x.text.includes(`[Ln ${line},`)) && r.slice(file);
  }, { timeout: 20_000, what: `a Problems entry under spin.ts on line ${line}` });
  const row = rows.find((x) => x.text.includes(`[Ln ${line},`));
  ctx.log(`Problems: ${rows[0].text} / ${row.text}`);
  assert.match(`${row.text} ${row.label}`, /blocked the event loop/i, 'the entry is the stall warning');
  assert.ok(!rows.some((x) => /spin\.js/.test(`${x.text} ${x.label}`)), 'no entry on the emitted spin.js');
}

/**
 * Starts a launch configuration by name the way a user does: Debug: Select and Start Debugging, then
 * its row. Nothing is typed: the picker replaces the palette a moment later, and text typed into the
 * palette before that would become a file search.
 */
async function startConfiguration(page, config) {
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${config}\\s*$`) }),
  }).first();
  await waitFor(async () => {
    await runCommand(page, 'Debug: Select and Start Debugging');
    const shown = await row.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (shown) await row.click({ timeout: 5_000 });
    return shown;
  }, { timeout: 30_000, interval: 500, what: `the "${config}" row of Debug: Select and Start Debugging` });
}
