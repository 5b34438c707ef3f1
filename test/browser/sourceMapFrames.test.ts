/**
 * The timeline of a recording of a tsc-built TypeScript program: the stall list and the clickable
 * stack frames name the .ts line (what a click opens), and the tooltip tells where the code ran.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './chromium';
import { CLI, ROOT, startView, type ViewProcess } from './viewProcess';

const WAIT = { timeout: 60_000 };
const SPIN_TS = path.join(ROOT, 'test/fixtures/ts/spin.ts');
const BLOCK_LINE = readFileSync(SPIN_TS, 'utf8').split('\n').findIndex((l) => l.includes('// BLOCK')) + 1;

describe('timeline page: frames mapped through source maps', () => {
  let view: ViewProcess;
  let browser: Browser;

  beforeAll(async () => {
    const exec = promisify(execFile);
    const out = mkdtempSync(path.join(tmpdir(), 'loopscope-tsc-'));
    await exec(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'test/fixtures/ts/tsconfig.json', '--outDir', out], { cwd: ROOT, timeout: 90_000 });
    const recording = path.join(out, 'recording.json');
    await exec(process.execPath, [CLI, 'record', '-o', recording, '--', process.execPath, path.join(out, 'stall.js')], { cwd: ROOT, timeout: 60_000 });
    view = await startView(recording);
    browser = await launchChromium();
    await browser.page.goto(view.url);
    await browser.page.waitForSelector('#stall-list .stall-item[data-url$="spin.ts"]', WAIT);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await view?.stop();
  });

  it('lists the stall at the .ts line, and its clickable frame opens the .ts line', async () => {
    const { page } = browser;
    const item = page.locator('#stall-list .stall-item[data-url$="spin.ts"]').first();
    expect(await item.getAttribute('data-line')).toBe(String(BLOCK_LINE));
    expect(await item.innerText()).toContain(`spin.ts:${BLOCK_LINE}`);
    expect(await item.locator('.stall-loc').getAttribute('title')).toMatch(/ran as \S*spin\.js:\d+:\d+/);
    await item.click();
    const button = page.locator('#details .stack-frame[data-url$="spin.ts"]').first();
    await button.waitFor(WAIT);
    expect(await button.getAttribute('data-line')).toBe(String(BLOCK_LINE));
    expect(await button.getAttribute('title')).toMatch(/ran as \S*spin\.js:\d+:\d+/);
    expect(await button.getAttribute('data-generated')).toMatch(/spin\.js:\d+:\d+$/);
    await button.click();
    await page.waitForFunction(() => (window.loopscopePosted ?? []).some((m) => m.type === 'openSource'), null, WAIT);
    const posted = await page.evaluate(() => (window.loopscopePosted ?? []).filter((m) => m.type === 'openSource'));
    expect(posted[0]).toMatchObject({ type: 'openSource', url: SPIN_TS, lineNumber: BLOCK_LINE });
  });
});
