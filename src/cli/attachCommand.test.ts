import { describe, expect, it } from 'vitest';
import { parseAttachArgs } from './attachCommand';

describe('parseAttachArgs', () => {
  it('reads the pid and the options in any order', () => {
    expect(parseAttachArgs(['123'])).toEqual({ pid: 123, output: undefined, stallThresholdMs: 50, promises: false });
    expect(parseAttachArgs(['-o', 'a.json', '--stall-threshold=20', '77', '--promises'])).toEqual({ pid: 77, output: 'a.json', stallThresholdMs: 20, promises: true });
  });

  it('says what is wrong', () => {
    expect(() => parseAttachArgs([])).toThrow('no process to attach to');
    expect(() => parseAttachArgs(['abc'])).toThrow('"abc" is not a process id');
    expect(() => parseAttachArgs(['1', '2'])).toThrow('"2" is not a process id');
    expect(() => parseAttachArgs(['1', '--bogus'])).toThrow('unknown option --bogus');
    expect(() => parseAttachArgs(['1', '--stall-threshold', '-5'])).toThrow('positive number');
    expect(() => parseAttachArgs(['1', '-o'])).toThrow('-o needs a file name');
  });
});
