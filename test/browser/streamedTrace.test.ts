/**
 * A large recording streamed into the page in pieces, as the VS Code panel sends it
 * (`loadTraceChunk` … `loadTraceEnd`, acknowledged with `traceChunkRead`): a few hundred MB in
 * the recorder's line layout, generated in the page piece by piece so that no test process holds
 * it, loads whole; a cancelled load leaves what was shown. Every wait is on a condition.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './chromium';
import { startView, type ViewProcess } from './viewProcess';

/** Dispatch lines streamed: about 140 bytes each, so about 280 MB. */
const LINES = 2_000_000;
const WAIT = { timeout: 240_000 };

/** Runs in the page: streams a generated recording of `lines` dispatches, honouring the acknowledgement window; stops after `stopAfter` pieces with a cancel. */
async function streamInPage({ lines, stopAfter }: { lines: number; stopAfter?: number }): Promise<{ bytes: number; pieces: number; ms: number }> {
  const t0 = performance.now();
  const perPiece = 60_000;
  // Acknowledgements of this load only: those posted after it began.
  const base = (window.loopscopePosted ?? []).length;
  const acked = () => {
    const all = window.loopscopePosted ?? [];
    let max = -1;
    for (let i = base; i < all.length; i++) {
      const m = all[i];
      if (m.type === 'traceChunkRead' && m.seq > max) max = m.seq;
    }
    return max;
  };
  const post = (m: unknown) => window.postMessage(m, window.location.origin);
  let bytes = 0;
  let seq = 0;
  for (let first = 0; first < lines; first += perPiece, seq++) {
    if (stopAfter !== undefined && seq === stopAfter) {
      post({ type: 'loadTraceEnd', cancelled: true });
      return { bytes, pieces: seq, ms: performance.now() - t0 };
    }
    const rows: string[] = seq === 0 ? ['{"traceEvents":['] : [];
    const last = Math.min(lines, first + perPiece);
    for (let i = first; i < last; i++) {
      rows.push(`{"ph":"X","cat":"loopscope.dispatch","name":"${i % 3 ? 'Timeout' : 'TCPWRAP'}","pid":4242,"tid":1,"ts":${1_700_000_000_000_000 + i * 20},"dur":${5 + (i % 11)},"args":{"asyncId":${i + 10},"triggerAsyncId":${i + 9}}}${i + 1 < lines ? ',' : ''}`);
    }
    const text = `${rows.join('\n')}\n${last === lines ? '],"metadata":{"loopscope":{"droppedEvents":0}}}\n' : ''}`;
    bytes += text.length;
    // No more than three pieces ahead of the page, as the host's streamer does.
    while (seq - acked() > 3) await new Promise((r) => setTimeout(r, 5));
    post(seq === 0 ? { type: 'loadTraceChunk', seq, text, name: 'big.json', totalBytes: 0 } : { type: 'loadTraceChunk', seq, text });
  }
  post({ type: 'loadTraceEnd' });
  return { bytes, pieces: seq, ms: performance.now() - t0 };
}

describe('a large recording streamed into the page in pieces', () => {
  let view: ViewProcess;
  let browser: Browser;

  beforeAll(async () => {
    // The page starts with a small recording; the streamed one replaces it.
    const small = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-small-')), 'small.json');
    writeFileSync(small, '{"traceEvents":[\n{"ph":"X","cat":"loopscope.dispatch","name":"Immediate","pid":1,"tid":1,"ts":1000,"dur":5,"args":{"asyncId":2,"triggerAsyncId":1}}\n],"metadata":{}}\n');
    view = await startView(small);
    browser = await launchChromium();
    await browser.page.goto(view.url);
    await browser.page.waitForFunction(() => (window.loopscopePosted ?? []).some((m) => m.type === 'traceLoaded'), null, WAIT);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await view?.stop();
  });

  const loaded = () => browser.page.evaluate(() => (window.loopscopePosted ?? []).filter((m) => m.type === 'traceLoaded'));

  it(`loads ${LINES.toLocaleString('en-US')} dispatches (about 280 MB) streamed in pieces, acknowledging each`, async () => {
    const { page } = browser;
    const sent = await page.evaluate(streamInPage, { lines: LINES });
    expect(sent.bytes).toBeGreaterThan(250 * 1024 * 1024);
    await page.waitForFunction((n) => (window.loopscopePosted ?? []).some((m) => m.type === 'traceLoaded' && m.dispatches === n), LINES, WAIT);
    const acks = await page.evaluate(() => (window.loopscopePosted ?? []).filter((m) => m.type === 'traceChunkRead').map((m) => (m as { seq: number }).seq));
    expect(acks).toEqual(Array.from({ length: sent.pieces }, (_, i) => i));
    const memory = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    process.stdout.write(`streamed ${(sent.bytes / 1048576).toFixed(0)} MB in ${sent.pieces} pieces, ${(sent.ms / 1000).toFixed(1)} s; page heap ${(memory / 1048576).toFixed(0)} MB\n`);
    expect(browser.errors).toEqual([]);
  }, 300_000);

  it('a cancelled stream leaves what was shown, with no error', async () => {
    const { page } = browser;
    const before = (await loaded()).length;
    await page.evaluate(streamInPage, { lines: 500_000, stopAfter: 3 });
    // The page has taken the pieces it was sent, and shows the same recording as before.
    await page.waitForFunction(() => (window.loopscopePosted ?? []).filter((m) => m.type === 'traceChunkRead' && m.seq === 2).length >= 2, null, WAIT);
    expect(await loaded()).toHaveLength(before);
    expect(await page.evaluate(() => document.getElementById('error-banner')?.hidden ?? true)).toBe(true);
    expect(await page.textContent('#session-status')).not.toContain('Loading');
  }, 120_000);
});
