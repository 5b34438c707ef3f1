/**
 * Maps frames of code that exists only inside the program: a loader such as tsx or ts-node turns
 * `.ts` into JavaScript in memory, so the collector has no emitted file to read a map from. Node
 * keeps those maps once source maps are on (`--enable-source-maps`, `process.setSourceMapsEnabled`,
 * which tsx calls), and `module.findSourceMap` hands them out here. ts-node does not turn them on:
 * it hands its output to source-map-support instead, whose shared state (a global, versioned, the
 * same across copies of the library) lets us ask for that output and read its inline map. Files Node runs as they are on
 * disk (`.js`, `.cjs`, `.mjs`) are left to the collector, which maps them from disk at no cost to
 * the program: this runs on the blocked thread, inside the stall.
 */
import { findSourceMap, SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WireFrame } from './protocol';
import { decodeDataUrl, sourceMappingUrl } from './sourceMapComment';

/** The global the capture expression calls (see stackCapture.ts); a symbol, so the program never trips over it. */
export const MAP_ROW_KEY = 'loopscope.mapRow';

/** Files Node can run without a loader: what ran is on disk, so the collector maps them. */
const RUNS_AS_IS = /\.[cm]?js$/;

/**
 * Each file's map (or its absence), looked up once: Node 20's findSourceMap walks every CommonJS
 * module's cache entry per call (~27 µs a frame measured under tsx, against ~2 µs for findEntry).
 * A file seen in a stack is loaded, so its map, if any, is registered by then. Bounded: cleared when full.
 */
const maps = new Map<string, SourceMap | undefined>();
const MAX_FILES = 512;

function mapOf(url: string): SourceMap | undefined {
  if (maps.has(url)) return maps.get(url);
  if (maps.size >= MAX_FILES) maps.clear();
  let map: SourceMap | undefined;
  try {
    map = findSourceMap(url) ?? sourceMapSupportMap(url);
  } finally {
    maps.set(url, map);
  }
  return map;
}

/** What source-map-support shares between its copies (version 1): the handlers tools such as ts-node register. */
interface SourceMapSupportShared {
  version?: unknown;
  retrieveFileHandlers?: unknown;
}

/**
 * The inline map of the output a tool gave source-map-support for `url` (ts-node without source
 * maps on), with its sources resolved to file URLs as Node's own cache holds them.
 */
function sourceMapSupportMap(url: string): SourceMap | undefined {
  const shared = (globalThis as Record<symbol, SourceMapSupportShared | undefined>)[Symbol.for('source-map-support/sharedData')];
  if (shared?.version !== 1 || !Array.isArray(shared.retrieveFileHandlers)) return undefined;
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  for (const handler of shared.retrieveFileHandlers) {
    if (typeof handler !== 'function') continue;
    const code: unknown = handler(file);
    if (typeof code !== 'string' || !code) continue;
    const ref = sourceMappingUrl(code);
    if (!ref?.startsWith('data:')) return undefined;
    const payload = JSON.parse(decodeDataUrl(ref)) as { sources?: unknown; sourceRoot?: unknown; mappings?: unknown };
    if (!Array.isArray(payload.sources) || typeof payload.mappings !== 'string') return undefined;
    const base = pathToFileURL(file).href;
    const root = typeof payload.sourceRoot === 'string' && payload.sourceRoot ? payload.sourceRoot.replace(/\/?$/, '/') : '';
    payload.sources = payload.sources.map((s) => (typeof s === 'string' ? new URL(root + s, base).href : s));
    return new SourceMap(payload as never);
  }
  return undefined;
}

/** A position mapped through an in-memory map, 1-based; undefined when there is none. */
function original(url: string, line: number, column: number): { url: string; lineNumber: number; columnNumber: number } | undefined {
  if (!url || RUNS_AS_IS.test(url) || url.startsWith('node:') || url.startsWith('internal/') || line < 1 || column < 1) return undefined;
  const map = mapOf(url);
  if (!map) return undefined;
  const hit = map.findEntry(line - 1, column - 1) as { generatedLine?: number; originalSource?: string; originalLine?: number; originalColumn?: number };
  if (typeof hit.originalSource !== 'string' || hit.generatedLine !== line - 1 || typeof hit.originalLine !== 'number' || typeof hit.originalColumn !== 'number') return undefined;
  // Node resolves a cached map's sources to URLs; keep the frame's own style (CommonJS paths, ESM URLs).
  // Sources that are not files (webpack://…) would not open; the position that ran does.
  let source = hit.originalSource;
  if (!source.startsWith('file:')) return undefined;
  if (!url.startsWith('file:')) source = fileURLToPath(source);
  return { url: source, lineNumber: hit.originalLine + 1, columnNumber: hit.originalColumn + 1 };
}

/** A capture row `[functionName, url, line, column]`, with the original position first and the generated one appended when mapped. */
export function mapCaptureRow(row: unknown[]): unknown[] {
  try {
    const o = original(String(row[1]), Number(row[2]), Number(row[3]));
    return o ? [row[0], o.url, o.lineNumber, o.columnNumber, row[1], row[2], row[3]] : row;
  } catch {
    return row;
  }
}

/** A wire frame mapped to its original position (keeping where it ran as `generated`), or unchanged. */
export function mapWireFrame(frame: WireFrame): WireFrame {
  try {
    const o = original(frame.url, frame.lineNumber, frame.columnNumber);
    if (!o) return frame;
    return { functionName: frame.functionName, ...o, generated: { url: frame.url, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber } };
  } catch {
    return frame;
  }
}

/** Makes `mapCaptureRow` reachable from the capture expression, which runs in the program's global scope. */
export function installInMemorySourceMaps(): void {
  try {
    Object.defineProperty(globalThis, Symbol.for(MAP_ROW_KEY), { value: mapCaptureRow, configurable: true, enumerable: false, writable: false });
  } catch {
    // Without it stalls keep the positions that ran; the program is unaffected.
  }
}
