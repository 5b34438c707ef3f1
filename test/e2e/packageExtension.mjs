// Builds and packages the extension as the user gets it (a .vsix), plus the test-only bridge.
// Prefers the project's `npm run package`; until that script exists, packages with vsce directly.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const VSCE = join(ROOT, 'node_modules', '.bin', 'vsce');

function sh(cmd, args, cwd = ROOT) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Returns the path of a freshly packaged loopscope .vsix. */
export function packageLoopscope() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const started = Date.now() - 1000;
  if (pkg.scripts?.package) {
    sh('npm', ['run', 'package']);
    // The script's output name is its own business: take the .vsix it just wrote.
    const candidates = [ROOT, join(ROOT, 'dist'), join(ROOT, 'out')].filter(existsSync)
      .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.vsix')).map((f) => join(d, f)))
      .filter((f) => statSync(f).mtimeMs >= started)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    if (!candidates[0]) throw new Error('npm run package wrote no .vsix in the repo root, dist/ or out/');
    return candidates[0];
  }
  sh('npm', ['run', 'build']);
  const out = join(mkdtempSync(join(tmpdir(), 'loopscope-vsix-')), `loopscope-${pkg.version}.vsix`);
  sh(VSCE, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out]);
  return out;
}

/** The test-only bridge extension (see bridgeExtension/extension.js). */
export function packageBridge() {
  const out = join(mkdtempSync(join(tmpdir(), 'loopscope-bridge-')), 'loopscope-e2e-bridge.vsix');
  execFileSync(VSCE, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out],
    { cwd: join(ROOT, 'test', 'e2e', 'bridgeExtension'), stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

/** Palette titles ("Category: Title") of the extension's commands, from its manifest. */
export function commandTitles() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const titles = {};
  for (const c of pkg.contributes?.commands ?? []) titles[c.command] = c.category ? `${c.category}: ${c.title}` : c.title;
  return titles;
}
