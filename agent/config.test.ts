import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from './config';

const token = '0123456789abcdef0123456789abcdef';

describe('parseAgentConfig', () => {
  it('takes a ws:// collector with defaults filled in', () => {
    expect(parseAgentConfig(JSON.stringify({ url: 'ws://127.0.0.1:4000/agent', token }))).toEqual({
      url: 'ws://127.0.0.1:4000/agent', token, stallThresholdMs: 50, promises: false,
    });
  });

  it('keeps the agent off for what it cannot use, rather than failing inside the program', () => {
    // The agent's bundle has no TLS: a wss:// collector would fail on every connect.
    for (const raw of [undefined, '', '{', 'null', JSON.stringify({ url: 'wss://127.0.0.1:4000', token }), JSON.stringify({ url: 'http://x', token }), JSON.stringify({ url: 'ws://x' })]) {
      expect(parseAgentConfig(raw)).toBeUndefined();
    }
  });

  it('falls back to the default threshold for a threshold that is not a positive number', () => {
    for (const stallThresholdMs of [0, -5, 'x', null]) {
      expect(parseAgentConfig(JSON.stringify({ url: 'ws://h', token, stallThresholdMs }))?.stallThresholdMs).toBe(50);
    }
    expect(parseAgentConfig(JSON.stringify({ url: 'ws://h', token, stallThresholdMs: 20, promises: true }))).toMatchObject({ stallThresholdMs: 20, promises: true });
  });
});
