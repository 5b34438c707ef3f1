#!/usr/bin/env node
// `npm run test:e2e`: build + package the extension, provision code-server if needed, run the
// extension-host suite inside it, then the user scenarios in one workbench. Prints what the page
// showed when a scenario fails, keeps a screenshot per scenario in test-artifacts/e2e/, stops
// everything it started (also on failure) and ends with "N passed, N failed".
//   --no-build        reuse dist/ and out/ as they are (and the .vsix of LOOPSCOPE_VSIX if set)
//   --skip-suite      skip the extension-host suite
//   --only=1,2        run only these scenarios (1b, 2, 3 and 5 need 1 listed too; ts stands alone)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectBridge } from './bridge.mjs';
import { installVsix, makeProfile, removeProfile, startCodeServer } from './codeServer.mjs';
import { killApp, makeWorkspace, markerLine, pidAlive } from './fixtureApp.mjs';
import { commandTitles, packageBridge, packageLoopscope, ROOT } from './packageExtension.mjs';
import { provisionVsCodeHost } from './provisionVsCodeHost.mjs';
import { runExtensionHostSuite } from './runExtensionHostSuite.mjs';
import { describeTimeline } from './timelinePage.mjs';
import { ARTIFACTS, debugConsoleTail, launchBrowser, notifications, openWorkbench, screenshot, statusBarItems, waitForWorkbenchReady } from './workbench.mjs';
import * as s0 from './scenarios/s0WorkbenchLoads.mjs';
import * as s1 from './scenarios/s1DebugShowsStall.mjs';
import * as s1b from './scenarios/s1bCryptoStallLine.mjs';
import * as s2 from './scenarios/s2ClickToSource.mjs';
import * as s3 from './scenarios/s3BreakpointIsNotAStall.mjs';
import * as s4 from './scenarios/s4OpenRecording.mjs';
import * as s5 from './scenarios/s5StopMarksEnded.mjs';
import * as sTs from './scenarios/sTsSourceMaps.mjs';
import * as s6 from './scenarios/s6AttachToProcess.mjs';

/**
 * Run order. 1b, 2, 3 and 5 use the app and session scenario 1 started (ctx.app, ctx.sessionId) and
 * check for them themselves, so one wrong assertion in 1 does not hide their results.
 * 5 before 4: the live session is stopped before a recording takes the timeline over.
 */
const SCENARIOS = [
  { id: '0', mod: s0 },
  { id: '1', mod: s1 },
  { id: '1b', mod: s1b },
  { id: '2', mod: s2 },
  { id: '3', mod: s3 },
  { id: '5', mod: s5 },
  // Independent: builds and starts its own TypeScript program (before 4, which opens a recording).
  { id: 'ts', mod: sTs },
  { id: '4', mod: s4 },
  // Independent of 1: starts and attaches to its own process.
  { id: '6', mod: s6 },
];

const argv = process.argv.slice(2);
const noBuild = argv.includes('--no-build');
const skipSuite = argv.includes('--skip-suite');
const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const results = [];
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const log = (m) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${m}`);

/** A hung run must still end inside CI's budget with a readable result (first provisioning ~10 min). */
const RUN_LIMIT_MS = Number(process.env.LOOPSCOPE_E2E_LIMIT_MS ?? 40 * 60_000);

async function main() {
  const t0 = Date.now();
  setTimeout(() => {
    console.log(`\nend-to-end run exceeded ${RUN_LIMIT_MS / 60_000} min; results so far:`);
    for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.time})`);
    console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
    process.exit(1); // the 'exit' hook in codeServer.mjs kills the process groups started
  }, RUN_LIMIT_MS).unref();
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  let vsix = process.env.LOOPSCOPE_VSIX;
  if (!noBuild) {
    const tb = Date.now();
    vsix = packageLoopscope();
    execFileSync(process.execPath, ['test/vscode/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    log(`built and packaged ${vsix} (${secs(tb)})`);
  }
  vsix ??= join(ROOT, 'loopscope.vsix');
  const tp = Date.now();
  const paths = await provisionVsCodeHost();
  log(`code-server host ready (${secs(tp)})`);

  if (!skipSuite && !only) {
    const ts = Date.now();
    const code = await runExtensionHostSuite().catch((e) => { console.error(e); return 1; });
    record('extension-host suite (test/vscode/suite in code-server)', code === 0, ts, code === 0 ? undefined : `mocha exit code ${code}`);
  }
  await runScenarios(paths, vsix);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log('\nend-to-end results:');
  for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.time})${r.ok ? '' : ` — ${r.reason.split('\n')[0]}`}`);
  console.log(`total ${secs(t0)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

function record(name, ok, t0, reason) {
  results.push({ name, ok, time: secs(t0), reason });
  log(`${ok ? 'PASS' : 'FAIL'} ${name} (${secs(t0)})`);
}

async function runScenarios(paths, vsix) {
  const profile = makeProfile('scenarios');
  const workspace = makeWorkspace();
  const bridgeFile = join(profile.root, 'bridge.json');
  let server;
  let browser;
  try {
    installVsix(profile, vsix, paths);
    installVsix(profile, packageBridge(), paths);
    server = await startCodeServer({ profile, folder: workspace, paths, env: { LOOPSCOPE_E2E_BRIDGE_FILE: bridgeFile },
      logFile: join(ARTIFACTS, 'scenarios.server.log') });
    browser = await launchBrowser();
    const { page, consoleErrors } = await openWorkbench(browser, server, { folder: workspace });
    await waitForWorkbenchReady(page);
    const bridge = await connectBridge(bridgeFile);
    log(`workbench up at ${server.url}; extension host on Node ${bridge.info.node}`);
    const ctx = {
      page, bridge, workspace, titles: commandTitles(), log: (m) => log(`  ${m}`),
      lines: {
        hash: markerLine(workspace, 'server.js', 'e2e:hash'),
        timer: markerLine(workspace, 'server.js', 'e2e:spin'),
        breakpoint: markerLine(workspace, 'server.js', 'e2e:breakpoint'),
      },
    };
    for (const s of SCENARIOS) {
      if (only && !only.includes(s.id)) continue;
      const ts = Date.now();
      log(`running ${s.mod.name}`);
      const errorsBefore = consoleErrors.length;
      try {
        await s.mod.run(ctx);
        await screenshot(page, `scenario-${s.id}`);
        record(s.mod.name, true, ts);
      } catch (e) {
        const shot = await screenshot(page, `scenario-${s.id}-FAILED`);
        console.log(await failureReport(e, page, bridge, consoleErrors.slice(errorsBefore), shot, ctx.app));
        record(s.mod.name, false, ts, e instanceof Error ? e.message : String(e));
      }
    }
  } catch (e) {
    record('scenario harness (code-server, workbench, bridge)', false, Date.now(), e instanceof Error ? e.stack : String(e));
    console.log(`harness failure: ${e instanceof Error ? e.stack : e}`);
    if (server) console.log(`code-server output (tail):\n${server.output().slice(-3000)}`);
  } finally {
    killApp(workspace);
    await browser?.close().catch(() => {});
    await server?.stop();
    removeProfile(profile);
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** Everything needed to understand a failure from the CI log alone. */
async function failureReport(error, page, bridge, consoleErrors, shot, app) {
  const lines = [`--- failure: ${error instanceof Error ? error.message : error}`];
  lines.push(`screenshot: ${shot}`);
  lines.push(`timeline page:\n${await describeTimeline(page).catch((e) => `  (unreadable: ${e.message})`)}`);
  lines.push(`status bar: ${JSON.stringify(await statusBarItems(page).catch(() => []))}`);
  lines.push(`notifications: ${JSON.stringify(await notifications(page).catch(() => []))}`);
  lines.push(`console errors (${consoleErrors.length}):\n  ${consoleErrors.slice(-15).join('\n  ')}`);
  const state = await bridge.command('loopscope.getState').catch((e) => `unavailable: ${e.message}`);
  lines.push(`loopscope.getState: ${JSON.stringify(state).slice(0, 3000)}`);
  lines.push(`workbench: ${JSON.stringify(await bridge.workbench().catch((e) => e.message)).slice(0, 2000)}`);
  if (app) lines.push(`app pid ${app.pid}: ${pidAlive(app.pid) ? 'running' : 'NOT running'}`);
  const repl = await debugConsoleTail(page).catch((e) => [`(unreadable: ${e.message.split('\n')[0]})`]);
  lines.push(`debug console (last lines):\n  ${repl.join('\n  ')}`);
  writeFileSync(join(ARTIFACTS, `${Date.now()}-failure.txt`), lines.join('\n'));
  return lines.join('\n');
}

main().catch((e) => {
  console.error(e);
  console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  process.exitCode = 1;
});
