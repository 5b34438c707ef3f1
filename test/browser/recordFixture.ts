/** Makes a real recording of a small blocking program with `loopscope record` (dist/cli.js). */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, ROOT } from './viewProcess';

/** The program recorded: two stalls from spinFor (line 9), called by blockLong (line 14) and blockShort (line 18). */
export const BLOCKER = path.join(ROOT, 'test/browser/fixtures/blocker.js');

/** Stalls in a recording whose stack runs through `file`. */
export function stallsIn(recordingText: string, file: string): number {
  const doc = JSON.parse(recordingText) as { traceEvents: { cat?: string; args?: { stack?: { url: string }[] } }[] };
  return doc.traceEvents.filter((e) => e.cat === 'loopscope.stall' && (e.args?.stack ?? []).some((f) => f.url.includes(file))).length;
}

let cached: Promise<string> | undefined;

/**
 * Records the blocking fixture once per test file and returns the recording's path. The timeline
 * tests need both spins recorded; a recorder starved of CPU can miss one, so a short recording is retried.
 */
export function recordBlocker(): Promise<string> {
  cached ??= (async () => {
    let last = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const file = await recordProgram(BLOCKER);
      last = readFileSync(file, 'utf8');
      if (stallsIn(last, 'blocker.js') >= 2) return file;
    }
    throw new Error(`three recordings of ${BLOCKER} lacked its two stalls; last one:\n${last.slice(0, 3000)}`);
  })();
  return cached;
}

/** Records `program` and returns the recording's path; fails with the recorder's output when it cannot. */
export async function recordProgram(program = BLOCKER): Promise<string> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'loopscope-rec-')), 'recording.json');
  await promisify(execFile)(process.execPath, [CLI, 'record', '-o', out, '--', process.execPath, program], {
    cwd: ROOT, timeout: 60_000,
  });
  return out;
}
