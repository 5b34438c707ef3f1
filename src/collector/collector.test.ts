import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Collector } from './collector';
import { DISPATCH_FRAME_MAGIC, PROTOCOL_VERSION, TOKEN_HEADER, encodeDispatchFrame, type HelloMessage } from '../../agent/protocol';

const collectors: Collector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((c) => c.close()));
});

async function start(): Promise<Collector> {
  const c = await Collector.start();
  collectors.push(c);
  return c;
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when it was accepted. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => {});
  });
}

const hello = (v = PROTOCOL_VERSION): HelloMessage => ({
  t: 'hello', v, pid: 42, ppid: 1, tid: 0, isMainThread: true, nodeVersion: 'v20', argv: ['node', 'a.js'], title: 'node', startedAt: 1, stallThresholdMs: 50,
});

async function connect(c: Collector): Promise<WebSocket> {
  const ws = new WebSocket(c.url, { headers: { [TOKEN_HEADER]: c.token } });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  return ws;
}

const closed = (ws: WebSocket) => new Promise<number>((r) => ws.once('close', (code) => r(code)));
const warned = (c: Collector) => new Promise<string>((r) => c.once('warning', r));

describe('collector', () => {
  it('listens on loopback only, with a 128-bit token', async () => {
    const c = await start();
    expect(c.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(c.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses a missing or wrong token with 401 and a browser Origin with 403', async () => {
    const c = await start();
    expect(await upgradeStatus(c.url, {})).toBe(401);
    expect(await upgradeStatus(c.url, { [TOKEN_HEADER]: 'f'.repeat(32) })).toBe(401);
    expect(await upgradeStatus(c.url, { [TOKEN_HEADER]: c.token, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(c.url, { [TOKEN_HEADER]: c.token })).toBe(101);
  });

  it('stores dispatches, stalls and samples of a well-behaved agent', async () => {
    const c = await start();
    const ws = await connect(c);
    ws.send(JSON.stringify(hello()));
    ws.send(JSON.stringify({ t: 'types', from: 0, names: ['UNKNOWN', 'Timeout'] }));
    ws.send(encodeDispatchFrame(new Float64Array([1, 7, 1, 1000, 20, 1, 8, 7, 2000, 30]), 0, 2));
    ws.send(JSON.stringify({ t: 'stall', ts: 3000, dur: 60000, stack: [{ functionName: 'f', url: '/a.js', lineNumber: 3, columnNumber: 5 }], captured: 'interrupt' }));
    ws.send(JSON.stringify({ t: 'bye', ts: 9000 }));
    await new Promise((r) => c.store.once('ended', r));
    const [s] = c.store.list();
    expect(s.eventCount).toBe(2);
    expect(s.resourceTypes[s.chunks[0].typeId[1]]).toBe('Timeout');
    expect(s.chunks[0].triggerAsyncId[1]).toBe(7);
    expect(s.stalls[0].stack[0].lineNumber).toBe(3);
    expect(s.endedAt).toBe(9000);
  });

  it('a malformed frame closes that connection only; the session keeps what it had', async () => {
    const c = await start();
    const good = await connect(c);
    good.send(JSON.stringify(hello()));
    const bad = await connect(c);
    bad.send(JSON.stringify({ ...hello(), pid: 43 }));
    bad.send(encodeDispatchFrame(new Float64Array([1, 1, 0, 5, 5]), 0, 1));
    await new Promise((r) => setTimeout(r, 0));
    const warning = warned(c);
    bad.send(Buffer.from([1, 2, 3]));
    expect(await closed(bad)).toBe(1008);
    expect(await warning).toMatch(/pid 43.*not a dispatch batch/);
    good.send(JSON.stringify({ t: 'loop', ts: 1, p50: 0, p99: 1, max: 2, utilization: 0.5 }));
    await new Promise((r) => c.store.once('updated', r));
    expect(good.readyState).toBe(WebSocket.OPEN);
    const badSession = c.store.list().find((s) => s.info.pid === 43)!;
    expect(badSession.live).toBe(false);
    expect(badSession.eventCount).toBe(1);
  });

  it('an agent of another protocol version gets a message naming both versions', async () => {
    const c = await start();
    const ws = await connect(c);
    const warning = warned(c);
    ws.send(JSON.stringify(hello(PROTOCOL_VERSION + 1)));
    expect(await warning).toContain(`protocol version ${PROTOCOL_VERSION + 1}, this collector speaks version ${PROTOCOL_VERSION}`);
    await closed(ws);
    expect(c.store.list()).toHaveLength(0);
  });

  it('an oversized frame closes the connection', async () => {
    const c = await start();
    const ws = await connect(c);
    ws.send(JSON.stringify(hello()));
    const big = new Float64Array(1_200_000);
    big[0] = DISPATCH_FRAME_MAGIC;
    ws.send(big);
    expect(await closed(ws)).toBe(1009);
  });
});
