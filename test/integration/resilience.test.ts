import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Collector } from '../../src/collector/collector';
import { agentEnvironment } from '../../src/collector/agentEnv';
import { agent, fixtures, markedLines, recordFixture, run, waitFor } from './harness';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('the agent under pressure', () => {
  it('memory stays bounded when the collector stops reading', async () => {
    // A collector that takes the connection and then reads nothing: the agent's socket backs up.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    let received = '';
    server.on('connection', (ws) => {
      ws.once('message', (m) => {
        received = String(m);
        (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      });
    });
    cleanups.push(() => new Promise<void>((r) => { for (const c of server.clients) c.terminate(); server.close(() => r()); }));
    const port = (server.address() as { port: number }).port;
    const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-flood-')), 'r.json');
    const env = agentEnvironment({ ...process.env, FIXTURE_REPORT: report, FLOOD_EVENTS: '1200000' }, { agentPath: agent, url: `ws://127.0.0.1:${port}`, token: 'x'.repeat(32) });
    const plainEnv = { ...process.env, FIXTURE_REPORT: report + '.plain', FLOOD_EVENTS: '1200000' };
    const plain = await run(process.execPath, [path.join(fixtures, 'eventFlood.js')], { env: plainEnv });
    const r = await run(process.execPath, [path.join(fixtures, 'eventFlood.js')], { env });
    expect(plain.code).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(received).toContain('"t":"hello"');
    const withAgent = JSON.parse(readFileSync(report, 'utf8')) as { events: number; peakRssMb: number };
    const without = JSON.parse(readFileSync(report + '.plain', 'utf8')) as { events: number; peakRssMb: number };
    // Unbounded, 1.2M dispatches (40 bytes each, 48 MB) would outgrow the 16 MB backlog 3 times.
    const figures = JSON.stringify({ withAgent, without });
    expect(withAgent.events, figures).toBeGreaterThanOrEqual(1_200_000);
    expect(withAgent.peakRssMb - without.peakRssMb, figures).toBeLessThan(90);
  });

  it('every dispatch of a flood is delivered or counted as dropped', async () => {
    const c = await Collector.start();
    cleanups.push(() => c.close());
    const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-flood-')), 'r.json');
    const env = agentEnvironment({ ...process.env, FLOOD_MS: '3000', FIXTURE_REPORT: report }, { agentPath: agent, url: c.url, token: c.token });
    const r = await run(process.execPath, [path.join(fixtures, 'eventFlood.js')], { env });
    expect(r.code).toBe(0);
    await waitFor(() => c.store.list().length === 1 && !c.store.list()[0].live, 'the session to end');
    const [s] = c.store.list();
    const { events } = JSON.parse(readFileSync(report, 'utf8')) as { events: number };
    const immediates = s.chunks.reduce((n, ch) => n + ch.typeId.filter((t) => s.resourceTypes[t] === 'Immediate').length, 0);
    // Every hop but the last (which is still running when the report is written) is accounted for:
    // delivered, dropped by the agent, or dropped by the store past its 2M-event limit (a fast
    // agent on a quiet machine floods past it in 3 s; the store drops the oldest first).
    expect(immediates + s.droppedByAgent + s.droppedByStore, JSON.stringify({ events, immediates, agent: s.droppedByAgent, store: s.droppedByStore })).toBeGreaterThanOrEqual(events - 1);
  });

  it('retries quietly and carries on in the same session when the collector comes back', async () => {
    const first = await Collector.start();
    const { token } = first;
    const port = Number(new URL(first.url).port);
    const script = 'let n = 0; const t = setInterval(() => { if (++n === 150) clearInterval(t); }, 20);';
    const env = agentEnvironment({ ...process.env }, { agentPath: agent, url: first.url, token });
    const child = run(process.execPath, ['-e', script], { env });
    await waitFor(() => first.store.list()[0]?.eventCount > 5, 'the first collector to get data');
    await first.close();
    const second = await Collector.start({ port, token });
    cleanups.push(() => second.close());
    const r = await child;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    await waitFor(() => second.store.list().length === 1 && !second.store.list()[0].live, 'the session to end at the second collector');
    expect(second.store.list()[0].eventCount).toBeGreaterThan(0);
  });

  it('refuses to speak with a wrong token: the collector warns, the program is unharmed', async () => {
    const c = await Collector.start();
    cleanups.push(() => c.close());
    const warnings: string[] = [];
    c.on('warning', (w) => warnings.push(w));
    const env = agentEnvironment({ ...process.env }, { agentPath: agent, url: c.url, token: 'f'.repeat(32) });
    const r = await run(process.execPath, ['-e', 'console.log("ok")'], { env });
    expect(r.stdout).toBe('ok\n');
    expect(r.code).toBe(0);
    expect(c.store.list()).toHaveLength(0);
    expect(warnings.some((w) => w.includes('401 Unauthorized'))).toBe(true);
  });
});

describe('creation sites', () => {
  it('a callback that ran long has the creation site of its next resources reported', async () => {
    const r = await recordFixture('slowRepeat.js');
    expect(r.code, r.stderr).toBe(0);
    const sites = r.trace.traceEvents.filter((e) => e.cat === 'loopscope.site');
    expect(sites.length).toBeGreaterThanOrEqual(2);
    const [line] = markedLines('slowRepeat.js', 'SITE');
    for (const s of sites) {
      expect(String(s.args!.url)).toContain('slowRepeat.js');
      expect(s.args!.lineNumber).toBe(line);
    }
    const slowIds = new Set(r.dispatches.filter((d) => d.dur! > 50_000).map((d) => d.args!.asyncId));
    expect(sites.some((s) => slowIds.has(s.args!.asyncId))).toBe(true);
  });
});
