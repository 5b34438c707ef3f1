/**
 * Turns a recording (Chrome Trace Event JSON, docs/CONTRACTS.md) into view-protocol messages,
 * so a loaded file and a live session feed the model the same way. Foreign traces load too:
 * events that are not Loopscope's are ignored. Files written one event per line (as
 * `loopscope record` writes them) take a fast path that decodes dispatch lines without JSON.parse.
 */
import type { ToWebview } from './protocol';
import { RecordingLineReader, scanRecordingLines } from './recordingLines';
import { TraceCollector } from './traceCollector';

/** A recording that cannot be read, with a message fit to show the user. */
export class TraceParseError extends Error {
  override readonly name = 'TraceParseError';
}

/** The summary of a parse: messages to apply and anything worth telling the user. */
export interface ParsedTrace {
  messages: ToWebview[];
  /** Dispatches the recorder reported dropping. */
  droppedEvents: number;
  /** Events that were not Loopscope's and were skipped. */
  ignoredEvents: number;
}

function droppedOf(doc: unknown): number {
  const dropped = (doc as { metadata?: { loopscope?: { droppedEvents?: unknown } } } | undefined)?.metadata?.loopscope?.droppedEvents;
  return typeof dropped === 'number' && Number.isFinite(dropped) ? dropped : 0;
}

/** Parses recording text; throws `TraceParseError` when it is not a trace at all. */
export function parseTrace(text: string): ParsedTrace {
  const collector = new TraceCollector();
  const lines = scanRecordingLines(text, collector);
  if (lines === 'truncated') throw new TraceParseError('This file is not a valid recording: it ends before its list of events does (was it cut short?).');
  if (lines) return { messages: collector.finish(), droppedEvents: droppedOf(lines.tail), ignoredEvents: collector.ignoredEvents };

  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TraceParseError(`This file is not a valid recording: it is not JSON (${(err as Error).message}).`);
  }
  let events: unknown[];
  if (Array.isArray(doc)) {
    events = doc;
  } else if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { traceEvents?: unknown }).traceEvents)) {
    events = (doc as { traceEvents: unknown[] }).traceEvents;
  } else {
    throw new TraceParseError('This file is not a valid recording: expected a Chrome trace, {"traceEvents":[…]} or an array of events.');
  }
  const fresh = new TraceCollector();
  for (const e of events) fresh.event(e);
  return { messages: fresh.finish(), droppedEvents: droppedOf(doc), ignoredEvents: fresh.ignoredEvents };
}

/** Text kept for the whole-JSON fallback while a streamed file's layout is in doubt (characters). */
const KEEP_FOR_FALLBACK = 256 * 1024 * 1024;

/**
 * Parses a recording arriving in pieces (a fetch body), so files larger than one JavaScript string
 * load too when they are in the recorder's line-per-event layout. Other layouts are gathered and
 * parsed whole. `onProgress` gets the characters read so far.
 */
export async function parseTraceStream(pieces: AsyncIterable<string>, onProgress?: (chars: number) => void): Promise<ParsedTrace> {
  const collector = new TraceCollector();
  const reader = new RecordingLineReader(collector);
  let kept: string[] | undefined = [];
  let chars = 0;
  for await (const piece of pieces) {
    chars += piece.length;
    onProgress?.(chars);
    if (reader.ok) reader.feed(piece);
    if (kept && chars > KEEP_FOR_FALLBACK && reader.ok) kept = undefined;
    kept?.push(piece);
  }
  const lines = reader.ok ? reader.end() : undefined;
  if (lines === 'truncated') throw new TraceParseError('This file is not a valid recording: it ends before its list of events does (was it cut short?).');
  if (lines) return { messages: collector.finish(), droppedEvents: droppedOf(lines.tail), ignoredEvents: collector.ignoredEvents };
  if (!kept) throw new TraceParseError('This file is not a valid recording: a line in it is not a JSON event.');
  return parseTrace(kept.join(''));
}
