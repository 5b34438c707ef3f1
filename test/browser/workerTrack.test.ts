/**
 * The timeline page against real recordings: a worker's track is labelled by its script and
 * threadId, and a stall whose stack is approximate says so in the stall list and the details.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './chromium';
import { recordProgram } from './recordFixture';
import { ROOT, startView, type ViewProcess } from './viewProcess';

const WAIT = { timeout: 60_000 };

describe('timeline page: worker tracks and approximate stacks', () => {
  let browser: Browser;
  const views: ViewProcess[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const v of views) await v.stop();
  });

  async function open(program: string, env: Record<string, string> = {}): Promise<void> {
    Object.assign(process.env, env);
    try {
      const view = await startView(await recordProgram(path.join(ROOT, program)));
      views.push(view);
      await browser.page.goto(view.url);
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
  }

  it('each worker, nested ones too, is a track named by its script and threadId', async () => {
    await open('test/fixtures/workerStall.js');
    await browser.page.waitForFunction(() => document.querySelectorAll('#stall-list .stall-item').length >= 2, null, WAIT);
    // The canvas's text alternative lists every track by its label once it has drawn.
    await browser.page.waitForFunction(() => /Nested/.test(document.getElementById('timeline-canvas')!.getAttribute('aria-label') ?? ''), null, WAIT);
    const label = await browser.page.evaluate(() => document.getElementById('timeline-canvas')!.getAttribute('aria-label') ?? '');
    expect(label).toMatch(/workerStallWorker\.js #\d+/);
    expect(label).toMatch(/workerStallNested\.js #\d+/);
  }, 120_000);

  it('a stall whose stack was taken after JSON.parse returned is marked approximate, with the reason', async () => {
    await open('test/fixtures/builtinCaller.js', { BUILTINS: 'parse' });
    await browser.page.waitForFunction(() => document.querySelector('#stall-list .stall-approx') !== null, null, WAIT);
    const item = browser.page.locator('#stall-list .stall-item', { has: browser.page.locator('.stall-approx') }).first();
    expect(await item.locator('.stall-approx').textContent()).toBe('approximate');
    await item.click();
    await browser.page.waitForFunction(() => /approximate/.test(document.getElementById('details')?.textContent ?? ''), null, WAIT);
    expect(await browser.page.locator('#details').textContent()).toMatch(/cannot be interrupted/);
  }, 120_000);
});
