// Starts and stops code-server (the real VS Code workbench + Node extension host) for tests.
// Everything it starts runs in its own process group so one kill stops the server, its
// extension host and whatever they spawned; a process 'exit' hook does it on crashes too.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostPaths } from './hostPaths.mjs';

/** Process groups still running; killed synchronously if this process exits early. */
const liveGroups = new Set();
process.on('exit', () => { for (const pid of liveGroups) killGroup(pid, 'SIGKILL'); });
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => { for (const pid of liveGroups) killGroup(pid, 'SIGKILL'); process.exit(130); });
}

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Fresh, throwaway user-data and extensions folders so no state leaks between runs. */
export function makeProfile(label) {
  const root = mkdtempSync(join(tmpdir(), `loopscope-e2e-${label}-`));
  const profile = { root, userData: join(root, 'user-data'), extensions: join(root, 'extensions') };
  mkdirSync(profile.userData, { recursive: true });
  mkdirSync(profile.extensions, { recursive: true });
  // Settings that keep the workbench quiet and deterministic for a robot.
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'debug.openDebug': 'neverOpen',
    'debug.internalConsoleOptions': 'neverOpen',
    'debug.javascript.autoAttachFilter': 'disabled',
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
    'editor.minimap.enabled': false,
    'chat.disableAIFeatures': true,
  };
  mkdirSync(join(profile.userData, 'User'), { recursive: true });
  writeFileSync(join(profile.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  return profile;
}

/** Installs a .vsix into the profile's extensions folder (code-server's own CLI, offline). */
export function installVsix(profile, vsix, paths = hostPaths()) {
  const r = spawnSync(paths.node, [paths.codeServer, '--config', join(profile.root, 'config.yaml'), '--extensions-dir', profile.extensions, '--user-data-dir', profile.userData,
    '--install-extension', vsix, '--force'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * Starts code-server on 127.0.0.1 at a free port. `env` is added to the server's environment,
 * which the extension host inherits. Resolves once /healthz answers.
 */
export async function startCodeServer({ profile, folder, logFile, env = {}, smokeTestDriver = false, paths = hostPaths() }) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // --config: code-server otherwise creates ~/.config/code-server/config.yaml (with a password).
    const args = [paths.codeServer, '--config', join(profile.root, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--extensions-dir', profile.extensions, '--user-data-dir', profile.userData,
      '--disable-telemetry', '--disable-workspace-trust', '--disable-update-check', '--disable-getting-started-override'];
    if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
    if (folder) args.push(folder);
    // The server runs on Node 24 by absolute path; PATH is left alone so debuggees get the machine's node.
    const child = spawn(paths.node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    liveGroups.add(child.pid);
    const log = [];
    const out = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
    const onData = (d) => { log.push(d.toString()); out?.write(d); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let exited = null;
    child.on('exit', (code, signal) => { exited = { code, signal }; liveGroups.delete(child.pid); });
    const server = {
      port, url: `http://127.0.0.1:${port}`, pid: child.pid, child, profile,
      output: () => log.join(''),
      stop: () => stopGroup(child, () => exited),
    };
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`${server.url}/healthz`);
        if (res.ok) return server;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 250));
    }
    await server.stop();
    // A port taken between freePort() and bind is the only expected reason to retry.
    if (attempt < 3 && /EADDRINUSE/.test(server.output())) continue;
    throw new Error(`code-server did not become healthy (${exited ? `exited ${JSON.stringify(exited)}` : 'timeout'}):\n${server.output().slice(-4000)}`);
  }
}

async function stopGroup(child, exited) {
  if (!liveGroups.has(child.pid) && exited()) return;
  killGroup(child.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (!exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // Children that ignore SIGTERM (or outlive the leader) are killed with the whole group.
  killGroup(child.pid, 'SIGKILL');
  liveGroups.delete(child.pid);
}

export function removeProfile(profile) {
  rmSync(profile.root, { recursive: true, force: true });
}
