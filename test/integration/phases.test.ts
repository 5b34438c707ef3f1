import { describe, expect, it } from 'vitest';
import { phaseLabel, phasesOf, type DispatchPhase } from '../../model/loopPhase';
import { recordFixture } from './harness';

describe('loop phases of a known sequence of callbacks, derived from the real recording', () => {
  it('timers, check, nextTick, promise, microtask, fs and socket callbacks each get their phase', async () => {
    const r = await recordFixture('phases.js', ['--promises']);
    expect(r.code, r.stderr).toBe(0);
    const dispatches = r.dispatches.map((d) => ({ type: d.name, ts: d.ts!, dur: d.dur!, asyncId: Number(d.args?.asyncId), trigger: Number(d.args?.triggerAsyncId) }));
    const phases = phasesOf(dispatches);
    const byType = new Map<string, DispatchPhase[]>();
    dispatches.forEach((d, i) => byType.set(d.type, [...(byType.get(d.type) ?? []), phases[i]]));
    const expected: [string, string][] = [
      ['Timeout', 'timers'],
      ['Immediate', 'check'],
      ['TickObject', 'nextTick'],
      ['PROMISE', 'promise'],
      ['Microtask', 'microtask'],
      ['FSREQCALLBACK', 'poll (from the resource type)'],
      ['TCPWRAP', 'poll (from the resource type)'],
      ['TCPSERVERWRAP', 'poll (from the resource type)'],
    ];
    for (const [type, label] of expected) {
      const found = byType.get(type);
      expect(found, `no ${type} dispatch in ${[...byType.keys()].join(', ')}`).toBeDefined();
      // Top-level dispatches of the type (none of these is run inside another callback here).
      expect(found!.filter((p) => !p.within).map(phaseLabel), type).toContain(label);
    }
    // Run synchronously inside the timer's callback: the timer's phase, said to be inferred.
    expect((byType.get('FIXTURE_NESTED') ?? []).map(phaseLabel)).toEqual(['inside a Timeout callback (timers)']);
  });

  it('from the poll phase (an fs callback), the check phase’s immediate runs before the next timers phase', async () => {
    const r = await recordFixture('phases.js');
    expect(r.code, r.stderr).toBe(0);
    const d = r.dispatches;
    // The fs callback that scheduled both: the resource that triggered an Immediate and a Timeout.
    const scheduledBy = (type: string) => new Map(d.filter((e) => e.name === type).map((e) => [Number(e.args?.triggerAsyncId), e]));
    const immediates = scheduledBy('Immediate');
    const timeouts = scheduledBy('Timeout');
    const fsIds = new Set(d.filter((e) => e.name === 'FSREQCALLBACK').map((e) => Number(e.args?.asyncId)));
    const reader = [...fsIds].find((id) => immediates.has(id) && timeouts.has(id));
    expect(reader, 'an fs callback that scheduled an immediate and a timer').toBeDefined();
    expect(immediates.get(reader!)!.ts!).toBeLessThan(timeouts.get(reader!)!.ts!);
  });
});
