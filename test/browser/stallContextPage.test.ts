/**
 * Stall context and loop phase on the timeline page (headless Chromium, `loopscope view`): the
 * stall list names what besides the code held the loop, the stall details give the GC share and
 * the phase, and a slice's details give its phase. The recording is written here, so the figures
 * it shows are known exactly; the real agent's figures are checked in test/integration.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './chromium';
import { ROOT, startView, type ViewProcess } from './viewProcess';

const WAIT = { timeout: 60_000 };
const T0 = 1_800_000_000_000_000;
const pid = 4242;
const tid = 1;

/** One thread: a 300 ms Timeout that was mostly GC, and a 200 ms Immediate asleep off-CPU. */
function recording(): string {
  const ev = (e: Record<string, unknown>) => ({ pid, tid, ...e });
  const events = [
    ev({ ph: 'M', name: 'thread_name', args: { name: 'main' } }),
    ev({ ph: 'i', s: 't', cat: 'loopscope.thread', name: 'thread', ts: T0, args: { pid, ppid: 1, tid: 0, isMainThread: true, nodeVersion: 'v20', argv: ['node', 'gc.js'], title: 'node', startedAt: T0, stallThresholdMs: 50, endedAt: T0 + 1_000_000 } }),
    ev({ ph: 'X', cat: 'loopscope.dispatch', name: 'Timeout', ts: T0 + 100_000, dur: 300_000, args: { asyncId: 11, triggerAsyncId: 1 } }),
    ev({ ph: 'X', cat: 'loopscope.dispatch', name: 'Immediate', ts: T0 + 600_000, dur: 200_000, args: { asyncId: 12, triggerAsyncId: 11 } }),
    ev({ ph: 'X', cat: 'loopscope.gc', name: 'gc', ts: T0 + 120_000, dur: 200_000, args: { kind: 'major' } }),
    ev({ ph: 'X', cat: 'loopscope.gc', name: 'gc', ts: T0 + 330_000, dur: 40_000, args: { kind: 'minor' } }),
    ev({
      ph: 'X', cat: 'loopscope.stall', name: 'stall', ts: T0 + 100_000, dur: 300_000,
      args: {
        stack: [{ functionName: 'churn', url: 'file:///app/gc.js', lineNumber: 7, columnNumber: 3 }], captured: 'interrupt', asyncId: 11, resourceType: 'Timeout', phase: 'timers',
        context: { gcMs: 240, gcByKind: { major: 200, minor: 40 }, wallMs: 320, cpuMs: 300, runQueueMs: 4, majorFaults: 0, involuntarySwitches: 3 },
      },
    }),
    ev({
      ph: 'X', cat: 'loopscope.stall', name: 'stall', ts: T0 + 600_000, dur: 200_000,
      args: {
        stack: [{ functionName: 'waitForIt', url: 'file:///app/gc.js', lineNumber: 20, columnNumber: 5 }], captured: 'interrupt', asyncId: 12, resourceType: 'Immediate', phase: 'check',
        context: { gcMs: 0, gcByKind: {}, wallMs: 215, cpuMs: 2, runQueueMs: 1, majorFaults: 0, involuntarySwitches: 1 },
      },
    }),
  ];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'loopscope-ctx-')), 'recording.json');
  writeFileSync(file, JSON.stringify({ traceEvents: events, metadata: { loopscope: { protocolVersion: 1, droppedEvents: 0 } } }));
  return file;
}

describe('stall context and loop phase on the timeline page', () => {
  let view: ViewProcess;
  let browser: Browser;

  beforeAll(async () => {
    view = await startView(recording());
    browser = await launchChromium();
    await browser.page.goto(view.url);
    await browser.page.waitForFunction(() => document.querySelectorAll('#stall-list .stall-item').length === 2, null, WAIT);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await view?.stop();
  });

  it('the stall list says "mostly GC" and "off-CPU" beside the stalls they explain', async () => {
    const items = await browser.page.$$eval('#stall-list .stall-item', (els) =>
      els.map((e) => ({ text: e.textContent ?? '', words: e.querySelector('.stall-words')?.textContent ?? '', label: e.getAttribute('aria-label') ?? '' })));
    const gc = items.find((i) => i.text.includes('churn'));
    const asleep = items.find((i) => i.text.includes('waitForIt'));
    expect(gc?.words).toBe('mostly GC');
    expect(gc?.label).toContain('mostly GC');
    expect(asleep?.words).toBe('off-CPU');
    expect(browser.errors).toEqual([]);
  });

  it('the stall details show the phase, the GC share by kind and CPU against wall time', async () => {
    const { page } = browser;
    await page.click('#stall-list .stall-item:has-text("churn")');
    await page.waitForFunction(() => document.querySelector('#details h3')?.textContent?.startsWith('Stall'), null, WAIT);
    const facts = await page.$$eval('#details .facts dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? ''])));
    expect(facts.Phase).toBe('timers');
    expect(facts.GC).toBe('240 ms of the stall (80%) — major 200 ms, minor 40 ms');
    expect(facts.CPU).toBe('300 ms on CPU of 320 ms measured (94%), 4.0 ms waiting for a CPU');
    expect(facts['Major page faults']).toBe('0');
    expect(facts['Involuntary switches']).toBe('3');
  });

  it('a slice’s details show its phase', async () => {
    const { page } = browser;
    // The stall selected above is in view; its Timeout slice lies under it in the first lane.
    const canvas = (await page.$('#timeline-canvas'))!;
    const box = (await canvas.boundingBox())!;
    const view = await page.evaluate(() => {
      const c = document.getElementById('timeline-canvas')!;
      return { start: Number(c.dataset.viewStart), end: Number(c.dataset.viewEnd) };
    });
    const gutter = 112;
    const x = box.x + gutter + ((T0 + 250_000 - view.start) / (view.end - view.start)) * (box.width - gutter);
    // Rows from the top: overview 36, axis 22, the track's header 20, then its first lane (20).
    await page.mouse.click(x, box.y + 36 + 22 + 20 + 10);
    await page.waitForFunction(() => document.querySelector('#details h3')?.textContent?.startsWith('Timeout'), null, WAIT);
    const facts = await page.$$eval('#details .facts dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? ''])));
    expect(facts.Phase).toBe('timers');
    // The lane filters are the phase legend.
    expect(await page.getAttribute('#lane-filter label:has(input[data-lane="immediates"])', 'title')).toBe('Immediates: callbacks run in the loop\'s check phase');
    expect(await page.getAttribute('#lane-filter label:has(input[data-lane="ticks"])', 'title')).toBe('Ticks: callbacks run in the loop\'s nextTick queue');
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(path.join(ROOT, 'test-artifacts', 'timeline-stall-context.png'), await page.screenshot());
    expect(browser.errors).toEqual([]);
  });
});
