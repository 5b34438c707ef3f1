import { describe, expect, it } from 'vitest';
import { isFromWebview, isToWebview, VIEW_PROTOCOL_VERSION, type FromWebview, type ToWebview } from './protocol';

describe('view protocol', () => {
  it('accepts well-formed page messages', () => {
    const good: FromWebview[] = [
      { type: 'ready', protocolVersion: VIEW_PROTOCOL_VERSION },
      { type: 'openSource', url: 'file:///a/b.js', lineNumber: 3, columnNumber: 1 },
      { type: 'requestSave' },
      { type: 'traceLoaded', sessions: 1, dispatches: 10, stalls: 2 },
      { type: 'viewError', message: 'bad' },
    ];
    for (const m of good) expect(isFromWebview(m)).toBe(true);
  });

  it('rejects malformed page messages', () => {
    const bad: unknown[] = [
      null, 'openSource', {}, { type: 'nope' },
      { type: 'openSource', url: '', lineNumber: 1, columnNumber: 1 },
      { type: 'openSource', url: '/a.js', lineNumber: 0, columnNumber: 1 },
      { type: 'openSource', url: '/a.js', lineNumber: '3', columnNumber: 1 },
      { type: 'ready' },
    ];
    for (const m of bad) expect(isFromWebview(m)).toBe(false);
  });

  it('recognises host messages by tag', () => {
    const m: ToWebview = { type: 'reset' };
    expect(isToWebview(m)).toBe(true);
    expect(isToWebview({ type: 'openSource' })).toBe(false);
    expect(isToWebview(undefined)).toBe(false);
  });
});
