#!/usr/bin/env node
// Runs the extension-host suite (test/vscode/suite, bundled to out/test/vscode/suite) inside
// code-server's real extension host, following VSCODE-HOST.md "Running an extension-host test
// suite": smoke-test driver on, development payload in the URL, mocha's report and the exit code
// received through the codeAutomationLog / codeAutomationExit page functions.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { makeProfile, removeProfile, startCodeServer } from './codeServer.mjs';
import { provisionVsCodeHost } from './provisionVsCodeHost.mjs';
import { ARTIFACTS, HARMLESS, launchBrowser, openWorkbench, screenshot } from './workbench.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** Returns the mocha exit code (0 = all passed). Assumes dist/ and out/test/vscode are built. */
export async function runExtensionHostSuite({ timeoutMs = 5 * 60_000 } = {}) {
  const paths = await provisionVsCodeHost();
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = makeProfile('ext-host-suite');
  const workspace = join(ROOT, 'test/vscode/fixtures/workspace');
  let server;
  let browser;
  try {
    server = await startCodeServer({ profile, folder: workspace, smokeTestDriver: true, paths, logFile: join(ARTIFACTS, 'ext-host-suite.server.log') });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(join(ROOT, 'out/test/vscode/suite/index.js'))],
    ];
    let finish;
    const exited = new Promise((r) => { finish = r; });
    browser = await launchBrowser();
    const { page, consoleErrors } = await openWorkbench(browser, server, {
      folder: workspace, payload,
      exposed: {
        codeAutomationLog: (type, args) => {
          // The host forwards console calls unformatted (mocha's "%s" templates and their values).
          const line = format(...(Array.isArray(args) ? args : [args]));
          if (HARMLESS.some((re) => re.test(line))) return; // offline noise (see VSCODE-HOST.md)
          process.stdout.write(`${type === 'error' ? '[ext-host error] ' : ''}${line}\n`);
        },
        codeAutomationExit: (code) => finish(Number(code)),
      },
    });
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    if (code !== 0) {
      await screenshot(page, 'ext-host-suite-failure');
      if (code === 'timeout') console.error(`extension-host suite: no exit code within ${timeoutMs / 1000} s (did the extension load? is out/test/vscode built?)`);
      if (consoleErrors.length) console.error(`page console errors:\n  ${consoleErrors.slice(-20).join('\n  ')}`);
      console.error(`code-server output (tail):\n${server.output().slice(-3000)}`);
    }
    return code === 'timeout' ? 1 : code;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    removeProfile(profile);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  if (!process.argv.includes('--no-build')) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(process.execPath, ['test/vscode/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  runExtensionHostSuite().then((code) => {
    console.log(`extension-host suite in code-server: ${code === 0 ? 'passed' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    process.exit(code);
  }, (e) => { console.error(e); process.exit(1); });
}
