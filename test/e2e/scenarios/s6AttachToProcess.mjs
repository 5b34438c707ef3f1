// Scenario 6: a Node server started without the agent and without a debugger is recorded through
// "Loopscope: Attach to Node Process…" (its quick pick, as a user picks), its stall shows in the
// timeline with its line, and "Loopscope: Detach" leaves it serving with its inspector port closed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { get, pidAlive } from '../fixtureApp.mjs';
import { ROOT } from '../packageExtension.mjs';
import { stallItems, timelineFrame } from '../timelinePage.mjs';
import { runCommand, waitFor } from '../workbench.mjs';

export const name = '6 attach to a running Node process by pid, see its stall, detach';

/** TCP ports `pid` listens on, from /proc (its own sockets, by inode). */
function listeningPorts(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  const ports = new Set();
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c[3] === '0A' && inodes.has(c[9])) ports.add(parseInt(c[1].split(':').pop(), 16));
    }
  }
  return [...ports];
}

export async function run(ctx) {
  const { page, bridge, workspace, titles } = ctx;
  const file = join(workspace, 'attachServer.js');
  copyFileSync(join(ROOT, 'test/fixtures/attachServer.js'), file);
  const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('// BLOCK')) + 1;
  // --inspect-port=0: SIGUSR1 opens any free port, since other programs here may hold 9229.
  const server = spawn(process.execPath, ['--inspect-port=0', file], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  server.stdout.on('data', (d) => (out += d));
  server.stderr.on('data', (d) => (err += d));
  try {
    const port = Number(await waitFor(() => /port (\d+)/.exec(out)?.[1], { timeout: 30_000, what: 'attachServer.js to listen' }));
    const pid = server.pid;
    ctx.log(`server pid ${pid} on port ${port}`);
    assert.deepEqual(listeningPorts(pid), [port], 'the server starts with no inspector port open');

    await runCommand(page, titles['loopscope.attachToProcess'] ?? 'Loopscope: Attach to Node Process…');
    // As a user would on a busy machine: narrow the list by typing, then pick the row.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await waitFor(async () => /Node process/.test((await input.getAttribute('placeholder')) ?? ''), { timeout: 20_000, what: 'the process quick pick' });
    await input.fill(`pid ${pid}`);
    const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: new RegExp(`pid ${pid}(\\D|$)`) }).first();
    await waitFor(async () => (await row.count()) > 0, { timeout: 20_000, what: `the quick pick to list pid ${pid}` });
    await row.click();

    const live = await waitFor(async () => (await bridge.command('loopscope.getState')).sessions.find((s) => s.pid === pid && s.live),
      { timeout: 30_000, what: `a live session for pid ${pid} in getState` });
    ctx.log(`session ${live.id} connected`);
    assert.equal(await get(port, '/stall'), `ok ${pid}`);
    const stall = await waitFor(async () => {
      const s = (await bridge.command('loopscope.getState')).sessions.find((x) => x.id === live.id);
      return s?.stalls.find((st) => st.url.includes('attachServer.js') && st.lineNumber === line);
    }, { timeout: 30_000, what: `getState to list a stall at attachServer.js:${line}` });
    ctx.log(`stall ${stall.durMs} ms at attachServer.js:${stall.lineNumber}`);

    const frame = await timelineFrame(page, { fileHint: 'attachServer.js', timeout: 30_000 });
    const items = await stallItems(frame);
    assert.ok(items.some((i) => i.text.includes(`attachServer.js:${line}`)), `the timeline lists attachServer.js:${line}: ${JSON.stringify(items.map((i) => i.text))}`);

    const answer = await bridge.command('loopscope.detachProcess', pid);
    assert.deepEqual(answer, { pid, status: 'stopped' }, `detach answered ${JSON.stringify(answer)}`);
    await waitFor(async () => !(await bridge.command('loopscope.getState')).sessions.find((x) => x.id === live.id)?.live,
      { timeout: 15_000, what: 'the session to end after Detach' });
    assert.equal(await get(port, '/'), `ok ${pid}`, 'the process serves on after Detach');
    await waitFor(() => listeningPorts(pid).length === 1, { timeout: 10_000, what: `the inspector port of pid ${pid} to be closed (listening: ${listeningPorts(pid)})` });
    assert.ok(pidAlive(pid), 'the process is still running');
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : e}\nserver stderr: ${err}`);
  } finally {
    server.kill('SIGKILL');
  }
}
