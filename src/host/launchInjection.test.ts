// Launch rewriting with the collector's real agentEnvironment: the NODE_OPTIONS it produces must load
// a module from a path with spaces and quotes, after the user's own options, in a real `node`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentEnvironment } from '../collector/agentEnv';
import { withAgent, type LaunchConfig } from './launchConfig';

describe('withAgent + agentEnvironment', () => {
  it('produces NODE_OPTIONS that node accepts, keeping the user options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopscope ext "q" '));
    const agentPath = join(dir, 'fake agent.js');
    const userPreload = join(dir, 'user.js');
    writeFileSync(agentPath, 'globalThis.loaded = (globalThis.loaded || []).concat("agent:" + process.env.LOOPSCOPE_AGENT);');
    writeFileSync(userPreload, 'globalThis.loaded = (globalThis.loaded || []).concat("user");');
    const config: LaunchConfig = { type: 'pwa-node', request: 'launch', env: { NODE_OPTIONS: `--require ${JSON.stringify(userPreload)}` } };
    const out = withAgent(config, { processEnv: {} }, (base) => agentEnvironment(base, { agentPath, url: 'ws://127.0.0.1:9', token: 't', stallThresholdMs: 75, promises: false }));
    const env = { ...process.env, ...out.env } as NodeJS.ProcessEnv;
    const printed = execFileSync(process.execPath, ['-e', 'console.log(JSON.stringify(globalThis.loaded))'], { env, encoding: 'utf8' });
    const loaded = JSON.parse(printed) as string[];
    expect(loaded[0]).toBe('user');
    expect(JSON.parse(loaded[1].slice('agent:'.length))).toEqual({ url: 'ws://127.0.0.1:9', token: 't', stallThresholdMs: 75, promises: false });
  });
});
