// Builds every shipped entry with esbuild; entries whose source does not exist yet are skipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const node = { platform: 'node', target: 'node18', format: 'cjs', bundle: true, sourcemap: 'linked', logLevel: 'warning' };

/** One entry per shipped file: the agent must be a single self-contained file with ws inside. */
const entries = [
  { ...node, entryPoints: ['agent/index.ts'], outfile: 'dist/agent.js',
    // ws tries optional native helpers; the agent must not depend on anything outside its one file.
    external: ['bufferutil', 'utf-8-validate'] },
  { ...node, entryPoints: ['agent/transportWorker.ts'], outfile: 'dist/agentWorker.js', external: ['bufferutil', 'utf-8-validate'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' },
    external: ['bufferutil', 'utf-8-validate'] },
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'bufferutil', 'utf-8-validate'] },
  { platform: 'browser', target: 'chrome110', format: 'iife', bundle: true, sourcemap: 'linked', logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
];

mkdirSync('dist', { recursive: true });
await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build(e)));
if (watch) console.error('watch mode is not supported; run npm run build again');
