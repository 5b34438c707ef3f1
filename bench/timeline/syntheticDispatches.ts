/**
 * Synthetic dispatch data for the timeline benchmark, generated inside the page so that "data
 * arrives" means the same as a host message landing, not a test harness copying megabytes.
 * `generateSession` is passed to page.evaluate, so it must stay self-contained (no imports).
 */

/** What `generateSession` returns: one session's messages, ready for `window.loopscope.receive`. */
export interface GeneratedSession {
  messages: unknown[];
  /** Epoch µs of the first and last dispatch. */
  start: number;
  end: number;
}

/** Parameters of a generated session. */
export interface SessionShape {
  sessionId: string;
  slices: number;
  stalls: number;
  /** Epoch µs where the session starts, and its mean gap between dispatches in µs. */
  start: number;
  meanGapUs: number;
  /** Dispatches per message, as a host would batch them. */
  chunk: number;
}

/** Builds a session of `slices` dispatches over 6 lanes with nested and back-to-back slices and `stalls` stalls. */
export function generateSession(shape: SessionShape): GeneratedSession {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  const types = ['Timeout', 'Immediate', 'FSREQCALLBACK', 'TCPWRAP', 'TickObject', 'HTTPINCOMINGMESSAGE'];
  const messages: unknown[] = [{ type: 'sessionStarted', session: { id: shape.sessionId, pid: 4242, tid: 0, title: `bench ${shape.slices}`, live: false, startedAt: shape.start, stallThresholdMs: 50 } }];
  const stallEvery = Math.max(1, Math.floor(shape.slices / Math.max(1, shape.stalls)));
  const stalls: unknown[] = [];
  let t = shape.start;
  let asyncId = 10;
  for (let base = 0; base < shape.slices; base += shape.chunk) {
    const n = Math.min(shape.chunk, shape.slices - base);
    const typeId = new Uint16Array(n);
    const ids = new Float64Array(n);
    const trig = new Float64Array(n);
    const ts = new Float64Array(n);
    const dur = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = base + i;
      const r = rand();
      let d = r < 0.995 ? 2 + rand() * 40 : 500 + rand() * 5_000;
      if (k % stallEvery === stallEvery - 1 && stalls.length < shape.stalls) {
        d = 50_000 + rand() * 450_000;
        stalls.push({
          ts: t, dur: d, captured: 'interrupt', asyncId, resourceType: 'Timeout',
          stack: [
            { functionName: `hotPath${stalls.length % 7}`, url: `file:///srv/app/lib/module${stalls.length % 13}.js`, lineNumber: 10 + (stalls.length % 90), columnNumber: 5 },
            { functionName: 'listOnTimeout', url: 'node:internal/timers', lineNumber: 581, columnNumber: 17 },
          ],
        });
        typeId[i] = 0;
      } else {
        typeId[i] = Math.floor(rand() * types.length);
      }
      ids[i] = asyncId++;
      trig[i] = Math.max(1, asyncId - 1 - Math.floor(rand() * 50));
      ts[i] = t;
      dur[i] = d;
      // Mostly back-to-back with gaps; every 50th slice nests inside the previous one.
      t += k % 50 === 0 ? d * 0.3 : d + rand() * shape.meanGapUs * 2;
    }
    messages.push({ type: 'dispatches', sessionId: shape.sessionId, resourceTypes: types, count: n, typeId, asyncId: ids, triggerAsyncId: trig, ts, dur });
  }
  messages.push({ type: 'stalls', sessionId: shape.sessionId, stalls });
  const samples: unknown[] = [];
  for (let s = shape.start; s < t; s += 100_000) samples.push({ ts: s, p50: 1 + rand(), p99: 5 + rand() * 20, max: 10 + rand() * 60, utilization: rand() });
  messages.push({ type: 'loop', sessionId: shape.sessionId, samples });
  messages.push({ type: 'sessionEnded', sessionId: shape.sessionId, endedAt: t });
  return { messages, start: shape.start, end: t };
}
