#!/usr/bin/env node
// Provisions a real VS Code (code-server) into a cache folder outside the repo, following
// ../../shared/VSCODE-HOST.md. Every step is explicit: packages are installed with their install
// scripts off (whether npm would run a named package's script depends on the npm version and its
// configuration), and the one script code-server needs is run by us, under Node 24. The marker is
// written only once the built host has served a workbench page.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_PACKAGE, NODE_PACKAGE, hostDir, hostPaths } from './hostPaths.mjs';
import { isProvisioned, withLock, writeMarker } from './provisionLock.mjs';

export { hostDir, hostPaths, isProvisioned };

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

/** The environment every step after Node 24's install runs in: Node 24 first on PATH. */
function env24(p) {
  return { ...process.env, PATH: `${p.nodeBin}:${process.env.PATH}` };
}

/** `npm install` of one package with no install scripts at all, ours or its dependencies'. */
const npmInstallNoScripts = (pkg, cwd, env) => run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', pkg], { cwd, env });

/** Starts the built server once and asks it for the workbench page and the workbench's own script. */
async function checkServesWorkbench(p) {
  const { makeProfile, removeProfile, startCodeServer } = await import('./codeServer.mjs');
  const profile = makeProfile('provision-check');
  const server = await startCodeServer({ profile, paths: p });
  try {
    const res = await fetch(`${server.url}/`);
    const html = await res.text();
    const src = [...html.matchAll(/src="([^"]*workbench[^"]*\.js)"/g)].map((m) => m[1])[0];
    if (!res.ok || !/monaco-workbench|workbench/.test(html) || !src) throw new Error(`code-server answered ${res.status} without a workbench page:\n${html.slice(0, 800)}`);
    const script = await fetch(new URL(src, `${server.url}/`));
    const body = await script.text();
    if (!script.ok || body.length < 100_000) throw new Error(`workbench script ${src} answered ${script.status} with ${body.length} bytes`);
    log(`workbench served: ${src} (${(body.length / 1e6).toFixed(1)} MB)`);
  } finally {
    await server.stop();
    removeProfile(profile);
  }
}

/** The steps from an empty folder to a working host, in order; each throws on failure. */
export const DEFAULT_STEPS = [
  { name: 'Node 24', run(p) {
    writeFileSync(join(p.dir, 'package.json'), JSON.stringify({ name: 'loopscope-vscode-host', private: true }, null, 2));
    npmInstallNoScripts(NODE_PACKAGE, p.dir, process.env);
    const v = execFileSync(p.node, ['-v'], { encoding: 'utf8' }).trim();
    if (!v.startsWith('v24.')) throw new Error(`expected Node 24 at ${p.node}, got ${v}`);
    if (!existsSync(join(p.nodeDir, 'include', 'node', 'node.h'))) throw new Error(`Node 24 headers missing under ${p.nodeDir}/include`);
  } },
  { name: 'code-server package', run(p) { npmInstallNoScripts(CODE_SERVER_PACKAGE, p.dir, env24(p)); } },
  { name: 'code-server postinstall (Node 24)', run(p) {
    const v = execFileSync(p.node, ['-v'], { encoding: 'utf8' }).trim();
    run('sh', ['./postinstall.sh'], { cwd: p.codeServerDir, env: { ...env24(p), npm_config_user_agent: `npm/11 node/${v} linux x64` } });
  } },
  { name: 'native modules for Node 24', run(p) {
    const vscodeDir = join(p.codeServerDir, 'lib', 'vscode');
    run('npm', ['install-scripts', 'approve', '--all'], { cwd: vscodeDir, env: env24(p) });
    // Built against Node 24's headers, not the machine's Node 20 ones (npm here sets nodedir=/usr).
    run('npm', ['rebuild'], { cwd: vscodeDir, env: { ...env24(p), npm_config_nodedir: p.nodeDir } });
    if (!existsSync(p.codeServer)) throw new Error(`code-server entry missing after install: ${p.codeServer}`);
    const out = execFileSync(p.node, [p.codeServer, '--config', join(p.dir, 'config.yaml'), '--version'], { encoding: 'utf8', env: env24(p) });
    log(`code-server --version: ${out.trim().split('\n')[0]}`);
  } },
  { name: 'serves a workbench', run: checkServesWorkbench },
];

/**
 * Ensures the host exists; returns its paths. Fast (no lock, no npm) when already provisioned.
 * `steps` and `debian` are replaceable so the marker and lock logic can be tested without npm.
 */
export async function provisionVsCodeHost({ dir = hostDir(), steps = DEFAULT_STEPS, debian = ensureDebianPackages, lock = {} } = {}) {
  debian();
  if (isProvisioned(dir)) return hostPaths(dir);
  return withLock(dir, async () => {
    if (isProvisioned(dir)) return hostPaths(dir); // another run finished while we waited
    const t0 = Date.now();
    log(`provisioning code-server into ${dir} (first time takes ~10 minutes)`);
    // Start clean: a half-finished earlier run leaves no marker, and its state is unknown.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const p = hostPaths(dir);
    for (const step of steps) {
      const ts = Date.now();
      log(`step: ${step.name}`);
      try {
        await step.run(p);
      } catch (e) {
        throw new Error(`provisioning step "${step.name}" failed: ${e.message}`, { cause: e });
      }
      log(`step done: ${step.name} (${Math.round((Date.now() - ts) / 1000)} s)`);
    }
    writeMarker(dir);
    log(`provisioned in ${Math.round((Date.now() - t0) / 1000)} s`);
    return p;
  }, { log, ...lock });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  provisionVsCodeHost().then(
    (p) => { log(`ready: ${p.dir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`); },
    (e) => { console.error(e); process.exit(1); },
  );
}
