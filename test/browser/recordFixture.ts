/** Makes a real recording of a small blocking program with `loopscope record` (dist/cli.js). */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, ROOT } from './viewProcess';

/** The program recorded: two stalls from spinFor (line 9), called by blockLong (line 14) and blockShort (line 18). */
export const BLOCKER = path.join(ROOT, 'test/browser/fixtures/blocker.js');

/** Records `program` and returns the recording's path; fails with the recorder's output when it cannot. */
export async function recordProgram(program = BLOCKER): Promise<string> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'loopscope-rec-')), 'recording.json');
  await promisify(execFile)(process.execPath, [CLI, 'record', '-o', out, '--', process.execPath, program], {
    cwd: ROOT, timeout: 60_000,
  });
  return out;
}
