/**
 * Fast path for recordings written one event per line (as `loopscope record` writes them):
 * dispatch lines, the bulk of a file, are decoded field by field without building an object;
 * every other line goes through JSON.parse. Anything unexpected returns undefined so the caller
 * falls back to parsing the whole text as JSON.
 */
import type { TraceCollector } from './traceCollector';

const HEAD = '{"traceEvents":[';
const DISPATCH = '{"ph":"X","cat":"loopscope.dispatch","name":"';
const FIELDS = ['","pid":', ',"tid":', ',"ts":', ',"dur":', ',"args":{"asyncId":', ',"triggerAsyncId":'] as const;

/** What followed the event list (the document without its events, e.g. its metadata). */
export interface LineScan {
  tail: unknown;
}

/** True when `literal` occurs in `text` at `pos` (String.prototype.startsWith with a position is slow in V8). */
function matchesAt(text: string, pos: number, literal: string): boolean {
  if (pos + literal.length > text.length) return false;
  for (let i = 0; i < literal.length; i++) if (text.charCodeAt(pos + i) !== literal.charCodeAt(i)) return false;
  return true;
}

/** Field values of the line being decoded (reused: one allocation for the whole file). */
const values = new Float64Array(FIELDS.length);

/** Resource type names seen so far: a line's name is matched in place instead of sliced and hashed. */
const knownNames: string[] = [];

/** The name in `text` from `pos` to the closing quote before `end`, reusing a known string when it matches. */
function nameAt(text: string, pos: number, end: number): string | undefined {
  for (const name of knownNames) {
    if (text.charCodeAt(pos + name.length) === 34 && matchesAt(text, pos, name)) return name;
  }
  const close = text.indexOf('"', pos);
  if (close < 0 || close >= end) return undefined;
  const name = text.slice(pos, close);
  if (name.includes('\\')) return undefined;
  if (knownNames.length < 256) knownNames.push(name);
  return name;
}

/** End of the JSON number starting at `pos` (digits, sign, point, exponent). */
function numberEnd(text: string, pos: number, end: number): number {
  let stop = pos;
  while (stop < end) {
    const c = text.charCodeAt(stop);
    if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) stop++;
    else break;
  }
  return stop;
}

/**
 * The number in [pos, stop). Plain integers below 2^53 (ids, pids) are read digit by digit —
 * exact, and no string is made; anything else goes through Number().
 */
function numberAt(text: string, pos: number, stop: number): number {
  if (stop - pos <= 15) {
    let v = 0;
    let i = pos;
    for (; i < stop; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === stop && stop > pos) return v;
  }
  return Number(text.slice(pos, stop));
}

/** Decodes one dispatch line in [start, end) into the collector; false when it is not in the expected shape. */
function decodeDispatch(text: string, start: number, end: number, into: TraceCollector): boolean {
  let pos = start + DISPATCH.length;
  const name = nameAt(text, pos, end);
  if (name === undefined) return false;
  pos += name.length;
  for (let f = 0; f < FIELDS.length; f++) {
    if (!matchesAt(text, pos, FIELDS[f])) return false;
    pos += FIELDS[f].length;
    const stop = numberEnd(text, pos, end);
    const v = numberAt(text, pos, stop);
    if (stop === pos || !Number.isFinite(v)) return false;
    values[f] = v;
    pos = stop;
  }
  if (pos + 2 !== end || !matchesAt(text, pos, '}}')) return false;
  into.dispatch(values[0], values[1], name, values[2], values[3], values[4], values[5]);
  return true;
}

/**
 * Reads a line-per-event recording piece by piece (a file larger than a JavaScript string can
 * hold, streamed from the view server), feeding complete lines to the collector as they arrive.
 */
export class RecordingLineReader {
  private rest = '';
  private state: 'head' | 'events' | 'tail' | 'foreign' = 'head';
  private tail = '';

  constructor(private readonly into: TraceCollector) {}

  /** False once the text turned out not to be in this layout (the caller then parses it as a whole). */
  get ok(): boolean {
    return this.state !== 'foreign';
  }

  /** Takes the next piece of the text. */
  feed(piece: string): void {
    if (this.state === 'foreign') return;
    if (this.state === 'tail') {
      this.tail += piece;
      return;
    }
    const text = this.rest ? this.rest + piece : piece;
    let pos = 0;
    for (;;) {
      const end = text.indexOf('\n', pos);
      if (end < 0) break;
      let last = end;
      if (text.charCodeAt(last - 1) === 13) last--;
      const seen = this.line(text, pos, last);
      if (seen === 'foreign') return;
      if (seen === 'tail') {
        this.tail = text.slice(pos);
        this.rest = '';
        return;
      }
      pos = end + 1;
    }
    this.rest = text.slice(pos);
  }

  /** Ends the text: what followed the events, 'truncated' when it stopped inside them, or undefined when not this layout. */
  end(): LineScan | 'truncated' | undefined {
    if (this.state === 'head' || this.state === 'foreign') return undefined;
    if (this.state === 'events') {
      const last = this.rest;
      this.rest = '';
      if (last.charCodeAt(0) === 93 /* ] */) this.tail = last;
      else if (last.length && this.line(last, 0, last.length) === 'foreign') return undefined;
      if (!this.tail) return 'truncated';
    }
    try {
      return { tail: JSON.parse(`{"traceEvents":[]${this.tail.trim().slice(1)}`) as unknown };
    } catch {
      return undefined;
    }
  }

  /** Handles the line [start, end) of `text`: an event, the end of the events ('tail'), or not this layout ('foreign'). */
  private line(text: string, start: number, end: number): 'event' | 'tail' | 'foreign' {
    if (this.state === 'head') {
      const ok = end - start === HEAD.length && matchesAt(text, start, HEAD);
      this.state = ok ? 'events' : 'foreign';
      return ok ? 'event' : 'foreign';
    }
    if (end > start && text.charCodeAt(start) === 93 /* ] */) {
      this.state = 'tail';
      return 'tail';
    }
    let last = end;
    if (text.charCodeAt(last - 1) === 44 /* , */) last--;
    if (last > start && !(matchesAt(text, start, DISPATCH) && decodeDispatch(text, start, last, this.into))) {
      let event: unknown;
      try {
        event = JSON.parse(text.slice(start, last));
      } catch {
        this.state = 'foreign';
        return 'foreign';
      }
      this.into.event(event);
    }
    return 'event';
  }
}

/**
 * Feeds a line-per-event recording into `into`. Returns what followed the events, 'truncated' when
 * the text ends inside the event list, or undefined when the text is not in this shape at all.
 */
export function scanRecordingLines(text: string, into: TraceCollector): LineScan | 'truncated' | undefined {
  const reader = new RecordingLineReader(into);
  reader.feed(text);
  return reader.end();
}
