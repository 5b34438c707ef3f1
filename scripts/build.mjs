// Builds every shipped entry with esbuild.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';

const node = { platform: 'node', target: 'node18', format: 'cjs', bundle: true, sourcemap: 'linked', logLevel: 'warning' };

/** ws's optional native helpers, replaced by a module that is never found so ws uses its JS code. */
const wsOptional = { bufferutil: './scripts/absentModule.cjs', 'utf-8-validate': './scripts/absentModule.cjs' };

/**
 * In the agent, ws's `https`, `tls` and `zlib` are never used (ws:// on loopback, no deflate) and are
 * replaced by scripts/agentUnusedModules.cjs: an idle recorded process measured 0.4 MB less RSS without
 * them (15.0 → 14.6 MB added), start-up CPU unchanged (README, Overhead).
 */
const agentWithoutUnusedModules = {
  name: 'agent-without-unused-modules',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(https|tls|zlib)$/ }, (args) =>
      /[\\/]node_modules[\\/]ws[\\/]/.test(args.importer) ? { path: new URL('./agentUnusedModules.cjs', import.meta.url).pathname } : undefined);
  },
};

/**
 * The OpenTelemetry SDK (about 750 KB bundled) lives in its own dist/export.js, which the CLI
 * requires only when an export is switched on: parsing it made every `loopscope` start ~13% slower.
 */
const exportApart = {
  name: 'export-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]telemetryExport$/ }, () => ({ path: './export.js', external: true }));
  },
};

/** One entry per shipped file: the agent must be a single self-contained file with ws inside. */
const entries = [
  { ...node, entryPoints: ['agent/index.ts'], outfile: 'dist/agent.js',
    // ws tries optional native helpers; the agent must not load anything from outside its one file.
    alias: wsOptional, plugins: [agentWithoutUnusedModules] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' },
    alias: wsOptional, plugins: [exportApart] },
  { ...node, entryPoints: ['src/export/telemetryExport.ts'], outfile: 'dist/export.js' },
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], alias: wsOptional },
  { platform: 'browser', target: 'chrome110', format: 'iife', bundle: true, sourcemap: 'linked', logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
];

mkdirSync('dist', { recursive: true });
// Build every entry even when one fails, so one broken part does not hide the state of the others.
const results = await Promise.allSettled(entries.map((e) => build(e)));
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length) {
  for (const f of failed) console.error(String(f.reason?.message ?? f.reason));
  process.exit(1);
}
