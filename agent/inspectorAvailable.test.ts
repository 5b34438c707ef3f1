import { describe, expect, it } from 'vitest';
import { mainThreadInspectable } from './inspectorAvailable';

describe('mainThreadInspectable', () => {
  it('is false where Node creates no inspector: the test runner with process isolation and the watch parent', () => {
    expect(mainThreadInspectable(['--test'])).toBe(false);
    expect(mainThreadInspectable(['--test', '--test-concurrency=4'])).toBe(false);
    expect(mainThreadInspectable(['--watch'])).toBe(false);
    expect(mainThreadInspectable(['--watch-path=src'])).toBe(false);
  });

  it('is true for ordinary processes, test files the runner starts, and a runner without process isolation', () => {
    expect(mainThreadInspectable([])).toBe(true);
    expect(mainThreadInspectable(['--require', '/x/agent.js', '--enable-source-maps'])).toBe(true);
    expect(mainThreadInspectable(['--test-reporter=spec'])).toBe(true);
    expect(mainThreadInspectable(['--test', '--experimental-test-isolation=none'])).toBe(true);
    expect(mainThreadInspectable(['--test', '--test-isolation=none'])).toBe(true);
  });
});
