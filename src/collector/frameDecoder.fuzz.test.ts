import { describe, expect, it } from 'vitest';
import { decodeDispatchFrame, decodeTextFrame, ProtocolError } from './frameDecoder';
import { encodeDispatchFrame } from '../../agent/protocol';

/** A small deterministic PRNG so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const validTexts = [
  '{"t":"hello","v":1,"pid":1,"ppid":0,"tid":0,"isMainThread":true,"nodeVersion":"v20","argv":["node"],"title":"n","startedAt":1,"stallThresholdMs":50}',
  '{"t":"types","from":0,"names":["A","B"]}',
  '{"t":"stall","ts":1,"dur":2,"stack":[{"functionName":"f","url":"/a","lineNumber":1,"columnNumber":2}],"captured":"interrupt"}',
  '{"t":"loop","ts":1,"p50":1,"p99":2,"max":3,"utilization":0.5}',
  '{"t":"gc","ts":1,"dur":2,"kind":"minor"}',
  '{"t":"site","asyncId":3,"functionName":"f","url":"/a","lineNumber":1,"columnNumber":2}',
  '{"t":"dropped","count":4}',
  '{"t":"bye","ts":5}',
];

describe('frame decoder fuzzing', () => {
  it('survives 1,000,000 random and mutated frames: a value or a ProtocolError, nothing else', () => {
    const random = rng(20261130);
    const validBinary = new Uint8Array(encodeDispatchFrame(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0, 2).buffer);
    // Stack capture dominates the cost of a million rejections and says nothing about the decoder.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let rejected = 0;
    const decode = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        rejected++;
        if (!(e instanceof ProtocolError)) throw e;
      }
    };
    try {
    for (let i = 0; i < 1_000_000; i++) {
      const kind = i % 4;
      if (kind === 0) {
        // Mutate a valid text frame: flip, insert or delete characters.
        const base = validTexts[Math.floor(random() * validTexts.length)];
        const chars = base.split('');
        const edits = 1 + Math.floor(random() * 4);
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(random() * chars.length);
          const op = random();
          if (op < 0.4) chars[at] = String.fromCharCode(32 + Math.floor(random() * 95));
          else if (op < 0.7) chars.splice(at, 1);
          else chars.splice(at, 0, '{["0-1e9".'[Math.floor(random() * 10)]);
        }
        decode(() => decodeTextFrame(chars.join('')));
      } else if (kind === 1) {
        const length = Math.floor(random() * 64);
        let text = '';
        for (let c = 0; c < length; c++) text += String.fromCharCode(Math.floor(random() * 128));
        decode(() => decodeTextFrame(text));
      } else if (kind === 2) {
        const bytes = validBinary.slice();
        const flips = 1 + Math.floor(random() * 6);
        for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        const cut = random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length;
        decode(() => decodeDispatchFrame(bytes.subarray(0, cut)));
      } else {
        const bytes = new Uint8Array(Math.floor(random() * 96));
        for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(random() * 256);
        decode(() => decodeDispatchFrame(bytes));
      }
    }
    } finally {
      Error.stackTraceLimit = limit;
    }
    // Most inputs are garbage and must be refused; some mutations stay valid and must decode.
    expect(rejected).toBeGreaterThan(600_000);
    expect(rejected).toBeLessThan(1_000_000);
  });

  it('decodes every valid frame it is given', () => {
    for (const t of validTexts) expect(decodeTextFrame(t).t).toBe(JSON.parse(t).t);
    const batch = decodeDispatchFrame(new Uint8Array(encodeDispatchFrame(new Float64Array([1, 2, 3, 4, 5]), 0, 1).buffer));
    expect(Array.from(batch.records)).toEqual([1, 2, 3, 4, 5]);
  });
});
