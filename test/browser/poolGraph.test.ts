/**
 * The thread-pool graph in headless Chromium: a real recording of 16 pbkdf2 calls on a pool of 4
 * threads, served by `loopscope view`. The text alternative names the saturation, the pool row is
 * drawn (its saturated span tinted), hovering it names the requests in flight, clicking shows the
 * details. Every wait is on a condition.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './chromium';
import { CLI, ROOT, startView, type ViewProcess } from './viewProcess';

const WAIT = { timeout: 60_000 };

interface Span {
  ts: number;
  dur: number;
}

/** Records test/fixtures/poolSaturation.js with UV_THREADPOOL_SIZE=4; returns the file and its first saturation. */
async function recordPool(): Promise<{ file: string; span: Span }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'loopscope-pool-')), 'recording.json');
  await promisify(execFile)(process.execPath, [CLI, 'record', '-o', file, '--', process.execPath, path.join(ROOT, 'test/fixtures/poolSaturation.js')], {
    cwd: ROOT, timeout: 90_000, env: { ...process.env, UV_THREADPOOL_SIZE: '4', POOL_CALLS: '16' },
  });
  const events = (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: { cat?: string; name: string; ts: number; dur?: number }[] }).traceEvents;
  const span = events.find((e) => e.cat === 'loopscope.pool' && e.name === 'poolSaturated');
  if (!span) throw new Error('the recording has no saturation span');
  return { file, span: { ts: span.ts, dur: span.dur ?? 0 } };
}

describe('thread-pool graph (standalone, loopscope view)', () => {
  let view: ViewProcess;
  let browser: Browser;
  let span: Span;

  beforeAll(async () => {
    const rec = await recordPool();
    span = rec.span;
    view = await startView(rec.file);
    browser = await launchChromium();
    await browser.page.goto(view.url);
    await browser.page.waitForFunction(() => /thread pool saturated/.test(document.getElementById('timeline-summary')?.textContent ?? ''), null, WAIT);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await view?.stop();
  });

  it('says in the text alternative that the pool was saturated, and by how much', async () => {
    const text = await browser.page.evaluate(() => document.getElementById('timeline-summary')?.textContent ?? '');
    expect(text).toMatch(/thread pool saturated once \(longest [\d.]+ (ms|s), up to 1[2-6] requests in flight on 4 threads/);
    expect(await browser.page.getAttribute('#timeline-canvas', 'aria-label')).toContain('thread pool saturated');
  });

  it('draws the pool row, names it on hover and shows its details on click', async () => {
    const { page } = browser;
    const box = (await (await page.$('#timeline-canvas'))!.boundingBox())!;
    // The x of the saturation's middle on the canvas (the time area starts after the 112 px gutter).
    const x = await page.evaluate((mid) => {
      const c = document.getElementById('timeline-canvas')!;
      const start = Number(c.dataset.viewStart);
      const end = Number(c.dataset.viewEnd);
      return 112 + ((mid - start) / (end - start)) * (c.clientWidth - 112);
    }, span.ts + span.dur / 2);
    expect(x).toBeGreaterThan(112);
    // Walk down the canvas until the tooltip names the pool: the row exists where the layout put it.
    let found = -1;
    for (let y = 60; y < box.height && found < 0; y += 6) {
      await page.mouse.move(box.x + x, box.y + y);
      const tip = await page.evaluate(() => {
        const t = document.getElementById('tooltip')!;
        return t.hidden ? '' : t.textContent ?? '';
      });
      if (tip.startsWith('Thread pool:')) {
        expect(tip).toMatch(/^Thread pool: \d+ in flight on 4 threads/);
        expect(tip).toContain('saturated for');
        found = y;
      }
    }
    expect(found, 'no row under the pointer named the thread pool').toBeGreaterThan(0);

    // The saturated span is tinted: pixels in the row differ from the background outside it.
    const tinted = await page.evaluate(({ px, py }) => {
      const c = document.getElementById('timeline-canvas') as HTMLCanvasElement;
      const ctx = c.getContext('2d')!;
      const dpr = c.width / c.clientWidth;
      const at = (cx: number) => Array.from(ctx.getImageData(Math.round(cx * dpr), Math.round(py * dpr), 1, 1).data).join(',');
      return { inside: at(px), edge: at(c.clientWidth - 2) };
    }, { px: x, py: found });
    expect(tinted.inside).not.toBe(tinted.edge);

    await page.mouse.click(box.x + x, box.y + found);
    await page.waitForFunction(() => /Thread pool — saturated/.test(document.getElementById('details')?.textContent ?? ''), null, WAIT);
    const details = await page.textContent('#details');
    expect(details).toContain('Pool size4 threads');
    expect(details).toMatch(/Saturated[\d.]+ (ms|s) from/);
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(path.join(ROOT, 'test-artifacts', 'timeline-pool.png'), await page.screenshot());
    expect(browser.errors).toEqual([]);
  });
});
