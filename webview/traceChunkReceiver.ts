/**
 * The page's side of a recording streamed in pieces (`loadTraceChunk` … `loadTraceEnd`): feeds the
 * pieces to the streaming parser as they come, acknowledges each one it has taken (so the host
 * sends only a few ahead, and memory stays bounded whatever the file's size), and hands over the
 * parsed recording at the end. A cancelled or superseded load is abandoned and what was shown stays.
 */
import type { ToWebview } from './protocol';
import { parseTraceStream, TraceParseError, type ParsedTrace } from './traceParser';

type ChunkMessage = Extract<ToWebview, { type: 'loadTraceChunk' } | { type: 'loadTraceEnd' }>;

/** What the receiver reports to the page. */
export interface ChunkHandlers {
  trace(parsed: ParsedTrace): void;
  progress(chars: number, totalBytes: number | undefined): void;
  error(message: string): void;
  /** Piece `seq` was taken by the parser. */
  read(seq: number): void;
  /** The host cancelled the load: what was shown stays (its status line comes back). */
  cancelled(): void;
}

/** Thrown into a parse whose load was cancelled or replaced. */
class LoadAbandoned extends Error {}

/** One load in progress: pieces waiting for the parser, and the parser's wait for the next. */
class PieceQueue {
  private readonly pieces: { seq: number; text: string }[] = [];
  private wake: (() => void) | undefined;
  private done = false;
  private abandoned = false;

  constructor(private readonly onTaken: (seq: number) => void) {}

  push(seq: number, text: string): void {
    this.pieces.push({ seq, text });
    this.wake?.();
  }

  end(): void {
    this.done = true;
    this.wake?.();
  }

  abandon(): void {
    this.abandoned = true;
    this.wake?.();
  }

  async *iterate(): AsyncGenerator<string> {
    for (;;) {
      if (this.abandoned) throw new LoadAbandoned();
      const next = this.pieces.shift();
      if (next) {
        this.onTaken(next.seq);
        yield next.text;
        continue;
      }
      if (this.done) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

/** Receives streamed recordings, one at a time. */
export class TraceChunkReceiver {
  private current: PieceQueue | undefined;
  private expected = 0;

  constructor(private readonly handlers: ChunkHandlers) {}

  /** True for the messages this receiver handles. */
  static handles(msg: ToWebview): msg is ChunkMessage {
    return msg.type === 'loadTraceChunk' || msg.type === 'loadTraceEnd';
  }

  /** Takes one streaming message. */
  receive(msg: ChunkMessage): void {
    if (msg.type === 'loadTraceEnd') {
      if (msg.cancelled) {
        this.abandon();
        this.handlers.cancelled();
      } else this.current?.end();
      return;
    }
    if (msg.seq === 0) this.start(msg.totalBytes);
    else if (!this.current || msg.seq !== this.expected) return; // a piece of an abandoned load
    this.expected = msg.seq + 1;
    this.current!.push(msg.seq, msg.text);
  }

  private start(totalBytes: number | undefined): void {
    this.abandon();
    const queue = new PieceQueue((seq) => this.handlers.read(seq));
    this.current = queue;
    parseTraceStream(queue.iterate(), (chars) => this.handlers.progress(chars, totalBytes)).then(
      (parsed) => {
        if (this.current === queue) this.current = undefined;
        this.handlers.trace(parsed);
      },
      (err: unknown) => {
        if (this.current === queue) this.current = undefined;
        if (err instanceof LoadAbandoned) return;
        this.handlers.error(err instanceof TraceParseError ? err.message : `Could not read the recording: ${(err as Error).message}`);
      },
    );
  }

  private abandon(): void {
    this.current?.abandon();
    this.current = undefined;
  }
}
