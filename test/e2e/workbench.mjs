// Playwright helpers that drive the VS Code workbench (code-server) the way a user does:
// keyboard, command palette, clicks; and read what the user sees (DOM text), never internals.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'e2e');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Polls `fn` until it returns a truthy value (or stops throwing) and returns that value.
 * Tests wait on conditions, never on fixed sleeps; the message says what was awaited and what
 * was last seen, so a timeout is understandable from the log alone.
 */
export async function waitFor(fn, { timeout = 30_000, interval = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Noise the workbench prints here with no network (see VSCODE-HOST.md); everything else is kept. */
export const HARMLESS = [/vsda/, /gallery|marketplace/i, /github.*authentication|authentication.*github/i, /Failed to load resource/i,
  /ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED/, /ENOTFOUND open-vsx|open-vsx\.org/];

/** Opens the workbench on `folder`; collects the page's console errors for failure reports. */
export async function openWorkbench(browser, server, { folder, payload, exposed = {} } = {}) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !HARMLESS.some((re) => re.test(m.text()))) consoleErrors.push(m.text().slice(0, 500));
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  for (const [name, fn] of Object.entries(exposed)) await page.exposeFunction(name, fn);
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return { page, context, consoleErrors };
}

/** Waits until the workbench is interactive: the status bar and explorer are rendered. */
export async function waitForWorkbenchReady(page) {
  await waitFor(async () => (await page.$$('.statusbar-item')).length > 2, { timeout: 60_000, what: 'status bar items' });
}

/**
 * Runs a command through F1 the way a user does: type its title, pick the exact row. The palette
 * can be mid-transition (another quick input closing), so a failed attempt is retried from Escape.
 */
export async function runCommand(page, title, { timeout = 20_000 } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const exact = page.locator('.quick-input-widget .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(title)}\\s*$`) }),
  }).first();
  let lastRows = [];
  try {
    await waitFor(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      const found = await waitFor(async () => (await exact.count()) > 0, { timeout: 5_000, what: 'row' }).then(() => true, () => false);
      if (!found) {
        lastRows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts().catch(() => []);
        return false;
      }
      await exact.click({ timeout: 5_000 });
      return true;
    }, { timeout, interval: 200, what: `command palette row "${title}"` });
  } catch (e) {
    await page.keyboard.press('Escape');
    throw new Error(`${e.message}\npalette showed: ${JSON.stringify(lastRows.slice(0, 10))}`);
  }
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The frame (a webview's inner document) that contains `selector`; webviews appear after a delay. */
export async function findFrame(page, selector, { timeout = 30_000, what = selector } = {}) {
  return waitFor(async () => {
    for (const f of page.frames()) {
      try {
        if (await f.$(selector)) return f;
      } catch { /* frame navigating or detached */ }
    }
    return null;
  }, { timeout, what: `a webview frame containing ${what}` });
}

/** Visible text of `selector` in a page or frame ('' when absent), trimmed for logs. */
export async function textOf(target, selector, max = 2000) {
  try {
    const texts = await target.locator(selector).allInnerTexts();
    return texts.join('\n').slice(0, max);
  } catch {
    return '';
  }
}

/** Status bar items as the user reads them (text, else the accessible label). */
export async function statusBarItems(page) {
  return page.$$eval('.statusbar-item', (els) => els
    .map((e) => (e.textContent?.trim() || e.getAttribute('aria-label') || '').replace(/\s+/g, ' '))
    .filter(Boolean));
}

/** Rows of the Problems panel (opens it first); each row's visible text and accessible label. */
export async function problems(page) {
  await runCommand(page, 'Problems: Focus on Problems View');
  await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 10_000 });
  return page.$$eval('.markers-panel .monaco-list-row', (rows) => rows.map((r) => ({
    text: (r.innerText ?? '').replace(/\s+/g, ' ').trim(),
    label: r.getAttribute('aria-label') ?? '',
  })));
}

/** The active editor as the user sees it: tab title and the "Ln x, Col y" status bar item. */
export async function activeEditor(page) {
  // The tab's accessible label holds the full file name (the visible label may split off the extension).
  const tab = (await page.locator('.editor-group-container.active .tabs-container .tab.active').first().getAttribute('aria-label').catch(() => '')) ?? '';
  const pos = await textOf(page, '[id="status.editor.selection"]', 200);
  const m = /Ln (\d+), Col (\d+)/.exec(pos);
  return { tab: tab.split(',')[0].trim(), line: m ? Number(m[1]) : undefined, column: m ? Number(m[2]) : undefined, position: pos.trim() };
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  return file;
}

/** Notifications currently shown (toasts), e.g. errors from the extension. */
export async function notifications(page) {
  return page.$$eval('.notification-toast, .notifications-center .notification-list-item', (els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** The Debug Console's last lines (the debuggee's own output and errors), for failure reports. */
export async function debugConsoleTail(page, lines = 30) {
  await runCommand(page, 'Debug Console: Focus on Debug Console View');
  await page.locator('.repl').first().waitFor({ state: 'visible', timeout: 5_000 });
  const rows = await page.$$eval('.repl .monaco-list-row', (els) => els.map((e) => (e.innerText ?? '').replace(/\s+/g, ' ').trim()));
  return rows.slice(-lines);
}
