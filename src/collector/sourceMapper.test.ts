import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { StackFrame } from '../../model/loopData';
import { SourceMapper } from './sourceMapper';

/** TypeScript whose blocking call sits on a known line, below type-only lines that the JavaScript loses. */
const SOURCE = [
  'interface Options { ms: number }', // 1
  'type Unused = { a: string };', // 2
  '', // 3
  'export function spin(o: Options): number {', // 4
  '  const end = Date.now() + o.ms;', // 5
  '  let n = 0;', // 6
  '  while (Date.now() < end) n += blockHere(n);', // 7
  '  return n;', // 8
  '}', // 9
  'function blockHere(n: number): number { return n & 1; }', // 10
].join('\n');
const BLOCK_LINE = 7;

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'loopscope-sm-'));
}

/** The 1-based position of `needle`'s first occurrence in `code`. */
function positionOf(code: string, needle: string): { lineNumber: number; columnNumber: number } {
  const at = code.indexOf(needle);
  expect(at, needle).toBeGreaterThanOrEqual(0);
  const before = code.slice(0, at).split('\n');
  return { lineNumber: before.length, columnNumber: before[before.length - 1].length + 1 };
}

/** tsc's output and map for SOURCE, as `file` and `file.map`. */
function tscOutput(fileName = 'spin.ts'): { js: string; map: string } {
  const out = ts.transpileModule(SOURCE, {
    fileName,
    compilerOptions: { sourceMap: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS },
  });
  return { js: out.outputText, map: out.sourceMapText! };
}

function frameAt(url: string, code: string): StackFrame {
  return { functionName: 'spin', url, ...positionOf(code, 'blockHere(n)') };
}

describe('SourceMapper', () => {
  it('maps through a file map named by sourceMappingURL, keeping the generated position', async () => {
    const dir = tmp();
    const { js, map } = tscOutput();
    writeFileSync(path.join(dir, 'spin.js'), js);
    writeFileSync(path.join(dir, 'spin.js.map'), map);
    const frame = frameAt(path.join(dir, 'spin.js'), js);
    const [mapped] = await new SourceMapper().mapAsync([frame]);
    expect(mapped.url).toBe(path.join(dir, 'spin.ts'));
    expect(mapped.lineNumber).toBe(BLOCK_LINE);
    expect(mapped.generated).toEqual({ url: frame.url, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber });
    expect(frame.lineNumber).not.toBe(BLOCK_LINE);
  });

  it('keeps a file:// frame a file:// URL', async () => {
    const dir = tmp();
    const { js, map } = tscOutput();
    writeFileSync(path.join(dir, 'spin.js'), js);
    writeFileSync(path.join(dir, 'spin.js.map'), map);
    const [mapped] = await new SourceMapper().mapAsync([frameAt(pathToFileURL(path.join(dir, 'spin.js')).href, js)]);
    expect(mapped.url).toBe(pathToFileURL(path.join(dir, 'spin.ts')).href);
    expect(mapped.lineNumber).toBe(BLOCK_LINE);
  });

  it('maps through an inline data: URL map (an esbuild bundle)', async () => {
    const dir = tmp();
    const { code } = transformSync(SOURCE, { loader: 'ts', sourcemap: 'inline', sourcefile: 'src/spin.ts', format: 'cjs' });
    expect(code).toContain('sourceMappingURL=data:application/json;base64,');
    writeFileSync(path.join(dir, 'bundle.js'), code);
    const [mapped] = await new SourceMapper().mapAsync([frameAt(path.join(dir, 'bundle.js'), code)]);
    expect(mapped.url).toBe(path.join(dir, 'src/spin.ts'));
    expect(mapped.lineNumber).toBe(BLOCK_LINE);
  });

  it('resolves sources against sourceRoot and the map file’s own folder', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'out'));
    mkdirSync(path.join(dir, 'maps'));
    const { js, map } = tscOutput();
    const payload = { ...JSON.parse(map), sourceRoot: '../src', sources: ['spin.ts'] };
    writeFileSync(path.join(dir, 'out/spin.js'), js.replace(/sourceMappingURL=.*$/m, 'sourceMappingURL=../maps/spin.js.map'));
    writeFileSync(path.join(dir, 'maps/spin.js.map'), JSON.stringify(payload));
    const [mapped] = await new SourceMapper().mapAsync([frameAt(path.join(dir, 'out/spin.js'), js)]);
    expect(mapped.url).toBe(path.join(dir, 'src/spin.ts'));
    expect(mapped.lineNumber).toBe(BLOCK_LINE);
  });

  it('leaves a frame as it ran when its source is not a file (webpack://)', async () => {
    const dir = tmp();
    const { js, map } = tscOutput();
    writeFileSync(path.join(dir, 'spin.js'), js);
    writeFileSync(path.join(dir, 'spin.js.map'), JSON.stringify({ ...JSON.parse(map), sources: ['webpack://app/./src/spin.ts'] }));
    const frame = frameAt(path.join(dir, 'spin.js'), js);
    expect(await new SourceMapper().mapAsync([frame])).toEqual([frame]);
  });

  it('leaves frames as they are when the map is missing, the file has none, or the file is gone', async () => {
    const dir = tmp();
    const { js } = tscOutput();
    writeFileSync(path.join(dir, 'nomap.js'), js);
    writeFileSync(path.join(dir, 'plain.js'), js.replace(/\/\/# sourceMappingURL=.*$/m, ''));
    const frames = [frameAt(path.join(dir, 'nomap.js'), js), frameAt(path.join(dir, 'plain.js'), js), frameAt(path.join(dir, 'gone.js'), js)];
    expect(await new SourceMapper().mapAsync(frames)).toEqual(frames);
  });

  it('leaves frames as they are when the map is corrupt', async () => {
    const dir = tmp();
    const { js, map } = tscOutput();
    const variants = { 'bad-json': '{"version":3,', 'not-a-map': '{"hello":1}', 'null': 'null', 'bad-sources': JSON.stringify({ ...JSON.parse(map), sources: 'x' }) };
    const frames = Object.entries(variants).map(([name, text]) => {
      writeFileSync(path.join(dir, `${name}.js`), js.replace(/sourceMappingURL=.*$/m, `sourceMappingURL=${name}.js.map`));
      writeFileSync(path.join(dir, `${name}.js.map`), text);
      return frameAt(path.join(dir, `${name}.js`), js);
    });
    writeFileSync(path.join(dir, 'bad-data.js'), `${js.replace(/\/\/# sourceMappingURL=.*$/m, '')}\n//# sourceMappingURL=data:application/json;base64,!!!!`);
    frames.push(frameAt(path.join(dir, 'bad-data.js'), js));
    expect(await new SourceMapper().mapAsync(frames)).toEqual(frames);
  });

  it('reads each file once, then maps at once; leaves dependencies and Node’s own frames alone', async () => {
    const dir = tmp();
    const { js, map } = tscOutput();
    writeFileSync(path.join(dir, 'spin.js'), js);
    writeFileSync(path.join(dir, 'spin.js.map'), map);
    const mapper = new SourceMapper();
    const user = frameAt(path.join(dir, 'spin.js'), js);
    const node: StackFrame = { functionName: 'listOnTimeout', url: 'node:internal/timers', lineNumber: 581, columnNumber: 17 };
    const dep: StackFrame = { ...user, url: path.join(dir, 'node_modules/x/index.js') };
    await mapper.prepare([user, node, dep]);
    expect(mapper.prepare([user, node, dep])).toBeUndefined();
    const [u, n, d] = mapper.map([user, node, dep]);
    expect(u.lineNumber).toBe(BLOCK_LINE);
    expect(n).toBe(node);
    expect(d).toBe(dep);
  });

  it('notices a rebuilt file once its check is due', async () => {
    const dir = tmp();
    const file = path.join(dir, 'spin.js');
    const { js, map } = tscOutput();
    writeFileSync(file, js.replace(/\/\/# sourceMappingURL=.*$/m, ''));
    const mapper = new SourceMapper({ revalidateMs: 0 });
    const frame = frameAt(file, js);
    expect((await mapper.mapAsync([frame]))[0]).toBe(frame);
    writeFileSync(file, `${js}\n`);
    writeFileSync(`${file}.map`, map);
    expect((await mapper.mapAsync([frame]))[0].lineNumber).toBe(BLOCK_LINE);
  });
});
