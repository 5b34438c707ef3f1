import { describe, expect, it } from 'vitest';
import { createAgentControl } from './attachControl';

/** A control over a fake recorder that logs what happened. */
function control() {
  const log: string[] = [];
  const parse = (raw: string) => (raw.startsWith('{') ? raw : undefined);
  const begin = (config: string, attached: boolean) => {
    log.push(`begin ${config} ${attached}`);
    return async () => {
      log.push('stopped');
    };
  };
  return { log, c: createAgentControl(parse, begin) };
}

describe('createAgentControl', () => {
  it('starts one recording at a time, stops it, and can start again', async () => {
    const { log, c } = control();
    expect(c.recording).toBe(false);
    expect(await c.stop()).toBe('not recording');
    expect(c.start('nonsense')).toBe('bad config');
    expect(c.start('{a}', { attached: true })).toBe('started');
    expect(c.recording).toBe(true);
    expect(c.start('{b}')).toBe('already recording');
    expect(await c.stop()).toBe('stopped');
    expect(c.start('{c}')).toBe('started');
    expect(log).toEqual(['begin {a} true', 'stopped', 'begin {c} false']);
  });

  it('counts a recording started from the environment', () => {
    const { c } = control();
    c.startWith('{env}');
    expect(c.start('{a}')).toBe('already recording');
  });

  it('begins only when `first` is done, and a stop before that cancels the start', async () => {
    const { log, c } = control();
    let done: (() => void) | undefined;
    expect(c.start('{a}', { first: (d) => (done = d) })).toBe('started');
    expect(log).toEqual([]);
    expect(c.start('{b}')).toBe('already recording');
    done!();
    done!(); // once only
    expect(log).toEqual(['begin {a} false']);
    expect(await c.stop()).toBe('stopped');
    expect(log).toEqual(['begin {a} false', 'stopped']);

    expect(c.start('{x}', { first: (d) => (done = d) })).toBe('started');
    expect(await c.stop()).toBe('stopped');
    done!();
    expect(log).toEqual(['begin {a} false', 'stopped']); // cancelled: never began
  });

  it('still begins when `first` throws, and answers "failed" when beginning throws', () => {
    const { log, c } = control();
    expect(c.start('{a}', { first: () => { throw new Error('x'); } })).toBe('started');
    expect(log).toEqual(['begin {a} false']);
    const broken = createAgentControl((r) => r, () => { throw new Error('no worker'); });
    expect(broken.start('{}')).toBe('failed');
    expect(broken.recording).toBe(false);
  });
});
