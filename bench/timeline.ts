/**
 * Timeline benchmark in headless Chromium: load + first frame for 1M dispatch slices and 100
 * stalls (as host messages, and as a recording file), pan/zoom frame times, page memory, the
 * same at 10M, and live streaming at 200k events/s. Prints medians; not a test.
 * Run: npm run bench:timeline  (LOOPSCOPE_BENCH_SIZES=1000000,10000000 LOOPSCOPE_BENCH_RUNS=3)
 */
import { cpus, loadavg } from 'node:os';
import { heapMb, openBenchPage, type BenchPage } from './timeline/pageSession';
import { cpuMs, rendererPids } from './timeline/rendererCpu';
import type { SessionShape } from './timeline/syntheticDispatches';
import { median } from './median';

const ROOT = process.cwd();
const RUNS = Number(process.env.LOOPSCOPE_BENCH_RUNS ?? 3);
const SIZES = (process.env.LOOPSCOPE_BENCH_SIZES ?? '1000000,10000000').split(',').map(Number);
const T0 = 1_764_000_000_000_000;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f = (n: number, d = 1): string => n.toFixed(d);

interface LoadFigures {
  loadMs: number;
  panP95: number;
  zoomP95: number;
  panMedian: number;
  zoomMedian: number;
  heapMb: number;
  modelMb: number;
  /** Renderer CPU per pan/zoom frame, averaged (independent of machine load). */
  cpuPerFrame: number;
}

/** Loads `slices` as host messages, then times pan and zoom frames (drawn synchronously and flushed). */
async function loadAndInteract(bp: BenchPage, slices: number): Promise<LoadFigures> {
  const { page } = bp.browser;
  const shape: SessionShape = { sessionId: 'bench', slices, stalls: 100, start: T0, meanGapUs: 40, chunk: 65_536 };
  await page.evaluate((s) => {
    (window as unknown as { __data: unknown }).__data = (window as unknown as { __generate: (x: unknown) => unknown }).__generate(s);
  }, shape);
  const loadMs = await page.evaluate(async () => {
    const w = window as unknown as { __data: { messages: Parameters<NonNullable<typeof window.loopscope>['receive']>[0][] } };
    const started = performance.now();
    for (const m of w.__data.messages) window.loopscope!.receive(m);
    await window.loopscope!.whenDrawn();
    return performance.now() - started;
  });
  const pids = rendererPids();
  const cpuBefore = cpuMs(pids);
  const frames = await page.evaluate(() => {
    const ls = window.loopscope!;
    const canvas = document.getElementById('timeline-canvas') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const time = (action: () => void): number => {
      const t = performance.now();
      action();
      ls.drawNow();
      ctx.getImageData(0, 0, 1, 1); // forces the canvas to rasterise, so the figure includes it
      return performance.now() - t;
    };
    const zoom: number[] = [];
    const pan: number[] = [];
    const w = canvas.clientWidth;
    // Zoom from the whole session down to ~1 ms and back, at several anchors, then pan at each depth.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) zoom.push(time(() => ls.zoomAt(1.35, w * (0.3 + 0.2 * round))));
      for (let i = 0; i < 40; i++) pan.push(time(() => ls.panBy(i % 2 ? -37 : 53)));
      for (let i = 0; i < 40; i++) zoom.push(time(() => ls.zoomAt(1 / 1.35, w * 0.5)));
      for (let i = 0; i < 40; i++) pan.push(time(() => ls.panBy(i % 2 ? -211 : 197)));
    }
    return { zoom, pan };
  });
  const cpuPerFrame = (cpuMs(pids) - cpuBefore) / (frames.zoom.length + frames.pan.length);
  const stats = await page.evaluate(() => window.loopscope!.stats());
  await page.evaluate(() => {
    delete (window as unknown as { __data?: unknown }).__data;
  });
  return {
    loadMs, panP95: pct(frames.pan, 95), zoomP95: pct(frames.zoom, 95), panMedian: median(frames.pan), zoomMedian: median(frames.zoom),
    heapMb: await heapMb(bp.cdp), modelMb: stats.modelBytes / 1048576, cpuPerFrame,
  };
}

/** Loads `slices` as a recording file (JSON text built in the page), timing parse + first frame. */
async function loadTraceText(bp: BenchPage, slices: number): Promise<{ ms: number; mb: number }> {
  const { page } = bp.browser;
  const shape: SessionShape = { sessionId: 'file', slices, stalls: 100, start: T0, meanGapUs: 40, chunk: 1 << 20 };
  return page.evaluate(async (s) => {
    type Cols = { type: string; resourceTypes: string[]; count: number; typeId: Uint16Array; asyncId: Float64Array; triggerAsyncId: Float64Array; ts: Float64Array; dur: Float64Array };
    const gen = (window as unknown as { __generate: (x: unknown) => { messages: { type: string; stalls?: { ts: number; dur: number; stack: unknown[] }[] }[] } }).__generate(s);
    // The layout `loopscope record` writes: one event a line.
    const parts: string[] = ['{"traceEvents":[\n{"ph":"M","name":"thread_name","pid":4242,"tid":0,"args":{"name":"main"}}'];
    for (const m of gen.messages) {
      if (m.type === 'dispatches') {
        const c = m as unknown as Cols;
        for (let i = 0; i < c.count; i++) {
          parts.push(`,\n{"ph":"X","cat":"loopscope.dispatch","name":"${c.resourceTypes[c.typeId[i]]}","pid":4242,"tid":0,"ts":${c.ts[i]},"dur":${c.dur[i].toFixed(3)},"args":{"asyncId":${c.asyncId[i]},"triggerAsyncId":${c.triggerAsyncId[i]}}}`);
        }
      } else if (m.type === 'stalls') {
        for (const st of m.stalls ?? []) {
          parts.push(`,\n{"ph":"X","cat":"loopscope.stall","name":"stall","pid":4242,"tid":0,"ts":${st.ts},"dur":${st.dur},"args":{"stack":${JSON.stringify(st.stack)},"captured":"interrupt"}}`);
        }
      }
    }
    parts.push('\n]}');
    const text = parts.join('');
    const started = performance.now();
    window.loopscope!.receive({ type: 'loadTrace', text });
    await window.loopscope!.whenDrawn();
    return { ms: performance.now() - started, mb: text.length / 1048576 };
  }, shape);
}

/** Streams `rate` events/s for `seconds` through window.postMessage (structured clone, as from a host). */
async function stream(bp: BenchPage, rate: number, seconds: number): Promise<{ achieved: number; frameP95: number; frames: number; busyShare: number }> {
  const { page } = bp.browser;
  return page.evaluate(async ({ rate, seconds, t0 }) => {
    const ls = window.loopscope!;
    ls.receive({ type: 'reset' });
    ls.receive({ type: 'sessionStarted', session: { id: 'live', pid: 1, tid: 0, title: 'live', live: true } });
    const types = ['Timeout', 'Immediate', 'FSREQCALLBACK', 'TCPWRAP', 'TickObject', 'PROMISE'];
    const batchMs = 20;
    const perBatch = Math.round((rate * batchMs) / 1000);
    let sent = 0;
    let ts = t0;
    let busy = 0;
    const framesBefore = ls.stats().frames;
    const frameTimesStart = ls.frameTimes.length;
    const started = performance.now();
    const done = new Promise<void>((resolve) => {
      window.addEventListener('message', () => undefined);
      const tick = (): void => {
        const elapsed = performance.now() - started;
        const due = Math.min(rate * seconds, Math.floor((elapsed / 1000) * rate));
        const b0 = performance.now();
        while (sent < due) {
          const n = Math.min(perBatch, due - sent);
          const typeId = new Uint16Array(n);
          const asyncId = new Float64Array(n);
          const trig = new Float64Array(n);
          const tsA = new Float64Array(n);
          const dur = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            typeId[i] = i % types.length;
            asyncId[i] = sent + i + 10;
            trig[i] = sent + i + 9;
            tsA[i] = ts;
            dur[i] = 2;
            ts += 5;
          }
          // Same path as a host message: structured clone, then the page's message listener.
          window.postMessage({ type: 'dispatches', sessionId: 'live', resourceTypes: types, count: n, typeId, asyncId, triggerAsyncId: trig, ts: tsA, dur }, window.location.origin);
          sent += n;
        }
        busy += performance.now() - b0;
        if (sent >= rate * seconds) resolve();
        else setTimeout(tick, batchMs);
      };
      tick();
    });
    await done;
    await ls.whenDrawn();
    const wall = (performance.now() - started) / 1000;
    const ft = ls.frameTimes.slice(frameTimesStart).sort((a, b) => a - b);
    return {
      achieved: ls.stats().slices / wall,
      frameP95: ft[Math.floor(ft.length * 0.95)] ?? NaN,
      frames: ls.stats().frames - framesBefore,
      busyShare: busy / (wall * 1000),
    };
  }, { rate, seconds, t0: T0 });
}

/** Runs `fn` `runs` times, each on a fresh page, and returns the results. */
async function onFreshPages<T>(runs: number, fn: (bp: BenchPage) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let r = 0; r < runs; r++) {
    const bp = await openBenchPage(ROOT);
    try {
      out.push(await fn(bp));
    } finally {
      await bp.close();
    }
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`timeline benchmark — headless Chromium, ${RUNS} run(s) per figure, medians; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  for (const size of SIZES) {
    const runs = size >= 5_000_000 ? 1 : RUNS;
    const results = await onFreshPages(runs, (bp) => loadAndInteract(bp, size));
    const m = (k: keyof LoadFigures): number => median(results.map((x) => x[k]));
    console.log(`${size.toLocaleString('en-US')} slices + 100 stalls (host messages): load+first frame ${f(m('loadMs'))} ms; ` +
      `zoom frame p95 ${f(m('zoomP95'))} ms (median ${f(m('zoomMedian'))}); pan frame p95 ${f(m('panP95'))} ms (median ${f(m('panMedian'))}); ` +
      `renderer CPU ${f(m('cpuPerFrame'))} ms/frame (mean); ` +
      `JS heap ${f(m('heapMb'))} MB + slice columns/pyramids ${f(m('modelMb'))} MB  [${runs} run(s)]`);
  }
  const fileSize = SIZES.includes(1_000_000) ? 1_000_000 : SIZES[0];
  const fileRuns = await onFreshPages(RUNS, (bp) => loadTraceText(bp, fileSize));
  console.log(`${fileSize.toLocaleString('en-US')} slices as a recording file (${f(fileRuns[0].mb, 0)} MB JSON): parse+first frame ${f(median(fileRuns.map((x) => x.ms)))} ms`);
  const liveRuns = await onFreshPages(RUNS, (bp) => stream(bp, 200_000, 5));
  const lm = (k: keyof (typeof liveRuns)[number]): number => median(liveRuns.map((x) => x[k]));
  console.log(`live 200,000 events/s for 5 s: ingested ${f(lm('achieved') / 1000, 0)}k events/s; frame p95 ${f(lm('frameP95'))} ms over ${f(lm('frames'), 0)} frames; ` +
    `sender+clone share of main thread ${f(lm('busyShare') * 100, 0)}%`);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
