import { describe, expect, it } from 'vitest';
import { injectionDecision, parseEnvFile, withAgent, type AgentEnvBuilder, type LaunchConfig } from './launchConfig';

const build: AgentEnvBuilder = (base) => ({ ...base, NODE_OPTIONS: `${base.NODE_OPTIONS ? base.NODE_OPTIONS + ' ' : ''}--require "/ext dir/agent.js"`, LOOPSCOPE_AGENT: '{"url":"ws://x"}' });
const launch = (over: Partial<LaunchConfig> = {}): LaunchConfig => ({ type: 'pwa-node', request: 'launch', name: 'app', program: '/w/app.js', ...over });

describe('injectionDecision', () => {
  it('injects node, pwa-node and node-terminal launches by default', () => {
    for (const type of ['node', 'pwa-node', 'node-terminal']) expect(injectionDecision(launch({ type }), true)).toEqual({ inject: true });
  });
  it('skips attach, other debuggers, js-debug child sessions and opted-out configs', () => {
    expect(injectionDecision(launch({ request: 'attach' }), true).inject).toBe(false);
    expect(injectionDecision(launch({ type: 'python' }), true).inject).toBe(false);
    expect(injectionDecision(launch({ __pendingTargetId: 'abc' }), true).inject).toBe(false);
    expect(injectionDecision(launch({ loopscope: false }), true).inject).toBe(false);
  });
  it('honours the setting, and a per-config opt-in over it', () => {
    expect(injectionDecision(launch(), false).inject).toBe(false);
    expect(injectionDecision(launch({ loopscope: true }), false).inject).toBe(true);
  });
});

describe('withAgent', () => {
  it('keeps the user env and extends their NODE_OPTIONS', () => {
    const out = withAgent(launch({ env: { FOO: 'bar', NODE_OPTIONS: '--max-old-space-size=4096' } }), { processEnv: {} }, build);
    expect(out.env).toEqual({ FOO: 'bar', NODE_OPTIONS: '--max-old-space-size=4096 --require "/ext dir/agent.js"', LOOPSCOPE_AGENT: '{"url":"ws://x"}' });
  });
  it('falls back to the envFile, then the inherited NODE_OPTIONS', () => {
    expect(withAgent(launch(), { processEnv: { NODE_OPTIONS: '--inspect-publish-uid=http' } }, build).env?.NODE_OPTIONS)
      .toBe('--inspect-publish-uid=http --require "/ext dir/agent.js"');
    expect(withAgent(launch(), { processEnv: { NODE_OPTIONS: '--a' }, envFileValues: { NODE_OPTIONS: '--b' } }, build).env?.NODE_OPTIONS)
      .toBe('--b --require "/ext dir/agent.js"');
  });
  it('treats env NODE_OPTIONS: null as unset', () => {
    expect(withAgent(launch({ env: { NODE_OPTIONS: null } }), { processEnv: { NODE_OPTIONS: '--a' } }, build).env?.NODE_OPTIONS)
      .toBe('--require "/ext dir/agent.js"');
  });
  it('injects once when resolved twice (node, then pwa-node)', () => {
    const once = withAgent(launch({ type: 'node' }), { processEnv: {} }, build);
    const twice = withAgent({ ...once, type: 'pwa-node' }, { processEnv: {} }, build);
    expect(twice.env).toEqual(once.env);
  });
  it('does not mutate the input config', () => {
    const config = launch({ env: { A: '1' } });
    withAgent(config, { processEnv: {} }, build);
    expect(config.env).toEqual({ A: '1' });
  });
});

describe('parseEnvFile', () => {
  it('reads names, quotes and comments like dotenv', () => {
    expect(parseEnvFile('# c\nNODE_OPTIONS="--require /a b.js"\nexport X=1\nY=\'two words\'\n\nbad line')).toEqual({ NODE_OPTIONS: '--require /a b.js', X: '1', Y: 'two words' });
  });
});
