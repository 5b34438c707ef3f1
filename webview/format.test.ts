import { describe, expect, it } from 'vitest';
import { culpritFrame, formatDuration, frameLabel, frameLocation, pathOfUrl, tickStep } from './format';

describe('format', () => {
  it('formats durations at every scale', () => {
    expect(formatDuration(5)).toBe('5.0 µs');
    expect(formatDuration(850)).toBe('850 µs');
    expect(formatDuration(1234)).toBe('1.23 ms');
    expect(formatDuration(123_400)).toBe('123 ms');
    expect(formatDuration(1_250_000)).toBe('1.25 s');
  });

  it('turns file URLs into paths and leaves others alone', () => {
    expect(pathOfUrl('file:///home/me/my%20app/a.js')).toBe('/home/me/my app/a.js');
    expect(pathOfUrl('file:///C:/x/a.js')).toBe('C:/x/a.js');
    expect(pathOfUrl('node:internal/timers')).toBe('node:internal/timers');
    expect(pathOfUrl('/abs/a.js')).toBe('/abs/a.js');
  });

  it('names frames and picks the culprit outside Node internals', () => {
    const internal = { functionName: 'listOnTimeout', url: 'node:internal/timers', lineNumber: 581, columnNumber: 17 };
    const user = { functionName: 'spin', url: 'file:///app/a.js', lineNumber: 12, columnNumber: 3 };
    expect(frameLocation(user)).toBe('/app/a.js:12');
    expect(frameLabel(user)).toBe('spin (/app/a.js:12:3)');
    expect(culpritFrame([internal, user])).toBe(user);
    expect(culpritFrame([internal])).toBe(internal);
    expect(culpritFrame([])).toBeUndefined();
  });

  it('chooses 1-2-5 tick steps', () => {
    expect(tickStep(1000, 10)).toBe(100);
    expect(tickStep(1000, 4)).toBe(200);
    expect(tickStep(1000, 2)).toBe(500);
  });
});
