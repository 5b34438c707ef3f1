import { describe, expect, it } from 'vitest';
import { compactCount, loopStatus, type LoopStatusInput } from './loopStatus';
import { storeWithSession } from './testFixtures';

function input(over: Partial<LoopStatusInput> = {}): LoopStatusInput {
  const { session } = storeWithSession();
  session.loop.push({ ts: 10_000_000, p50: 1, p99: 12.4, max: 20, utilization: 0.34 });
  return { session, lastStallEnd: undefined, paused: false, nowUs: 10_100_000, thresholdMs: 50, sessionCount: 1, ...over };
}

describe('loopStatus', () => {
  it('shows p99 and utilisation', () => {
    expect(loopStatus(input())).toMatchObject({ state: 'ok', text: '$(pulse) p99 12 ms · 34%' });
  });
  it('is stalling after a recent stall, a slow sample, or when samples stop', () => {
    expect(loopStatus(input({ lastStallEnd: 9_500_000 })).state).toBe('stalling');
    const slow = input();
    slow.session!.loop.push({ ts: 10_050_000, p50: 1, p99: 80, max: 120, utilization: 1 });
    expect(loopStatus(slow).state).toBe('stalling');
    expect(loopStatus(input({ nowUs: 11_500_000 })).state).toBe('ok'); // idle: a sample a second
    expect(loopStatus(input({ nowUs: 13_500_000 })).state).toBe('stalling');
  });
  it('shows dropped events in the text', () => {
    const i = input();
    (i.session as { droppedByStore: number }).droppedByStore = 1_234_567;
    expect(loopStatus(i).text).toBe('$(pulse) p99 12 ms · 34% · 1.2M dropped');
    expect(compactCount(999)).toBe('999');
    expect(compactCount(12_345)).toBe('12k');
  });
  it('says paused while the debugger holds it, ended when gone, and handles no session', () => {
    expect(loopStatus(input({ paused: true, nowUs: 30_000_000 })).state).toBe('paused');
    const ended = input();
    (ended.session as { endedAt?: number }).endedAt = 1;
    expect(loopStatus(ended).state).toBe('ended');
    expect(loopStatus(input({ session: undefined })).state).toBe('none');
  });
});
