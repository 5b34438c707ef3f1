import { describe, expect, it } from 'vitest';
import { LOOP_PHASES, phaseLabel, phaseOfDispatch, phaseOfType, phasesOf } from './loopPhase';

describe('loop phase from the resource type', () => {
  it.each([
    ['Timeout', 'timers', true],
    ['Immediate', 'check', true],
    ['TickObject', 'nextTick', true],
    ['PROMISE', 'promise', true],
    ['Microtask', 'microtask', true],
    ['TCPWRAP', 'poll', false],
    ['PIPEWRAP', 'poll', false],
    ['UDPWRAP', 'poll', false],
    ['HTTPINCOMINGMESSAGE', 'poll', false],
    ['FSREQCALLBACK', 'poll', false],
    ['GETADDRINFOREQWRAP', 'poll', false],
    ['ZLIB', 'poll', false],
    ['PBKDF2REQUEST', 'poll', false],
    ['SomethingNew', 'unknown', false],
  ] as const)('%s → %s (exact: %s)', (type, phase, exact) => {
    expect(phaseOfType(type)).toEqual({ phase, exact });
    expect(LOOP_PHASES).toContain(phase);
  });

  it('a stall outside any callback is a microtask, inferred', () => {
    expect(phaseOfType('')).toEqual({ phase: 'microtask', exact: false });
  });

  it('says when the phase is only inferred from the type', () => {
    expect(phaseLabel(phaseOfType('Timeout'))).toBe('timers');
    expect(phaseLabel(phaseOfType('TCPWRAP'))).toBe('poll (from the resource type)');
    expect(phaseLabel(phaseOfType('Mystery'))).toMatch(/^unknown/);
  });

  it('a nested dispatch runs within the outer callback’s phase, keeping its own queue', () => {
    expect(phaseOfDispatch('PROMISE', 'Timeout')).toEqual({ phase: 'timers', exact: false, within: 'Timeout', queue: 'promise' });
    expect(phaseLabel(phaseOfDispatch('PROMISE', 'Timeout'))).toBe('promise, inside a Timeout callback (timers)');
    expect(phaseLabel(phaseOfDispatch('HTTPINCOMINGMESSAGE', 'TCPWRAP'))).toBe('inside a TCPWRAP callback (poll)');
    expect(phaseOfDispatch('Immediate')).toEqual({ phase: 'check', exact: true });
  });
});

describe('phases of a thread’s dispatches, derived on read', () => {
  it('takes the outermost running dispatch’s phase for nested ones', () => {
    const phases = phasesOf([
      { type: 'Timeout', ts: 0, dur: 100 },
      { type: 'Custom', ts: 10, dur: 20 }, // inside the Timeout
      { type: 'PROMISE', ts: 12, dur: 2 }, // inside both: the outermost decides
      { type: 'Immediate', ts: 150, dur: 10 }, // after: on its own
      { type: 'TickObject', ts: 100, dur: 5 }, // starts as the Timeout ends: not inside it
    ]);
    expect(phases.map((p) => phaseLabel(p))).toEqual([
      'timers',
      'inside a Timeout callback (timers)',
      'promise, inside a Timeout callback (timers)',
      'check',
      'nextTick',
    ]);
  });
});
