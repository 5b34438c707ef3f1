// `npm run test:vscode`: the extension-host suite in a downloaded VS Code (@vscode/test-electron).
// Where VS Code cannot be downloaded (this machine), the same suite runs inside code-server:
// `npm run test:vscode:codeserver` (test/e2e/runExtensionHostSuite.mjs).
import { runTests } from '@vscode/test-electron';
import { join, resolve } from 'node:path';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../../..');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out/test/vscode/suite/index.js'),
      launchArgs: [join(root, 'test/vscode/fixtures/workspace'), '--disable-workspace-trust'],
    });
  } catch (e) {
    console.error(`extension-host suite failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

void main();
