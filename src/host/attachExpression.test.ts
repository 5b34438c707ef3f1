import { describe, expect, it } from 'vitest';
import { agentStartExpression, agentStopExpression, attachExpression, inspectorCloseExpression, parseAgentReply, withTimeout } from './attachExpression';

const KEY = Symbol.for('loopscope.agent.control');

/** Evaluates `expr` as a debuggee would, with stand-ins for require, process and the global. */
function evaluate(expr: string, scope: { require?: unknown; process: unknown; global: Record<symbol, unknown> }): unknown {
  const fn = new Function('require', 'process', 'globalThis', 'setImmediate', `return ${expr}`);
  return fn(scope.require, scope.process, scope.global, (f: () => void) => f());
}

/** A global whose agent control records what it was asked. */
function fakeAgent(seen: string[]) {
  const global: Record<symbol, unknown> = {};
  const load = (p: string) => {
    seen.push(`require ${p}`);
    global[KEY] ??= {
      start: (config: string, options: unknown) => (seen.push(`start ${config} ${JSON.stringify(options)}`), 'started'),
      stop: () => (seen.push('stop'), Promise.resolve('stopped')),
    };
  };
  return { global, load };
}

describe('attachExpression', () => {
  it('requires the agent with any path quoted safely, then starts it with the config', () => {
    const path = "/tmp/it's a \"dir\"/agent.js";
    const seen: string[] = [];
    const { global, load } = fakeAgent(seen);
    const result = evaluate(attachExpression(path, '{"url":"ws://127.0.0.1:1"}'), { require: load, process: { pid: 42 }, global });
    expect(seen).toEqual([`require ${path}`, 'start {"url":"ws://127.0.0.1:1"} {"attached":true}']);
    expect(result).toBe('loopscope agent started in 42');
  });

  it('finds a require through process.getBuiltinModule where none is in scope (an ES module)', () => {
    const seen: string[] = [];
    const { global, load } = fakeAgent(seen);
    const process = { pid: 7, getBuiltinModule: (m: string) => (seen.push(`builtin ${m}`), { createRequire: (anchor: string) => (seen.push(`anchor ${anchor}`), load) }) };
    const reply = parseAgentReply(evaluate(agentStartExpression('/a/agent.js', '{}'), { process, global }));
    expect(reply).toEqual({ status: 'started', pid: 7 });
    expect(seen).toEqual(['builtin node:module', 'anchor /a/agent.js', 'require /a/agent.js', 'start {} {"attached":true}']);
  });

  it('hands the agent an inspector close to run before it starts, when asked', () => {
    const seen: string[] = [];
    const global: Record<symbol, unknown> = {};
    let first: ((done: () => void) => void) | undefined;
    const require = (p: string) => {
      if (p === 'node:inspector' || p === 'node:fs') return {};
      global[KEY] = { start: (_c: string, o: { first?: (done: () => void) => void }) => ((first = o.first), seen.push('start'), 'started') };
      return {};
    };
    expect(parseAgentReply(evaluate(agentStartExpression('/a/agent.js', '{}', { closeInspector: true }), { require, process: { pid: 1 }, global })).status).toBe('started');
    expect(typeof first).toBe('function');
    evaluate(agentStartExpression('/a/agent.js', '{}'), { require, process: { pid: 1 }, global });
    expect(first).toBeUndefined();
  });

  it('says when the agent did not leave its control object', () => {
    const reply = parseAgentReply(evaluate(agentStartExpression('/a/agent.js', '{}'), { require: () => {}, process: { pid: 3 }, global: {} }));
    expect(reply).toEqual({ status: 'not loaded', pid: 3 });
  });
});

describe('agentStopExpression', () => {
  it('stops a loaded agent and answers for a process without one', async () => {
    const seen: string[] = [];
    const { global, load } = fakeAgent(seen);
    load('/a/agent.js');
    expect(parseAgentReply(await (evaluate(agentStopExpression(), { process: { pid: 5 }, global }) as Promise<string>))).toEqual({ status: 'stopped', pid: 5 });
    expect(seen).toContain('stop');
    expect(parseAgentReply(await (evaluate(agentStopExpression(), { process: { pid: 5 }, global: {} }) as Promise<string>))).toEqual({ status: 'not loaded', pid: 5 });
  });
});

describe('inspectorCloseExpression', () => {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  // The inspector listens on 127.0.0.1:9229 (0x240D); a client is connected to it while `connected`.
  const table = (connected: boolean) => header
    + '   0: 0100007F:240D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n'
    + (connected ? '   1: 0100007F:240D 0100007F:C0B6 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1\n' : '')
    + '   2: 0100007F:C0B7 0100007F:240D 06 00000000:00000000 00:00000000 00000000     0        0 0 3 0\n';

  it('closes the inspector only after no client has been connected for two reads in a row', () => {
    const seen: string[] = [];
    let connected = true;
    const timers: (() => void)[] = [];
    const require = (m: string) => m === 'node:inspector'
      ? { url: () => 'ws://127.0.0.1:9229/abc', close: () => seen.push('close') }
      : { readFileSync: (f: string) => (f.endsWith('tcp') ? table(connected) : header) };
    const fn = new Function('require', 'process', 'setTimeout', `return ${inspectorCloseExpression()}`);
    const value = fn(require, { pid: 9 }, (f: () => void) => (timers.push(f), { unref: () => seen.push('unref') }));
    expect(parseAgentReply(value)).toEqual({ status: 'closing', pid: 9 });
    const run = () => timers.shift()!();
    run();
    run(); // still connected: keeps waiting
    expect(seen.filter((x) => x === 'close')).toEqual([]);
    connected = false;
    run(); // quiet once
    expect(seen).not.toContain('close');
    run(); // quiet twice: close
    expect(seen).toContain('close');
    expect(timers).toHaveLength(0);
    expect(seen.filter((x) => x === 'unref').length).toBe(4); // never keeps the program alive
  });

  it('does nothing when the inspector is not open', () => {
    const timers: (() => void)[] = [];
    const require = (m: string) => (m === 'node:inspector' ? { url: () => undefined, close: () => { throw new Error('not open'); } } : { readFileSync: () => '' });
    const fn = new Function('require', 'process', 'setTimeout', `return ${inspectorCloseExpression()}`);
    fn(require, { pid: 9 }, (f: () => void) => (timers.push(f), { unref() {} }));
    timers.shift()!();
    expect(timers).toHaveLength(0);
  });
});

describe('parseAgentReply', () => {
  it('rejects anything that is not a reply', () => {
    expect(() => parseAgentReply(undefined)).toThrow('unexpected answer');
    expect(() => parseAgentReply('{"status":1}')).toThrow('unexpected answer');
  });
});

describe('withTimeout', () => {
  it('rejects a promise that never settles', async () => {
    await expect(withTimeout(new Promise(() => {}), 20, 'evaluate')).rejects.toThrow('evaluate did not answer within 20 ms');
    await expect(withTimeout(Promise.resolve(3), 20, 'x')).resolves.toBe(3);
  });
});
