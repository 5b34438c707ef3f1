import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['agent/**/*.test.ts', 'src/**/*.test.ts', 'webview/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/vscode/**', 'node_modules/**'],
    // Integration tests start real processes on a shared 2-core machine: generous, condition-based waits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
