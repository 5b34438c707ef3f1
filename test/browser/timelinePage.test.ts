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
import { BLOCKER, recordBlocker } from './recordFixture';
import { ROOT, startView, type ViewProcess } from './viewProcess';
import { renderTimelineHtml } from '../../src/view/page';

const WAIT = { timeout: 60_000 };
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** The duration an item's text shows, in ms ("263 ms", "1.25 s"). */
function durationMs(text: string): number {
  const m = /([\d.]+) (ms|s) /.exec(text);
  if (!m) throw new Error(`no duration in ${text}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

interface ViewRange {
  start: number;
  end: number;
}

describe('timeline page (standalone, loopscope view)', () => {
  let recording: string;
  let view: ViewProcess;
  let browser: Browser;

  beforeAll(async () => {
    recording = await recordBlocker();
    view = await startView(recording);
    browser = await launchChromium();
    await browser.page.goto(view.url);
    await browser.page.waitForFunction(() => document.querySelectorAll('#stall-list .stall-item').length >= 2, null, WAIT).catch(async (err: Error) => {
      const state = await browser.page.evaluate(() => ({
        status: document.getElementById('session-status')?.textContent, error: document.getElementById('error-banner')?.textContent,
        posted: window.loopscopePosted,
      }));
      throw new Error(`${err.message}\npage: ${JSON.stringify(state)}\nerrors: ${browser.errors.join('\n')}\nrecording: ${readFileSync(recording, 'utf8').slice(0, 2000)}`);
    });
  }, 240_000);

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
    // On a starved machine the recorder may also catch a stall outside the program's own spins.
    const spins = items.filter((i) => i.text.includes('blocker.js:9'));
    expect(spins.length).toBeGreaterThanOrEqual(2);
    for (const item of spins) {
      expect(item.text).toMatch(/\d+ ms/);
      expect(item.line).toBe('9');
      expect(item.url).toContain('blocker.js');
    }
    const durations = items.map((i) => durationMs(i.text));
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    expect(await page.textContent('#session-status')).toContain('ended');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'timeline-standalone.png'), await page.screenshot());
    expect(browser.errors).toEqual([]);
  });

  it('moves between stalls with the keyboard', async () => {
    const { page } = browser;
    await page.focus('#timeline-canvas');
    const selected = (): Promise<{ index: string | null; title: string | null }> =>
      page.evaluate(() => ({
        index: document.querySelector('.stall-item[aria-selected="true"]')?.getAttribute('data-index') ?? null,
        title: document.querySelector('#details h3')?.textContent ?? null,
      }));
    const changedFrom = (index: string | null): Promise<unknown> =>
      page.waitForFunction((i) => {
        const now = document.querySelector('.stall-item[aria-selected="true"]')?.getAttribute('data-index') ?? null;
        return now !== null && now !== i;
      }, index, WAIT);
    const start = (await selected()).index;
    await page.keyboard.press('n');
    await changedFrom(start);
    const first = await selected();
    expect(first.title).toMatch(/^Stall/);
    await page.keyboard.press('n');
    await changedFrom(first.index);
    const second = await selected();
    expect(second.title).toMatch(/^Stall/);
    await page.keyboard.press('p');
    await page.waitForFunction((i) => document.querySelector('.stall-item[aria-selected="true"]')?.getAttribute('data-index') === i, first.index, WAIT);
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

  it('filters the stall list by function or file name', async () => {
    const { page } = browser;
    const total = await page.$$eval('.stall-item', (e) => e.length);
    await page.fill('#search', 'blockShort');
    await page.waitForFunction(() => document.querySelectorAll('.stall-item').length === 1, null, WAIT);
    await page.fill('#search', 'blocker.js');
    await page.waitForFunction((n) => document.querySelectorAll('.stall-item').length >= 2 && document.querySelectorAll('.stall-item').length <= n, total, WAIT);
    await page.fill('#search', '');
    await page.waitForFunction((n) => document.querySelectorAll('.stall-item').length === n, total, WAIT);
  });

  it('hides a lane kind through its filter, which the text alternative reflects', async () => {
    const { page } = browser;
    const summary = (): Promise<string> => page.evaluate(() => document.getElementById('timeline-summary')?.textContent ?? '');
    await page.waitForFunction(() => /timers \(\d/.test(document.getElementById('timeline-summary')?.textContent ?? ''), null, WAIT);
    await page.uncheck('#lane-filter input[data-lane="timers"]');
    await page.waitForFunction(() => !/timers \(/.test(document.getElementById('timeline-summary')?.textContent ?? ''), null, WAIT);
    expect(await summary()).toMatch(/stalls visible/);
    await page.check('#lane-filter input[data-lane="timers"]');
    await page.waitForFunction(() => /timers \(\d/.test(document.getElementById('timeline-summary')?.textContent ?? ''), null, WAIT);
    // Per-type filter: one checkbox per resource type in the recording.
    await page.click('#type-filter summary');
    await page.waitForSelector('#type-filter-list input[data-type="Timeout"]', WAIT);
    await page.uncheck('#type-filter-list input[data-type="Timeout"]');
    await page.check('#type-filter-list input[data-type="Timeout"]');
    await page.click('#type-filter summary');
    expect(browser.errors).toEqual([]);
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
    recording = await recordBlocker();
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
  }, 240_000);

  afterAll(() => browser?.close());

  const received = (): Promise<FromWebview[]> => browser.page.evaluate(() => (window as unknown as { hostReceived: FromWebview[] }).hostReceived);

  it('loads a posted recording, opens frames through the host, and keeps the data on a bad file', async () => {
    const { page } = browser;
    const text = readFileSync(recording, 'utf8');
    await page.evaluate((t) => window.postMessage({ type: 'loadTrace', text: t }, '*'), text);
    await page.waitForFunction(() => (window as unknown as { hostReceived: { type: string }[] }).hostReceived.some((m) => m.type === 'traceLoaded'), null, WAIT);
    const loaded = (await received()).find((m) => m.type === 'traceLoaded');
    expect(loaded).toMatchObject({ sessions: 1 });
    const stallCount = await page.$$eval('.stall-item', (e) => e.length);
    expect(stallCount).toBeGreaterThanOrEqual(2);
    // Pick the stall whose stack runs through blockShort, then open that frame (line 18).
    for (let i = 0; i < stallCount; i++) {
      await page.click(`#stall-list .stall-item >> nth=${i}`);
      await page.waitForSelector(`.stall-item[data-index="${i}"][aria-selected="true"]`, WAIT);
      if (await page.$('#details .stack-frame:has-text("blockShort")')) break;
    }
    await page.click('#details .stack-frame:has-text("blockShort")');
    await page.waitForFunction(() => (window as unknown as { hostReceived: { type: string }[] }).hostReceived.some((m) => m.type === 'openSource'), null, WAIT);
    expect((await received()).find((m) => m.type === 'openSource')).toMatchObject({ url: BLOCKER, lineNumber: 18 });
    expect(await page.isHidden('#source-path')).toBe(true);

    await page.evaluate(() => window.postMessage({ type: 'loadTrace', text: '{"traceEvents": [' }, '*'));
    await page.waitForSelector('#error-banner:not([hidden])', WAIT);
    expect(await page.textContent('#error-banner')).toMatch(/not a valid recording/);
    expect(await page.$$eval('.stall-item', (e) => e.length)).toBe(stallCount);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'timeline-vscode-dpr2.png'), await page.screenshot());
    expect(browser.errors).toEqual([]);
  });

  it('streams live data with follow keeping the newest time in view until the user pans', async () => {
    const { page } = browser;
    const T = 1_800_000_000_000_000;
    const send = (from: number, n: number): Promise<void> =>
      page.evaluate(({ from, n, T }) => {
        const ts = Float64Array.from({ length: n }, (_, i) => T + (from + i) * 1000);
        window.postMessage({
          type: 'dispatches', sessionId: 'live-1', resourceTypes: ['Timeout', 'TCPWRAP'], count: n,
          typeId: Uint16Array.from({ length: n }, (_, i) => i % 2), asyncId: Float64Array.from(ts, (_, i) => from + i + 5),
          triggerAsyncId: new Float64Array(n).fill(1), ts, dur: new Float64Array(n).fill(300),
        }, '*');
      }, { from, n, T });
    await page.evaluate(() => window.postMessage({ type: 'reset' }, '*'));
    await page.evaluate(() => window.postMessage({ type: 'sessionStarted', session: { id: 'live-1', pid: 77, tid: 0, title: 'live app', live: true } }, '*'));
    await send(0, 500);
    await page.waitForFunction(() => document.getElementById('session-status')?.textContent?.includes('live'), null, WAIT);
    const follow = await page.getAttribute('#follow', 'aria-pressed');
    if (follow !== 'true') await page.click('#follow');
    await send(500, 500);
    // Newest data is at T + 999 ms: following keeps the view's end at or past it.
    await page.waitForFunction((t) => Number(document.getElementById('timeline-canvas')!.dataset.viewEnd) >= t + 999_000, T, WAIT);
    const box = (await (await page.$('#timeline-canvas'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 300, box.y + 200, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById('follow')?.getAttribute('aria-pressed') === 'false', null, WAIT);
    const pannedEnd = await page.evaluate(() => Number(document.getElementById('timeline-canvas')!.dataset.viewEnd));
    await send(1000, 2000);
    await page.waitForFunction(() => document.getElementById('session-status')?.textContent?.includes('3,000 callbacks'), null, WAIT);
    expect(await page.evaluate(() => Number(document.getElementById('timeline-canvas')!.dataset.viewEnd))).toBe(pannedEnd);
    await page.evaluate(() => window.postMessage({ type: 'sessionEnded', sessionId: 'live-1', endedAt: 1_800_000_003_000_000 }, '*'));
    await page.waitForFunction(() => document.getElementById('session-status')?.textContent?.includes('ended'), null, WAIT);
    expect(browser.errors).toEqual([]);
  });
});
