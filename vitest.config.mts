import { defineConfig } from 'vitest/config';

/**
 * Two projects: unit tests run in parallel; tests that start real processes or a browser run one
 * file at a time, because on a 2-core machine parallel files starve each other of CPU and a
 * starved program's timing is not the program's.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['agent/**/*.test.ts', 'model/**/*.test.ts', 'src/**/*.test.ts', 'webview/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
