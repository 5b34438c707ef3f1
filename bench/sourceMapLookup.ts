/**
 * What mapping costs the collector: the first lookup of a file (read + parse its map, once per file)
 * and mapping a 64-frame stall from the cache, against the same stall left unmapped, side by side.
 * Uses the extension bundle's own map (dist/extension.js.map) as a large real map: `npm run build` first.
 * Run: npx tsx bench/sourceMapLookup.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StackFrame } from '../model/loopData';
import { SourceMapper } from '../src/collector/sourceMapper';

const bundle = path.resolve('dist/extension.js');
const lines = readFileSync(bundle, 'utf8').split('\n');
const frames: StackFrame[] = [];
for (let i = 0; frames.length < 64; i = (i + 97) % lines.length) {
  if (lines[i].trim().length > 4) frames.push({ functionName: 'f', url: bundle, lineNumber: i + 1, columnNumber: lines[i].search(/\S/) + 1 });
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const firstLoad: number[] = [];
  for (let r = 0; r < 7; r++) {
    const mapper = new SourceMapper();
    const t = performance.now();
    await mapper.mapAsync(frames);
    firstLoad.push(performance.now() - t);
  }
  const mapper = new SourceMapper({ revalidateMs: Infinity });
  await mapper.prepare(frames);
  const mapped = mapper.map(frames).filter((f) => f.generated).length;
  const N = 2000;
  const cached: number[] = [];
  const plain: number[] = [];
  for (let r = 0; r < 7; r++) {
    let t = performance.now();
    for (let i = 0; i < N; i++) mapper.map(frames);
    cached.push(((performance.now() - t) * 1000) / N);
    t = performance.now();
    for (let i = 0; i < N; i++) frames.map((f) => ({ ...f }));
    plain.push(((performance.now() - t) * 1000) / N);
  }
  const mapKb = Math.round(readFileSync(`${bundle}.map`).length / 1024);
  console.log(`map ${mapKb} KB, ${mapped}/${frames.length} frames mapped`);
  console.log(`first lookup (read + parse, once per file): ${median(firstLoad).toFixed(1)} ms (median of 7)`);
  console.log(`64-frame stall from the cache: ${median(cached).toFixed(1)} µs vs ${median(plain).toFixed(1)} µs copying the frames unmapped: ${(median(cached) / median(plain)).toFixed(1)}×`);
}

void main();
