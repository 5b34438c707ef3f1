import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore, type Session } from '../../src/collector/sessionStore';
import { writeRecording, serializeTrace } from '../../src/collector/recording';
import { CollectorHost } from '../../src/vscode/collectorHost';
import type { SessionsModel } from '../../src/host/sessionsModel';
import type { Settings } from '../../src/vscode/settings';
import { parseTrace } from '../../webview/traceParser';
import { agent, waitFor } from './harness';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** The extension's collector host, outside VS Code: it only needs the store and a place to warn. */
function host(): { host: CollectorHost; store: SessionStore; warnings: string[] } {
  const store = new SessionStore();
  const warnings: string[] = [];
  const model = { store, warn: (m: string) => warnings.push(m) } as unknown as SessionsModel;
  const h = new CollectorHost(model, agent, () => ({ stallThresholdMs: 50, trackPromises: false }) as Settings);
  cleanups.push(() => h.dispose());
  return { host: h, store, warnings };
}

/** Starts `script` with the agent pointed at the host; `progress()` is the last number it printed. */
async function start(h: CollectorHost, script: string) {
  const env = await h.agentEnv({ ...process.env });
  const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.resume();
  cleanups.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const exit = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const progress = () => Math.max(0, ...out.split('\n').map(Number).filter(Number.isFinite));
  return { exit, progress };
}

const ended = (store: SessionStore) => waitFor(() => { const [s] = store.list(); return s && !s.live && s.endReason === undefined ? s : undefined; }, 'the session to end with a goodbye', 30_000);
const timeouts = (s: Session) => s.chunks.reduce((n, c) => n + c.typeId.filter((t) => s.resourceTypes[t] === 'Timeout').length, 0);

describe('the collector killed and restarted under the extension while a process streams', () => {
  it('a short outage loses nothing: the agent reconnects to the same port and token and replays its backlog, and no gap is recorded', async () => {
    const { host: h, store } = host();
    const first = await h.ready();
    const firstUrl = first.url;
    const p = await start(h, 'let n = 0; const t = setInterval(() => { console.log(++n); if (n === 300) clearInterval(t); }, 5);');
    await waitFor(() => store.list()[0]?.eventCount > 20, 'data at the first collector');
    const second = await h.restart(async () => {
      const at = p.progress();
      await waitFor(() => p.progress() >= at + 60, 'the program to run on while the collector is away');
    });
    expect(second.url).toBe(firstUrl);
    expect(second.token).toBe(first.token);
    expect(await p.exit).toBe(0);
    const s = await ended(store);
    expect(store.list()).toHaveLength(1);
    expect(timeouts(s)).toBeGreaterThanOrEqual(299);
    expect(s.gaps).toEqual([]);
  });

  it('an outage longer than the backlog holds is recorded as a gap ("not recorded") in the session, the recording and the timeline', async () => {
    const { host: h, store } = host();
    await h.ready();
    // About 40 bytes a dispatch: 1.5M hops while the collector is away outgrow the agent's 16 MB backlog.
    const flood = 'let n = 0; const t0 = Date.now(); const hop = () => { if (++n % 50000 === 0) { console.log(n); if (Date.now() - t0 > 40000) return; } setImmediate(hop); }; setImmediate(hop);';
    const p = await start(h, flood);
    await waitFor(() => store.list()[0]?.eventCount > 50_000, 'data at the first collector');
    const closedAt = Date.now() * 1000;
    let reopenedAt = 0;
    await h.restart(async () => {
      const at = p.progress();
      await waitFor(() => p.progress() >= at + 1_500_000, 'the program to run on while the collector is away', 60_000);
      reopenedAt = Date.now() * 1000;
    });
    await waitFor(() => store.list()[0]?.gaps.length > 0, 'a gap to be recorded', 30_000).catch((e) => {
      const x = store.list()[0];
      throw new Error(`${e}: live ${x.live} gapFrom ${x.gapFrom} events ${x.eventCount} dropped ${x.droppedByAgent} progress ${p.progress()}`);
    });
    const s = store.list()[0];
    const [gap] = s.gaps;
    expect(s.droppedByAgent).toBeGreaterThan(0);
    // The gap starts where the data before the break ended and lies inside the outage.
    expect(gap.ts).toBeGreaterThan(closedAt - 2_000_000);
    expect(gap.ts).toBeLessThan(closedAt + 1);
    expect(gap.ts + gap.dur).toBeLessThan(reopenedAt + 10_000_000);
    expect(gap.dur).toBeGreaterThan(250_000);

    const trace = writeRecording(store.list());
    const gapEvents = trace.traceEvents.filter((e) => e.cat === 'loopscope.gap');
    expect(gapEvents).toEqual([{ ph: 'X', cat: 'loopscope.gap', name: 'not recorded', pid: s.info.pid, tid: s.info.tid + 1, ts: gap.ts, dur: gap.dur }]);
    const shown = parseTrace([...serializeTrace(trace)].join(''));
    expect(shown.messages.filter((m) => m.type === 'gaps')).toEqual([{ type: 'gaps', sessionId: `${s.info.pid}:${s.info.tid + 1}`, gaps: [{ ts: gap.ts, dur: gap.dur }] }]);
  });
});
