import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agent } from './harness';

describe('the built agent bundle', () => {
  it('loads none of the modules ws would use only for wss:// or compression', () => {
    // Together they cost every recorded process's transport worker 0.4 MB of RSS (README, Overhead).
    const source = readFileSync(agent, 'utf8');
    const required = new Set([...source.matchAll(/require\("(?:node:)?([a-z_/]+)"\)/g)].map((m) => m[1]));
    for (const unused of ['https', 'tls', 'zlib']) expect(required.has(unused)).toBe(false);
    // ws itself is in the bundle, with its client.
    expect(required.has('net')).toBe(true);
    expect(source).toContain('is not bundled into the Loopscope agent');
  });
});
