// CollectorHost (src/vscode, but with a type-only vscode import) against the real collector: loopback
// URL, refusals and wrong protocol versions reach the model's warnings, and the agent env points here.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, TOKEN_HEADER } from '../../agent/protocol';
import { SessionStore } from '../collector/sessionStore';
import { CollectorHost } from '../vscode/collectorHost';
import { SessionsModel } from './sessionsModel';

const settings = () => ({ stallThresholdMs: 80, autoInject: true, trackPromises: false, storeLimits: { maxEvents: 1000, maxAgeMs: 1000 }, openTimeline: 'never' as const });
let host: CollectorHost | undefined;
afterEach(() => host?.dispose());

function connect(url: string, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('CollectorHost', () => {
  it('listens on loopback and builds an agent env with its url and token', async () => {
    const model = new SessionsModel(new SessionStore(), 10);
    host = new CollectorHost(model, '/opt/my ext/dist/agent.js', settings);
    const env = await host.agentEnv({ NODE_OPTIONS: '--inspect' });
    expect(host.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(env.NODE_OPTIONS).toBe('--inspect --require "/opt/my ext/dist/agent.js"');
    expect(JSON.parse(env.LOOPSCOPE_AGENT!)).toMatchObject({ url: host.url, stallThresholdMs: 80, promises: false });
  });

  it('surfaces a refused token and a wrong protocol version as warnings naming both versions', async () => {
    const model = new SessionsModel(new SessionStore(), 10);
    host = new CollectorHost(model, '/x/agent.js', settings);
    const c = await host.ready();
    await expect(connect(c.url, { [TOKEN_HEADER]: 'wrong' })).rejects.toThrow('401');
    const ws = await connect(c.url, { [TOKEN_HEADER]: c.token });
    const closed = new Promise((r) => ws.once('close', r));
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION + 1, pid: 1, ppid: 0, tid: 0, isMainThread: true, nodeVersion: 'v20', argv: [], title: 't', startedAt: 0, stallThresholdMs: 50 }));
    await closed;
    expect(model.warnings[0]).toMatch(/refused/);
    expect(model.warnings.join('\n')).toContain(`version ${PROTOCOL_VERSION + 1}`);
    expect(model.warnings.join('\n')).toContain(`version ${PROTOCOL_VERSION}`);
  });
});
