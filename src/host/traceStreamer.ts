/**
 * Streams a recording file to the timeline page in pieces (`loadTraceChunk` … `loadTraceEnd`), so
 * that a file of any size opens in the editor: it is read in chunks, decoded as UTF-8 across chunk
 * boundaries, and at most `window` pieces are in flight before the page acknowledges one
 * (`traceChunkRead`), which keeps the extension host's and the page's memory bounded. No vscode
 * import: the panel supplies the post function, progress and cancellation.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { ToWebview } from '../../webview/protocol';

/** Bytes read per piece. */
export const TRACE_CHUNK_BYTES = 8 * 1024 * 1024;
/** Pieces sent ahead of the page's acknowledgements. */
export const TRACE_CHUNK_WINDOW = 3;

/** How a stream is driven. */
export interface StreamControl {
  /** Checked before each piece: true stops the stream (the page is told, and keeps what it showed). */
  cancelled(): boolean;
  /** Bytes read so far, of `total`. */
  progress?(bytes: number, total: number): void;
}

/** How a stream ended. */
export type StreamOutcome = 'done' | 'cancelled' | 'aborted';

/** Sends one file at a time to one page; `acknowledged` is fed from the page's `traceChunkRead`. */
export class TraceStreamer {
  private acked = -1;
  private wake: (() => void) | undefined;
  /** Bumped by every new stream and every abort: a stream whose generation is not current stops. */
  private generation = 0;

  constructor(
    private readonly post: (m: ToWebview) => unknown,
    private readonly chunkBytes = TRACE_CHUNK_BYTES,
    private readonly window = TRACE_CHUNK_WINDOW,
  ) {}

  /** The page took piece `seq`. */
  acknowledged(seq: number): void {
    if (seq > this.acked) this.acked = seq;
    this.wake?.();
  }

  /** Stops a stream in progress without telling the page (it was closed or reloaded). */
  abort(): void {
    this.generation++;
    this.wake?.();
  }

  /** Streams `file` under `name`; resolves with how it ended. Read errors reject (the page is told it was cancelled). */
  async stream(file: string, name: string, control: StreamControl): Promise<StreamOutcome> {
    this.acked = -1;
    const gen = ++this.generation;
    const total = (await stat(file)).size;
    const decoder = new StringDecoder('utf8');
    const input = createReadStream(file, { highWaterMark: this.chunkBytes });
    let seq = 0;
    let bytes = 0;
    try {
      for await (const buf of input as AsyncIterable<Buffer>) {
        bytes += buf.length;
        const text = decoder.write(buf);
        const outcome = await this.send(gen, seq, text, name, total, control);
        if (outcome) return outcome;
        seq++;
        control.progress?.(bytes, total);
      }
      const rest = decoder.end();
      if (rest) {
        const outcome = await this.send(gen, seq, rest, name, total, control);
        if (outcome) return outcome;
      }
      this.post({ type: 'loadTraceEnd' });
      return 'done';
    } catch (err) {
      if (gen === this.generation) this.post({ type: 'loadTraceEnd', cancelled: true });
      throw err;
    } finally {
      input.destroy();
    }
  }

  /** Waits for room in the window, then posts one piece; returns an outcome when the stream must stop. */
  private async send(gen: number, seq: number, text: string, name: string, total: number, control: StreamControl): Promise<StreamOutcome | undefined> {
    while (gen === this.generation && !control.cancelled() && seq - this.acked > this.window) {
      await new Promise<void>((r) => {
        this.wake = r;
        // Cancellation is polled: the page may never answer again.
        setTimeout(r, 200).unref?.();
      });
      this.wake = undefined;
    }
    if (gen !== this.generation) return 'aborted';
    if (control.cancelled()) {
      this.post({ type: 'loadTraceEnd', cancelled: true });
      return 'cancelled';
    }
    this.post(seq === 0 ? { type: 'loadTraceChunk', seq, text, name, totalBytes: total } : { type: 'loadTraceChunk', seq, text });
    return undefined;
  }
}
