import { describe, expect, it } from 'vitest';
import { laneOf } from './resourceLanes';

describe('laneOf', () => {
  it('groups Node resource types into lanes', () => {
    expect(laneOf('Timeout')).toBe('timers');
    expect(laneOf('Immediate')).toBe('immediates');
    expect(laneOf('FSREQCALLBACK')).toBe('io');
    expect(laneOf('TCPWRAP')).toBe('network');
    expect(laneOf('HTTPINCOMINGMESSAGE')).toBe('network');
    expect(laneOf('PROMISE')).toBe('promises');
    expect(laneOf('TickObject')).toBe('ticks');
    expect(laneOf('MyCustomResource')).toBe('other');
  });
});
