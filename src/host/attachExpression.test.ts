import { describe, expect, it } from 'vitest';
import { attachExpression, withTimeout } from './attachExpression';

describe('attachExpression', () => {
  it('sets the config before requiring the agent, with any path quoted safely', () => {
    const path = "/tmp/it's a \"dir\"/agent.js";
    const expr = attachExpression(path, '{"url":"ws://127.0.0.1:1"}');
    const seen: string[] = [];
    const env: Record<string, string> = {};
    // Evaluate with a stand-in require, as the debuggee would.
    const fn = new Function('require', 'process', `return ${expr}`);
    const result = fn((p: string) => seen.push(`${p}|${env.LOOPSCOPE_AGENT}`), { env, pid: 42 });
    expect(seen).toEqual([`${path}|{"url":"ws://127.0.0.1:1"}`]);
    expect(result).toBe('loopscope agent loaded in 42');
  });
});

describe('withTimeout', () => {
  it('rejects a promise that never settles', async () => {
    await expect(withTimeout(new Promise(() => {}), 20, 'evaluate')).rejects.toThrow('evaluate did not answer within 20 ms');
    await expect(withTimeout(Promise.resolve(3), 20, 'x')).resolves.toBe(3);
  });
});
