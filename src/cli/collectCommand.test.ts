import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECT_PORT, defaultStateFile, envLines, parseCollectArgs, readCollectState, waitForState, type CollectState } from './collectCommand';

const state: CollectState = { url: 'ws://127.0.0.1:7453', token: 'ab'.repeat(16), pid: process.pid, agentPath: "/opt/it's here/dist/agent.js", stallThresholdMs: 80, promises: false };

describe('loopscope collect', () => {
  it('parses its options, with a fixed loopback port by default', () => {
    expect(parseCollectArgs([], { XDG_RUNTIME_DIR: '/run/user/1' })).toEqual({
      port: DEFAULT_COLLECT_PORT,
      stateFile: '/run/user/1/loopscope/collect.json',
      stallThresholdMs: 50,
      promises: false,
      otlp: false,
      prometheus: undefined,
      printEnv: false,
    });
    const a = parseCollectArgs(['--port=9000', '--otlp', '--prometheus', '0.0.0.0:9464', '--stall-threshold', '100', '--print-env'], {});
    expect(a).toMatchObject({ port: 9000, otlp: true, prometheus: { host: '0.0.0.0', port: 9464 }, stallThresholdMs: 100, printEnv: true });
    expect(defaultStateFile({})).toBe(path.join(os.homedir(), '.loopscope', 'collect.json'));
    expect(() => parseCollectArgs(['--port', 'x'])).toThrow(/--port needs a port number/);
    expect(() => parseCollectArgs(['--prometheus'])).toThrow(/--prometheus needs PORT/);
    expect(() => parseCollectArgs(['--bogus'])).toThrow(/unknown option --bogus/);
  });

  it('prints export lines a POSIX shell evaluates back to the exact NODE_OPTIONS and LOOPSCOPE_AGENT', () => {
    const lines = envLines(state, { NODE_OPTIONS: '--max-old-space-size=512' });
    const sh = spawnSync('sh', ['-c', `eval "$LINES"; printf '%s\\n%s' "$NODE_OPTIONS" "$LOOPSCOPE_AGENT"`], { env: { PATH: process.env.PATH, LINES: lines }, encoding: 'utf8' });
    const [nodeOptions, agent] = sh.stdout.split('\n');
    expect(nodeOptions).toBe(`--max-old-space-size=512 --require "/opt/it's here/dist/agent.js"`);
    expect(JSON.parse(agent)).toEqual({ url: state.url, token: state.token, stallThresholdMs: 80, promises: false });
  });

  it('says clearly when no daemon is running', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-collect-'));
    expect(() => readCollectState(path.join(dir, 'none.json'))).toThrow(/no loopscope collect is running .* start one with: loopscope collect &/);
    const file = path.join(dir, 'collect.json');
    writeFileSync(file, JSON.stringify({ ...state, pid: 2 ** 22 + 7 }));
    expect(() => readCollectState(file)).toThrow(/is not running/);
    writeFileSync(file, '{"x":1}');
    expect(() => readCollectState(file)).toThrow(/not a loopscope collect state file/);
    writeFileSync(file, JSON.stringify(state));
    expect(readCollectState(file)).toEqual(state);
  });

  it('waits a moment for a daemon that is still starting, then reads its state', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-collect-')), 'collect.json');
    const reading = waitForState(file, 5_000);
    setTimeout(() => writeFileSync(file, JSON.stringify(state)), 100);
    await expect(reading).resolves.toEqual(state);
    await expect(waitForState(`${file}.none`, 100)).rejects.toThrow(/no loopscope collect is running/);
  });
});
