/** Where "open source" goes for a frame's url and 1-based position: a file at a 0-based position, or nowhere and why. */
import { filePathOf } from './stallFlags';

/** A resolved editor location (0-based, as editors count) or the reason there is none. */
export type SourceTarget =
  | { kind: 'file'; path: string; line: number; character: number }
  | { kind: 'none'; reason: string };

/** Resolves a frame's url and 1-based line/column to an editor location. */
export function sourceTarget(url: string, lineNumber: number, columnNumber: number): SourceTarget {
  const path = filePathOf(url);
  if (!path) {
    const reason = url.startsWith('node:') ? `${url} is part of Node.js itself and has no file to open` : `${url} is not a file on disk`;
    return { kind: 'none', reason };
  }
  return { kind: 'file', path, line: Math.max(0, Math.floor(lineNumber) - 1), character: Math.max(0, Math.floor(columnNumber) - 1) };
}
