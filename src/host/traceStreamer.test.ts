import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { ToWebview } from '../../webview/protocol';
import { TraceStreamer } from './traceStreamer';

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-chunks-')), 'trace.json');
  writeFileSync(f, text);
  return f;
}

type Chunk = Extract<ToWebview, { type: 'loadTraceChunk' }>;

describe('TraceStreamer', () => {
  it('sends the file in order, whole, with multi-byte characters split across chunk boundaries intact', async () => {
    // 7-byte chunks cut the 3- and 4-byte characters in the middle.
    const text = '{"traceEvents":[\n' + Array.from({ length: 50 }, (_, i) => `{"name":"€${i}😀"}`).join(',\n') + '\n]}\n';
    const posted: ToWebview[] = [];
    const streamer: TraceStreamer = new TraceStreamer((m) => {
      posted.push(m);
      if (m.type === 'loadTraceChunk') queueMicrotask(() => streamer.acknowledged(m.seq));
    }, 7, 2);
    const progress: number[] = [];
    const outcome = await streamer.stream(file(text), 'big.json', { cancelled: () => false, progress: (b) => progress.push(b) });
    expect(outcome).toBe('done');
    const chunks = posted.filter((m): m is Chunk => m.type === 'loadTraceChunk');
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    expect(chunks[0]).toMatchObject({ name: 'big.json', totalBytes: Buffer.byteLength(text) });
    expect(chunks[1].name).toBeUndefined();
    expect(posted[posted.length - 1]).toEqual({ type: 'loadTraceEnd' });
    expect(progress[progress.length - 1]).toBe(Buffer.byteLength(text));
  });

  it('keeps at most `window` pieces ahead of the page', async () => {
    const posted: Chunk[] = [];
    const streamer = new TraceStreamer((m) => { if (m.type === 'loadTraceChunk') posted.push(m); }, 10, 3);
    const done = streamer.stream(file('x'.repeat(200)), 'f', { cancelled: () => false });
    // Nothing acknowledged yet: pieces 0, 1, 2 go out, and the streamer waits (its poll runs every 200 ms).
    await vi.waitFor(() => expect(posted).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 250).unref());
    expect(posted.map((c) => c.seq)).toEqual([0, 1, 2]);
    streamer.acknowledged(1);
    await vi.waitFor(() => expect(posted).toHaveLength(5));
    expect(posted.map((c) => c.seq)).toEqual([0, 1, 2, 3, 4]);
    for (let s = 2; s < 20; s++) streamer.acknowledged(s);
    expect(await done).toBe('done');
    expect(posted).toHaveLength(20);
  });

  it('stops when cancelled and tells the page, which keeps what it showed', async () => {
    const posted: ToWebview[] = [];
    let cancel = false;
    const streamer: TraceStreamer = new TraceStreamer((m) => {
      posted.push(m);
      if (m.type === 'loadTraceChunk') {
        if (m.seq === 4) cancel = true;
        queueMicrotask(() => streamer.acknowledged(m.seq));
      }
    }, 10, 2);
    expect(await streamer.stream(file('y'.repeat(500)), 'f', { cancelled: () => cancel })).toBe('cancelled');
    expect(posted.filter((m) => m.type === 'loadTraceChunk')).toHaveLength(5);
    expect(posted[posted.length - 1]).toEqual({ type: 'loadTraceEnd', cancelled: true });
  });

  it('an abort (the page went away) ends the stream without waiting for acknowledgements that will not come', async () => {
    const posted: ToWebview[] = [];
    const streamer = new TraceStreamer((m) => posted.push(m), 10, 1);
    const done = streamer.stream(file('z'.repeat(100)), 'f', { cancelled: () => false });
    await vi.waitFor(() => expect(posted).toHaveLength(1));
    streamer.abort();
    expect(await done).toBe('aborted');
    expect(posted.some((m) => m.type === 'loadTraceEnd')).toBe(false);
  });
});
