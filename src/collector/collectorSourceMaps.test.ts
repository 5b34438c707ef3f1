import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, TOKEN_HEADER, type WireFrame } from '../../agent/protocol';
import { Collector } from './collector';
import type { Session } from './sessionStore';

const collectors: Collector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((c) => c.close()));
});

/** A frame at the emitted line of a tsc build written to a temp folder, and the .ts line it maps to (3). */
function emittedFrame(): WireFrame {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-csm-'));
  const source = 'interface A { a: number }\nexport function spin(): void {\n  for (;;) tick();\n}\nfunction tick(): void {}\n';
  const out = ts.transpileModule(source, { fileName: 'spin.ts', compilerOptions: { sourceMap: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } });
  writeFileSync(path.join(dir, 'spin.js'), out.outputText);
  writeFileSync(path.join(dir, 'spin.js.map'), out.sourceMapText!);
  const lines = out.outputText.split('\n');
  const line = lines.findIndex((l) => l.includes('tick()')) + 1;
  return { functionName: 'spin', url: path.join(dir, 'spin.js'), lineNumber: line, columnNumber: lines[line - 1].indexOf('tick()') + 1 };
}

/** Sends hello, a stall at `frame`, a site at `frame` and bye in one go; resolves with the session once it ended. */
async function sendStallThenBye(c: Collector, frame: WireFrame): Promise<{ session: Session; stallsWhenEnded: number }> {
  const ended = new Promise<{ session: Session; stallsWhenEnded: number }>((resolve) =>
    c.store.once('ended', (session) => resolve({ session, stallsWhenEnded: session.stalls.length })));
  const ws = new WebSocket(c.url, { headers: { [TOKEN_HEADER]: c.token } });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const send = (m: object) => ws.send(JSON.stringify(m));
  send({ t: 'hello', v: PROTOCOL_VERSION, pid: 7, ppid: 1, tid: 0, isMainThread: true, nodeVersion: 'v20', argv: ['node', 'spin.js'], title: 'node', startedAt: 1, stallThresholdMs: 50 });
  send({ t: 'stall', ts: 10, dur: 100_000, stack: [frame], captured: 'interrupt' });
  send({ t: 'site', asyncId: 5, ...frame });
  send({ t: 'bye', ts: 20 });
  const result = await ended;
  ws.close();
  return result;
}

describe('collector and source maps', () => {
  it('stores stall and site frames mapped, and the stall before the goodbye that ends the session', async () => {
    const c = await Collector.start();
    collectors.push(c);
    const frame = emittedFrame();
    const { session, stallsWhenEnded } = await sendStallThenBye(c, frame);
    expect(stallsWhenEnded).toBe(1);
    const tsFile = path.join(path.dirname(frame.url), 'spin.ts');
    expect(session.stalls[0].stack[0]).toEqual({ functionName: 'spin', url: tsFile, lineNumber: 3, columnNumber: 12, generated: { url: frame.url, lineNumber: frame.lineNumber, columnNumber: frame.columnNumber } });
    expect(session.sites.get(5)).toMatchObject({ asyncId: 5, url: tsFile, lineNumber: 3, generated: { url: frame.url } });
  });

  it('keeps frames as they ran with sourceMaps: false', async () => {
    const c = await Collector.start({ sourceMaps: false });
    collectors.push(c);
    const frame = emittedFrame();
    const { session } = await sendStallThenBye(c, frame);
    expect(session.stalls[0].stack[0]).toEqual(frame);
  });

  it('drops a malformed generated position an agent sent, keeping the frame', async () => {
    const c = await Collector.start();
    collectors.push(c);
    const frame = { functionName: 'f', url: 'node:internal/timers', lineNumber: 1, columnNumber: 1 };
    const { session } = await sendStallThenBye(c, { ...frame, generated: 'nonsense' as never });
    expect(session.stalls[0].stack[0]).toEqual(frame);
  });
});
