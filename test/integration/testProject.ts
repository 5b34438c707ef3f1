/**
 * A throwaway project with many test files run by Node's own test runner, one process per file:
 * the "real test suite" that `loopscope record -- npm test` must record whole.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The generated project: its directory and its test files (absolute paths). */
export interface TestProject {
  dir: string;
  files: string[];
}

/** Writes `count` test files (each a timer, a file read and a little computation) and a package.json whose `test` script runs them. */
export function writeTestProject(count: number, concurrency = 4): TestProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-suite-'));
  mkdirSync(path.join(dir, 'test'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'many-tests', private: true,
    scripts: { test: `node --test --test-concurrency=${concurrency} test/` },
  }));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, 'test', `case${String(i).padStart(3, '0')}.test.js`);
    writeFileSync(file, `const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
test('case ${i}', async () => {
  await new Promise((r) => setTimeout(r, 5));
  const text = await fs.promises.readFile(__filename, 'utf8');
  let sum = 0;
  for (let k = 0; k < 2e5; k++) sum += k % 7;
  assert.ok(text.includes('case ${i}') && sum > 0);
});
`);
    files.push(file);
  }
  return { dir, files };
}
