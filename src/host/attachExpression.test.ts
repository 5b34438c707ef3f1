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

  it('hands the agent the inspector close to run before it starts, when asked', () => {
    const seen: string[] = [];
    const global: Record<symbol, unknown> = {};
    let first: (() => void) | undefined;
    const require = (p: string) => {
      if (p === 'node:inspector') return { close: () => seen.push('inspector closed') };
      global[KEY] = { start: (_c: string, o: { first?: () => void }) => ((first = o.first), 'started') };
      return {};
    };
    expect(parseAgentReply(evaluate(agentStartExpression('/a/agent.js', '{}', { closeInspector: true }), { require, process: { pid: 1 }, global })).status).toBe('started');
    expect(seen).toEqual([]); // not while the evaluation that asked is still answering
    first?.();
    expect(seen).toEqual(['inspector closed']);
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
  it('takes the inspector module at once and closes it only after answering', () => {
    const seen: string[] = [];
    const require = (m: string) => (seen.push(`require ${m}`), { close: () => seen.push('close') });
    const later: (() => void)[] = [];
    const fn = new Function('require', 'process', 'setImmediate', `return ${inspectorCloseExpression()}`);
    const value = fn(require, { pid: 9 }, (f: () => void) => later.push(f));
    expect(parseAgentReply(value)).toEqual({ status: 'closing', pid: 9 });
    expect(seen).toEqual(['require node:inspector']);
    later.forEach((f) => f());
    expect(seen).toEqual(['require node:inspector', 'close']);
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
