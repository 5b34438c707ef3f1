import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StackFrame } from '../../model/loopData';
import type { TraceEvent, TraceFile } from '../../src/collector/recording';
import { firstUserFrame } from '../../src/collector/userFrame';
import { cli, describeStalls, fixtures, root, run, type RunResult } from './harness';

const tsFixtures = path.join(fixtures, 'ts');
const spinTs = path.join(tsFixtures, 'spin.ts');
const blockLine = readFileSync(spinTs, 'utf8').split('\n').findIndex((l) => l.includes('// BLOCK')) + 1;
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const tsNode = path.join(root, 'node_modules/ts-node/dist/bin.js');

interface Recorded extends RunResult {
  stalls: TraceEvent[];
}

/** Records `command` with `loopscope record` (extra recorder args first) and reads the trace back. */
async function record(command: string[], recordArgs: string[] = []): Promise<Recorded> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-sm-')), 'trace.json');
  const result = await run(process.execPath, [cli, 'record', '-o', out, ...recordArgs, '--', ...command], { cwd: root, timeoutMs: 90_000 });
  if (!existsSync(out)) throw new Error(`no recording written; stderr:\n${result.stderr}`);
  const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
  return { ...result, stalls: trace.traceEvents.filter((e) => e.cat === 'loopscope.stall') };
}

const stackOf = (stall: TraceEvent) => (stall.args?.stack ?? []) as StackFrame[];

/** The stalls the fixture's spin caused: their stack runs through the fixture, mapped or not. */
function fixtureStalls(r: Recorded, generatedFile: string, source: string): TraceEvent[] {
  return r.stalls.filter((s) => stackOf(s).some((f) => f.url.endsWith(path.basename(source)) || f.url.endsWith(generatedFile) || f.generated?.url.endsWith(generatedFile)));
}

/**
 * Every stall of the fixture has the .ts line as its first user frame, with the position that ran
 * kept as `generated` (in `generatedFile`, on another line), and the summary prints the .ts line.
 */
function expectMapped(r: Recorded, generatedFile: string, source = spinTs, line = blockLine): void {
  expect(r.code, r.stderr).toBe(0);
  const stalls = fixtureStalls(r, generatedFile, source);
  expect(stalls.length, describeStalls(r.stalls)).toBeGreaterThan(0);
  for (const stall of stalls) {
    const frame = firstUserFrame(stackOf(stall));
    expect(frame, describeStalls([stall])).toBeDefined();
    expect(frame!.url.replace(/^file:\/\//, ''), JSON.stringify(frame)).toBe(source);
    expect(frame!.lineNumber, JSON.stringify(frame)).toBe(line);
    expect(frame!.generated, JSON.stringify(frame)).toBeDefined();
    expect(frame!.generated!.url.endsWith(generatedFile), JSON.stringify(frame)).toBe(true);
    expect(frame!.generated!.lineNumber, 'the generated line differs, or this test proves nothing').not.toBe(line);
  }
  expect(r.stderr).toContain(`${path.relative(root, source)}:${line}:`);
}

describe('source maps', () => {
  let tscOut: string;
  let bundle: string;

  beforeAll(async () => {
    tscOut = mkdtempSync(path.join(os.tmpdir(), 'loopscope-tsc-'));
    const built = await run(process.execPath, [tsc, '-p', path.join(tsFixtures, 'tsconfig.json'), '--outDir', tscOut], { cwd: root, timeoutMs: 90_000 });
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(readFileSync(path.join(tscOut, 'spin.js'), 'utf8')).toContain('//# sourceMappingURL=spin.js.map');
    bundle = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-esb-')), 'bundle.js');
    buildSync({ entryPoints: [path.join(tsFixtures, 'stall.ts')], bundle: true, platform: 'node', format: 'cjs', sourcemap: 'inline', outfile: bundle, logLevel: 'silent' });
  });

  it('maps a tsc build (.js + .map file) to the .ts line without --enable-source-maps', async () => {
    expectMapped(await record([process.execPath, path.join(tscOut, 'stall.js')]), 'spin.js');
  });

  it('maps a tsc build to the .ts line with --enable-source-maps', async () => {
    expectMapped(await record([process.execPath, '--enable-source-maps', path.join(tscOut, 'stall.js')]), 'spin.js');
  });

  it('maps an esbuild bundle with an inline source map, with and without --enable-source-maps', async () => {
    expectMapped(await record([process.execPath, bundle]), 'bundle.js');
    expectMapped(await record([process.execPath, '--enable-source-maps', bundle]), 'bundle.js');
  });

  it('maps a tsx program, whose JavaScript exists only in memory, on the agent side', async () => {
    // tsx transforms spin.ts in memory: the url stays spin.ts, the generated line is of its output.
    expectMapped(await record([process.execPath, tsx, path.join(tsFixtures, 'stall.ts')]), 'spin.ts');
  });

  it('maps a tsx ES module (.mts, file:// URLs)', async () => {
    const esm = path.join(tsFixtures, 'esmStall.mts');
    const line = readFileSync(esm, 'utf8').split('\n').findIndex((l) => l.includes('// BLOCK')) + 1;
    const r = await record([process.execPath, tsx, esm]);
    expectMapped(r, 'esmStall.mts', esm, line);
    const frame = firstUserFrame(stackOf(fixtureStalls(r, 'esmStall.mts', esm)[0]))!;
    expect(frame.url).toBe(`file://${esm}`);
  });

  it('maps a ts-node program, with source maps on (Node holds its maps) and off (source-map-support does)', async () => {
    // --transpile-only: type-checking is not under test, and it would take seconds of CPU here.
    const tsNodeArgs = [tsNode, '--transpile-only', '-P', path.join(tsFixtures, 'tsconfig.json'), path.join(tsFixtures, 'stall.ts')];
    expectMapped(await record([process.execPath, '--enable-source-maps', ...tsNodeArgs]), 'spin.ts');
    expectMapped(await record([process.execPath, ...tsNodeArgs]), 'spin.ts');
  });

  it('maps callback creation sites (tsc build and tsx)', async () => {
    const siteTs = path.join(tsFixtures, 'slowRepeat.ts');
    const siteLine = readFileSync(siteTs, 'utf8').split('\n').findIndex((l) => l.includes('// SITE')) + 1;
    for (const [command, generatedFile] of [
      [[process.execPath, path.join(tscOut, 'slowRepeat.js')], 'slowRepeat.js'],
      [[process.execPath, tsx, siteTs], 'slowRepeat.ts'],
    ] as const) {
      const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-sm-')), 'trace.json');
      const r = await run(process.execPath, [cli, 'record', '-o', out, '--', ...command], { cwd: root, timeoutMs: 90_000 });
      expect(r.code, r.stderr).toBe(0);
      const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
      const sites = trace.traceEvents.filter((e) => e.cat === 'loopscope.site').map((e) => e.args as unknown as StackFrame);
      const ours = sites.filter((f) => f.url.endsWith('slowRepeat.ts'));
      expect(ours.length, JSON.stringify(sites)).toBeGreaterThan(0);
      for (const f of ours) {
        expect(f.lineNumber, JSON.stringify(f)).toBe(siteLine);
        expect(f.generated?.url.endsWith(generatedFile), JSON.stringify(f)).toBe(true);
      }
    }
  });

  it('names the .ts line when --fail-on-stall fails the run', async () => {
    const r = await record([process.execPath, path.join(tscOut, 'stall.js')], ['--fail-on-stall', '150']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`FAIL: [\\d.]+ ms stall at test/fixtures/ts/spin\\.ts:${blockLine}:`));
  });
});
