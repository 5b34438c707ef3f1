/** Opens the timeline page (standalone view server, empty recording) in headless Chromium for the benchmark. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { startViewServer, type ViewServer } from '../../src/view/viewServer';
import { launchChromium, type Browser } from '../../test/browser/chromium';
import { generateSession } from './syntheticDispatches';

/** A page ready for data, with the synthetic generator installed as `window.__generate`. */
export interface BenchPage {
  browser: Browser;
  server: ViewServer;
  cdp: CDPSession;
  close(): Promise<void>;
}

/** Starts a view server on an empty recording and opens the page in a fresh Chromium. */
export async function openBenchPage(root: string): Promise<BenchPage> {
  const dir = mkdtempSync(path.join(tmpdir(), 'loopscope-bench-'));
  const trace = path.join(dir, 'empty.json');
  writeFileSync(trace, '{"traceEvents":[]}');
  const server = await startViewServer({ tracePath: trace, scriptPath: path.join(root, 'dist/webview.js') });
  const browser = await launchChromium({ width: 1600, height: 900 });
  const { page } = browser;
  await page.goto(server.url);
  await page.waitForFunction(() => (window.loopscopePosted ?? []).some((m) => m.type === 'traceLoaded'), null, { timeout: 60_000 });
  // Evaluated through DevTools, which the page's CSP does not govern; the page itself never evals.
  await page.evaluate(`window.__generate = ${generateSession.toString()};`);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return {
    browser, server, cdp,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** JS heap in use by the page, in MB (typed-array contents are reported separately by the page). */
export async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  return used / 1048576;
}
