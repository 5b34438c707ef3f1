/**
 * Maps stack frames of emitted JavaScript (tsc output, bundles) back to the source the user wrote,
 * through the source maps next to or inside the files on disk. Uses Node's own `module.SourceMap`
 * (the decoder behind `--enable-source-maps`, so positions agree with Node's own mapped stack
 * traces, and no dependency). Files are read lazily and asynchronously, once per file, into a
 * bounded cache; a missing or broken map leaves the frame as it is, silently.
 */
import { readFile, stat } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StackFrame } from '../../model/loopData';
import { isLibraryFrame } from './userFrame';
import { decodeDataUrl, sourceMappingUrl } from '../../agent/sourceMapComment';

/** Limits of a mapper; all optional. */
export interface SourceMapperOptions {
  /** Most files whose lookup result is kept (least recently used dropped first). Default 256. */
  maxFiles?: number;
  /** Largest generated file or map read, in bytes; bigger ones are left unmapped. Default 64 MiB. */
  maxBytes?: number;
  /** After this many milliseconds a cached file is checked again (size and mtime) before use. Default 2000. */
  revalidateMs?: number;
}

/** What one generated file's lookup found. */
interface Entry {
  map: SourceMap | undefined;
  /** The URL the map's `sources` are relative to: the map file's, or the generated file's for an inline map. */
  base: string;
  sourceRoot: string;
  mtimeMs: number;
  size: number;
  checkedAt: number;
  /** Resolved `sources` entries, by the raw string. */
  resolved: Map<string, string>;
}

/** One cache of source maps by generated file; share one per collector. */
export class SourceMapper {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  private readonly revalidateMs: number;

  constructor(options: SourceMapperOptions = {}) {
    this.maxFiles = options.maxFiles ?? 256;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.revalidateMs = options.revalidateMs ?? 2000;
  }

  /**
   * Looks up the maps of the frames' files that are not known (or are due a check). Undefined when
   * there is nothing to do, so that a caller maps at once; otherwise settles (never rejects) once done.
   */
  prepare(frames: readonly StackFrame[]): Promise<void> | undefined {
    let pending: Promise<void>[] | undefined;
    const now = Date.now();
    for (const frame of frames) {
      const file = mappableFile(frame);
      if (!file) continue;
      const entry = this.entries.get(file);
      if (entry && now - entry.checkedAt < this.revalidateMs) continue;
      (pending ??= []).push(this.load(file, entry));
    }
    return pending && Promise.all(pending).then(() => undefined);
  }

  /** `prepare` then `map`. */
  async mapAsync(frames: readonly StackFrame[]): Promise<StackFrame[]> {
    await this.prepare(frames);
    return this.map(frames);
  }

  /** The frames mapped through the maps already looked up; any other frame is returned unchanged. */
  map(frames: readonly StackFrame[]): StackFrame[] {
    return frames.map((f) => this.mapFrame(f));
  }

  /** One frame mapped to its original source (keeping where it ran as `generated`), or unchanged. */
  mapFrame(frame: StackFrame): StackFrame {
    const file = mappableFile(frame);
    const entry = file ? this.entries.get(file) : undefined;
    if (!entry?.map || frame.lineNumber < 1 || frame.columnNumber < 1) return frame;
    try {
      const hit = entry.map.findEntry(frame.lineNumber - 1, frame.columnNumber - 1) as Partial<FoundEntry>;
      // The nearest mapping on an earlier line says nothing reliable about this one.
      if (typeof hit.originalSource !== 'string' || hit.generatedLine !== frame.lineNumber - 1) return frame;
      if (typeof hit.originalLine !== 'number' || typeof hit.originalColumn !== 'number') return frame;
      const url = this.sourceUrl(entry, hit.originalSource, frame.url);
      if (!url) return frame;
      return {
        functionName: frame.functionName,
        url,
        lineNumber: hit.originalLine + 1,
        columnNumber: hit.originalColumn + 1,
        generated: { url: frame.url, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber },
      };
    } catch {
      return frame;
    }
  }

  /**
   * A map's source as a frame url in the style of the generated one (path or file:// URL).
   * Sources that are not files (`webpack://…`) leave the frame as it ran: that one, at least, opens.
   */
  private sourceUrl(entry: Entry, source: string, generatedUrl: string): string | undefined {
    let url = entry.resolved.get(source);
    if (url === undefined) {
      try {
        const root = entry.sourceRoot && !entry.sourceRoot.endsWith('/') ? `${entry.sourceRoot}/` : entry.sourceRoot;
        url = new URL(root + source, entry.base).href;
      } catch {
        url = '';
      }
      entry.resolved.set(source, url);
    }
    if (!url.startsWith('file:')) return undefined;
    if (generatedUrl.startsWith('file:')) return url;
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }

  private load(file: string, previous: Entry | undefined): Promise<void> {
    let loading = this.loading.get(file);
    if (!loading) {
      loading = this.lookUp(file, previous)
        .then((entry) => this.remember(file, entry))
        .catch(() => this.remember(file, emptyEntry(0, 0)))
        .finally(() => this.loading.delete(file));
      this.loading.set(file, loading);
    }
    return loading;
  }

  private async lookUp(file: string, previous: Entry | undefined): Promise<Entry> {
    const info = await stat(file);
    if (previous && previous.mtimeMs === info.mtimeMs && previous.size === info.size) return { ...previous, checkedAt: Date.now() };
    const entry = emptyEntry(info.mtimeMs, info.size);
    if (!info.isFile() || info.size > this.maxBytes) return entry;
    const code = await readFile(file, 'utf8');
    const ref = sourceMappingUrl(code);
    if (!ref) return entry;
    const fileUrl = pathToFileURL(file).href;
    let text: string;
    let base = fileUrl;
    if (ref.startsWith('data:')) {
      text = decodeDataUrl(ref);
    } else {
      const mapUrl = new URL(ref, fileUrl);
      if (mapUrl.protocol !== 'file:') return entry;
      const mapFile = fileURLToPath(mapUrl);
      if ((await stat(mapFile)).size > this.maxBytes) return entry;
      text = await readFile(mapFile, 'utf8');
      base = mapUrl.href;
    }
    const payload = JSON.parse(text) as { sources?: unknown; mappings?: unknown; sections?: unknown; sourceRoot?: unknown };
    if (typeof payload !== 'object' || payload === null) return entry;
    if (!(Array.isArray(payload.sources) && typeof payload.mappings === 'string') && !Array.isArray(payload.sections)) return entry;
    return { ...entry, map: new SourceMap(payload as never), base, sourceRoot: typeof payload.sourceRoot === 'string' ? payload.sourceRoot : '' };
  }

  private remember(file: string, entry: Entry): void {
    this.entries.delete(file);
    this.entries.set(file, entry);
    while (this.entries.size > this.maxFiles) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** What `SourceMap#findEntry` returns when it finds a mapping (0-based). */
interface FoundEntry {
  generatedLine: number;
  generatedColumn: number;
  originalSource: string;
  originalLine: number;
  originalColumn: number;
}

function emptyEntry(mtimeMs: number, size: number): Entry {
  return { map: undefined, base: '', sourceRoot: '', mtimeMs, size, checkedAt: Date.now(), resolved: new Map() };
}

/**
 * The file a frame ran in, when it is worth looking for a map: a file on disk that is the user's
 * own (dependencies and Node's internals are left as they ran), not mapped already by the agent.
 */
function mappableFile(frame: StackFrame): string | undefined {
  if (frame.generated || isLibraryFrame(frame)) return undefined;
  if (frame.url.startsWith('file:')) {
    try {
      return fileURLToPath(frame.url);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(frame.url) ? frame.url : undefined;
}
