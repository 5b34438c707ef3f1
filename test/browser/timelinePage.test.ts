/**
 * The timeline page in headless Chromium against `loopscope view` serving a real recording:
 * the stall list names each stall's file:line, keys move between stalls, clicking a frame posts
 * the open-source message, zoom changes the visible range. Every wait is on a condition.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FromWebview } from '../../webview/protocol';
import { launchChromium, type Browser } from './chromium';
import { BLOCKER, recordProgram } from './recordFixture';
import { ROOT, startView, type ViewProcess } from './viewProcess';
import { renderTimelineHtml } from '../../src/view/page';

const WAIT = { timeout: 30_000 };
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

interface ViewRange {
  start: number;
  end: number;
}

describe('timeline page (standalone, loopscope view)', () => {
  let recording: string;
  let view: ViewProcess;
  let browser: Browser;

  beforeAll(async () => {
    recording = await recordProgram();
    view = await startView(recording);
    browser = await launchChromium();
    await browser.page.goto(view.url);
    await browser.page.waitForFunction(() => document.querySelectorAll('#stall-list .stall-item').length >= 2, null, WAIT);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await view?.stop();
  });

  const viewRange = (): Promise<ViewRange> =>
    browser.page.evaluate(() => {
      const c = document.getElementById('timeline-canvas')!;
      return { start: Number(c.dataset.viewStart), end: Number(c.dataset.viewEnd) };
    });

  it('lists each stall with its file:line and duration, longest first', async () => {
    const { page } = browser;
    const items = await page.$$eval('#stall-list .stall-item', (els) =>
      els.map((e) => ({ text: e.textContent ?? '', url: e.getAttribute('data-url'), line: e.getAttribute('data-line') })));
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.text).toContain('blocker.js:9');
      expect(item.text).toMatch(/\d+ ms/);
      expect(item.line).toBe('9');
      expect(item.url).toContain('blocker.js');
    }
    const durations = items.map((i) => Number(/(\d+) ms/.exec(i.text)![1]));
    expect(durations[0]).toBeGreaterThan(durations[1]);
    expect(await page.textContent('#session-status')).toContain('ended');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'timeline-standalone.png'), await page.screenshot());
    expect(browser.errors).toEqual([]);
  });

  it('moves between stalls with the keyboard', async () => {
    const { page } = browser;
    await page.focus('#timeline-canvas');
    const selectedLine = (): Promise<string | null> =>
      page.evaluate(() => document.querySelector('#details h3')?.textContent ?? null);
    const selectedIndex = (): Promise<number> =>
      page.evaluate(() => [...document.querySelectorAll('.stall-item')].findIndex((e) => e.getAttribute('aria-selected') === 'true'));
    await page.keyboard.press('n');
    await page.waitForFunction(() => document.querySelector('.stall-item[aria-selected="true"]') !== null, null, WAIT);
    // The recording's first stall in time is the longer one (blockLong runs first).
    expect(await selectedIndex()).toBe(0);
    const first = await selectedLine();
    expect(first).toMatch(/^Stall/);
    await page.keyboard.press('n');
    await page.waitForFunction(() => document.querySelector('.stall-item[aria-selected="true"]')?.getAttribute('data-index') === '1', null, WAIT);
    expect(await selectedLine()).not.toBe(first);
    await page.keyboard.press('p');
    await page.waitForFunction(() => document.querySelector('.stall-item[aria-selected="true"]')?.getAttribute('data-index') === '0', null, WAIT);
  });

  it('posts openSource when a stack frame is clicked and shows the path standalone', async () => {
    const { page } = browser;
    await page.click('#stall-list .stall-item >> nth=0');
    await page.waitForSelector('#details .stack-frame', WAIT);
    const frame = await page.$eval('#details .stack-frame', (e) => ({ url: e.getAttribute('data-url'), line: e.getAttribute('data-line'), column: e.getAttribute('data-column') }));
    expect(frame.url).toContain('blocker.js');
    expect(frame.line).toBe('9');
    await page.click('#details .stack-frame >> nth=0');
    await page.waitForFunction(() => (window.loopscopePosted ?? []).some((m) => m.type === 'openSource'), null, WAIT);
    const posted = await page.evaluate(() => (window.loopscopePosted ?? []).filter((m) => m.type === 'openSource'));
    expect(posted[0]).toEqual({ type: 'openSource', url: frame.url, lineNumber: 9, columnNumber: Number(frame.column) });
    expect(await page.inputValue('#source-path')).toBe(`${BLOCKER}:9:${frame.column}`);
  });

  it('zooms with keys and the wheel, changing the visible range', async () => {
    const { page } = browser;
    await page.focus('#timeline-canvas');
    const before = await viewRange();
    await page.keyboard.press('+');
    await page.waitForFunction((b) => {
      const c = document.getElementById('timeline-canvas')!;
      return Number(c.dataset.viewEnd) - Number(c.dataset.viewStart) < (b.end - b.start) * 0.9;
    }, before, WAIT);
    const zoomed = await viewRange();
    const box = (await page.$('#timeline-canvas'))!;
    const rect = (await box.boundingBox())!;
    await page.mouse.move(rect.x + rect.width * 0.6, rect.y + 200);
    await page.mouse.wheel(0, 400);
    await page.waitForFunction((b) => {
      const c = document.getElementById('timeline-canvas')!;
      return Number(c.dataset.viewEnd) - Number(c.dataset.viewStart) > (b.end - b.start) * 1.1;
    }, zoomed, WAIT);
    await page.keyboard.press('Home');
    await page.keyboard.press('z');
    expect(browser.errors).toEqual([]);
  });
});

describe('timeline page (VS Code mode, stubbed host)', () => {
  let browser: Browser;
  let recording: string;

  beforeAll(async () => {
    recording = await recordProgram();
    browser = await launchChromium({ deviceScaleFactor: 2 });
    const html = renderTimelineHtml({ scriptUri: 'https://loopscope.test/webview.js', cspSource: 'https://loopscope.test', nonce: 'testnonce', mode: 'vscode' });
    const script = readFileSync(path.join(ROOT, 'dist/webview.js'), 'utf8');
    await browser.page.route('https://loopscope.test/**', (route) =>
      route.fulfill(route.request().url().endsWith('/webview.js')
        ? { contentType: 'text/javascript', body: script }
        : { contentType: 'text/html', body: html }));
    // The stub VS Code gives webviews: messages the page posts are kept for the test.
    await browser.page.addInitScript(() => {
      const sent: unknown[] = [];
      (window as unknown as { hostReceived: unknown[] }).hostReceived = sent;
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage: (m: unknown) => sent.push(m) });
    });
    await browser.page.goto('https://loopscope.test/');
    await browser.page.waitForFunction(() => (window as unknown as { hostReceived: { type: string }[] }).hostReceived.some((m) => m.type === 'ready'), null, WAIT);
  }, 120_000);

  afterAll(() => browser?.close());

  const received = (): Promise<FromWebview[]> => browser.page.evaluate(() => (window as unknown as { hostReceived: FromWebview[] }).hostReceived);

  it('loads a posted recording, opens frames through the host, and keeps the data on a bad file', async () => {
    const { page } = browser;
    const text = readFileSync(recording, 'utf8');
    await page.evaluate((t) => window.postMessage({ type: 'loadTrace', text: t }, '*'), text);
    await page.waitForFunction(() => (window as unknown as { hostReceived: { type: string }[] }).hostReceived.some((m) => m.type === 'traceLoaded'), null, WAIT);
    expect((await received()).find((m) => m.type === 'traceLoaded')).toMatchObject({ sessions: 1, stalls: 2 });
    await page.click('#stall-list .stall-item >> nth=1');
    await page.click('#details .stack-frame >> nth=1');
    await page.waitForFunction(() => (window as unknown as { hostReceived: { type: string }[] }).hostReceived.some((m) => m.type === 'openSource'), null, WAIT);
    expect((await received()).find((m) => m.type === 'openSource')).toMatchObject({ url: BLOCKER, lineNumber: 18 });
    expect(await page.isHidden('#source-path')).toBe(true);

    await page.evaluate(() => window.postMessage({ type: 'loadTrace', text: '{"traceEvents": [' }, '*'));
    await page.waitForSelector('#error-banner:not([hidden])', WAIT);
    expect(await page.textContent('#error-banner')).toMatch(/not a valid recording/);
    expect(await page.$$eval('.stall-item', (e) => e.length)).toBe(2);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'timeline-vscode-dpr2.png'), await page.screenshot());
    expect(browser.errors).toEqual([]);
  });
});
