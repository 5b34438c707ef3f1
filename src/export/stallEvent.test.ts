import { describe, expect, it } from 'vitest';
import { frame, stall } from '../host/testFixtures';
import { stallLogRecord, STALL_EVENT_FRAMES } from './stallEvent';

const thread = { 'process.pid': 42, 'thread.id': 0, 'thread.name': 'main', 'service.name': 'api' };

describe('stallLogRecord', () => {
  it("carries the duration, the first user frame as code.* and file:line, and the top frames", () => {
    const stack = [
      frame('node:internal/crypto/pbkdf2', 70, 'pbkdf2Sync'),
      frame('file:///srv/app/node_modules/lib/index.js', 5, 'hash'),
      frame('file:///srv/app/routes/login.js', 12, 'login', 9),
      frame('file:///srv/app/server.js', 30, ''),
    ];
    const r = stallLogRecord({ ...stall(1_700_000_000_123_456, 123_456, stack), resourceType: 'HTTPINCOMINGMESSAGE' }, thread);
    expect(r.eventName).toBe('loopscope.stall');
    expect(r.timestamp).toEqual([1_700_000_000, 123_456_000]);
    expect(r.severityText).toBe('WARN');
    expect(r.body).toBe('event loop blocked 123.5 ms at /srv/app/routes/login.js:12 (pid 42, thread 0)');
    expect(r.attributes).toMatchObject({
      ...thread,
      'loopscope.stall.duration_ms': 123.456,
      'loopscope.stall.location': '/srv/app/routes/login.js:12',
      'code.file.path': '/srv/app/routes/login.js',
      'code.line.number': 12,
      'code.column.number': 9,
      'code.function.name': 'login',
      'loopscope.stall.resource_type': 'HTTPINCOMINGMESSAGE',
      'loopscope.stall.captured': 'interrupt',
    });
    expect(r.attributes!['loopscope.stall.frames']).toEqual([
      'pbkdf2Sync (node:internal/crypto/pbkdf2:70:1)',
      'hash (/srv/app/node_modules/lib/index.js:5:1)',
      'login (/srv/app/routes/login.js:12:9)',
      '<anonymous> (/srv/app/server.js:30:1)',
    ]);
  });

  it('keeps at most a few frames, and no code.* when no stack was captured', () => {
    const deep = Array.from({ length: 30 }, (_, i) => frame(`/app/f${i}.js`, i + 1));
    expect((stallLogRecord(stall(1e15, 60_000, deep), thread).attributes!['loopscope.stall.frames'] as string[]).length).toBe(STALL_EVENT_FRAMES);
    const none = stallLogRecord({ ...stall(1e15, 60_000, []), captured: 'none' }, thread);
    expect(none.attributes).not.toHaveProperty('code.file.path');
    expect(none.body).toBe('event loop blocked 60.0 ms (pid 42, thread 0)');
  });
});
