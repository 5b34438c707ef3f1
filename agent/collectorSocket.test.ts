/* eslint-disable @typescript-eslint/no-explicit-any */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { CollectorSocket } from './collectorSocket';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function server(verify?: (headers: Record<string, string | string[] | undefined>) => boolean): Promise<{ url: string; wss: WebSocketServer }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: verify ? (info: { req: { headers: Record<string, string | string[] | undefined> } }) => verify(info.req.headers) : undefined });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, wss };
}

/** Resolves with the arguments of the emitter's next `event`. */
const until = <T>(emitter: { once(e: string, f: (...a: any[]) => void): unknown }, event: string) => new Promise<T>((r) => emitter.once(event, (...a: unknown[]) => r(a as T)));

describe('CollectorSocket (the agent\'s WebSocket client) against ws', () => {
  it('sends its headers, then text and binary frames of every length class intact', async () => {
    const { url, wss } = await server((h) => h['x-loopscope-token'] === 'secret');
    const got: (string | Buffer)[] = [];
    const connected = until<[WebSocket]>(wss, 'connection');
    const s = new CollectorSocket(url, { headers: { 'x-loopscope-token': 'secret' }, handshakeTimeout: 5000 });
    await until(s, 'open');
    const [peer] = await connected;
    peer.on('message', (m, isBinary) => got.push(isBinary ? Buffer.from(m as Buffer) : String(m)));
    const small = new Float64Array([1, 2, 3]);
    const medium = new Float64Array(1000).map((_, i) => i * 1.5);
    const large = new Float64Array(100_000).map((_, i) => i);
    s.send('{"t":"hello"}');
    s.send(small);
    s.send(medium);
    s.send(large);
    s.send('x'.repeat(70_000));
    while (got.length < 5) await new Promise((r) => setTimeout(r, 5));
    expect(got[0]).toBe('{"t":"hello"}');
    expect(new Float64Array(new Uint8Array(got[1] as Buffer).buffer)).toEqual(small);
    expect(new Float64Array(new Uint8Array(got[2] as Buffer).buffer)).toEqual(medium);
    expect(new Float64Array(new Uint8Array(got[3] as Buffer).buffer)).toEqual(large);
    expect(got[4]).toHaveLength(70_000);
    expect(s.bufferedAmount).toBe(0);
    s.close();
  });

  it('answers a ping, and closes once when the server closes', async () => {
    const { url, wss } = await server();
    const connected = until<[WebSocket]>(wss, 'connection');
    const s = new CollectorSocket(url, { headers: {}, handshakeTimeout: 5000 });
    let closes = 0;
    s.on('close', () => closes++);
    await until(s, 'open');
    const [peer] = await connected;
    const pong = until<[Buffer]>(peer, 'pong');
    peer.ping(Buffer.from('abc'));
    expect(String((await pong)[0])).toBe('abc');
    const closed = until(s, 'close');
    peer.close(1000);
    await closed;
    await new Promise((r) => setTimeout(r, 20));
    expect(closes).toBe(1);
  });

  it('a refused upgrade (wrong token) is an error and a close, never an open', async () => {
    const { url } = await server(() => false);
    const s = new CollectorSocket(url, { headers: { 'x-loopscope-token': 'wrong' }, handshakeTimeout: 5000 });
    let opened = false;
    s.on('open', () => (opened = true));
    const errored = until<[Error]>(s, 'error');
    const closed = until(s, 'close');
    const [err] = await errored;
    expect(err.message).toMatch(/unexpected response HTTP\/1\.1 401/);
    await closed;
    expect(opened).toBe(false);
  });

  it('nobody listening is an error and a close', async () => {
    const { url, wss } = await server();
    await new Promise((r) => wss.close(r));
    servers.splice(0);
    const s = new CollectorSocket(url, { headers: {}, handshakeTimeout: 5000 });
    s.on('error', () => {});
    await until(s, 'close');
  });
});
