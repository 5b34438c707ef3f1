// Bundles the extension-host suite into out/test/vscode/ (the extension host loads plain CommonJS).
// One file per test module so mocha can add them one by one; mocha and vscode stay external
// (vscode is provided by the host, mocha resolves from node_modules).
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const suite = readdirSync('test/vscode/suite').filter((f) => f.endsWith('.ts')).map((f) => `test/vscode/suite/${f}`);
const common = { platform: 'node', target: 'node18', format: 'cjs', bundle: true, sourcemap: 'inline', logLevel: 'warning',
  external: ['vscode', 'mocha', '@vscode/test-electron'] };
await build({ ...common, entryPoints: suite, outdir: 'out/test/vscode/suite' });
await build({ ...common, entryPoints: ['test/vscode/runTest.ts'], outfile: 'out/test/vscode/runTest.js' });
