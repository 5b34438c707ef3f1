/**
 * Loopscope agent, loaded with `node --require dist/agent.js` or through NODE_OPTIONS.
 * One small guarded entry: a global token makes a second load a no-op, and nothing here may
 * throw into, print into, or keep alive the program it runs in.
 */
import { isMainThread, threadId, Worker, workerData } from 'node:worker_threads';
import inspector from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { parseAgentConfig, readAgentConfig, type ResolvedConfig } from './config';
import { AGENT_CONTROL_KEY, createAgentControl } from './attachControl';
import { createRing, C_FLUSH_ACK, C_INSPECTOR, C_READY, C_WAKE, H_BEAT_INTERVAL } from './sharedRing';
import { startDispatchRecorder, type DispatchRecorder } from './dispatchRecorder';
import { startLoopSampler } from './loopSampler';
import { createThreadPoolTracker } from './threadPoolTracker';
import { currentOsThreadId } from './threadState';
import { installSignalFlush } from './signalFlush';
import { mainThreadInspectable } from './inspectorAvailable';
import { createSampleSlots, writeGcPause, writeLoopSample } from './sampleSlots';
import { PROTOCOL_VERSION, type WireFrame } from './protocol';
import type { ToTransport, TransportWorkerData } from './agentMessages';
import { readKernelTid } from './threadCounters';
import { createCounterReader } from './stallCounters';
import { installInMemorySourceMaps, mapWireFrame } from './inMemorySourceMaps';

const LOADED = Symbol.for('loopscope.agent.loaded');
const CONTROL = Symbol.for(AGENT_CONTROL_KEY);
/** How long the exit handler waits for the worker to hand over what is unsent. */
const EXIT_FLUSH_TIMEOUT_MS = 3000;
/**
 * Stalls need no beat to be found or timed (hooks write the heartbeat, idle gaps are measured
 * from libuv's counter); the beat samples loop delay and utilisation, ends stalls outside
 * callbacks in time, and with an inspector open tells the watchdog the loop is turning. Wakeups
 * cost 100–200 µs each on this kind of machine, so it beats every 100 ms while callbacks run (one
 * loop sample a beat) and once a second after 250 ms without any. With an inspector open it beats
 * every 50 ms: the watchdog then waits for the beat to be overdue before it asks for a stack
 * outside a callback, and a slower beat would leave stalls under 125 ms there without one.
 */
const BEAT_MS = 100;
const INSPECTOR_BEAT_MS = 50;
const IDLE_BEAT_MS = 1000;
const ACTIVE_WINDOW_MS = 250;
/** How long start-up waits for the watchdog (typically 20–40 ms), so that first-turn stalls get a stack. */
const WATCHDOG_START_TIMEOUT_MS = 300;

function main(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[LOADED]) return;
  g[LOADED] = true;
  // The agent's transport worker runs this same file (the agent ships as one file); there it
  // streams instead of recording. Loaded lazily so that ws is never evaluated on the program's thread.
  if (!isMainThread && (workerData as { loopscopeAgentWorker?: boolean } | null)?.loopscopeAgentWorker) {
    require('./transportWorker');
    return;
  }
  // Started from the environment now, or later by an attacher through the control object.
  const control = createAgentControl(parseAgentConfig, start);
  Object.defineProperty(g, CONTROL, { value: control, configurable: true });
  const config = readAgentConfig();
  if (!config || isPackageManager(process.argv[1])) return;
  control.startWith(config);
}

/** Starts recording; returns the function that stops it again. `attached`: loaded into a program already running. */
function start(config: ResolvedConfig, attached: boolean): () => Promise<void> {
  installInMemorySourceMaps();
  const ring = createRing();
  const kernelTid = readKernelTid();
  // Read once per stall as it is noted (the context's window then ends with the stall), and as
  // the first callback after an idle spell wakes the worker (a baseline at that stall's start).
  const readCounters = createCounterReader(process.pid, kernelTid);
  const slots = createSampleSlots();
  const data: TransportWorkerData = {
    samplesSab: slots.sab,
    loopscopeAgentWorker: true,
    sab: ring.sab,
    capacity: ring.capacity,
    url: config.url,
    token: config.token,
    stallThresholdMs: config.stallThresholdMs,
    origin: performance.timeOrigin,
    recordingMainThread: isMainThread,
    // No stack captures where there is no inspector to connect to (it would abort the process):
    // stalls are still found and timed there, only without their stack.
    watchStacks: mainThreadInspectable(),
    kernelTid,
    osThreadId: isMainThread ? undefined : currentOsThreadId(),
    hello: {
      t: 'hello',
      v: PROTOCOL_VERSION,
      pid: process.pid,
      ppid: process.ppid,
      tid: threadId,
      isMainThread,
      nodeVersion: process.version,
      argv: process.argv.slice(),
      title: isMainThread ? process.title : `worker ${threadId}`,
      startedAt: (performance.timeOrigin + performance.now()) * 1000,
      stallThresholdMs: config.stallThresholdMs,
      serviceName: process.env.OTEL_SERVICE_NAME || undefined,
    },
  };
  // A small young generation: the worker allocates little (frames are off-heap), and V8's default
  // semi-spaces were 0.8 MB of its idle RSS, measured here. The old-generation cap is far above
  // what a long disconnection's kept control messages reach.
  const resourceLimits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 64 };
  const worker = new Worker(__filename, { workerData: data, stdout: true, stderr: true, execArgv: [], resourceLimits });
  // Listeners first, then unref: a listener added after unref() would keep the program alive.
  worker.on('error', () => {});
  worker.unref();
  // The worker and its internal ports deliver the agent's own events; never record those.
  const ownResources = new WeakSet<object>([worker]);
  for (const key of Object.getOwnPropertySymbols(worker)) {
    const value = (worker as unknown as Record<symbol, unknown>)[key];
    if (typeof value === 'object' && value !== null) ownResources.add(value);
  }
  const post = (m: ToTransport) => {
    try {
      worker.postMessage(m);
    } catch {
      // The worker is gone; the program goes on.
    }
  };
  // The worker's watchdog may be in a blocking wait between polls (up to 100 ms before its loop
  // turns); a message that must be served now wakes it. Bumped as well as notified: a notify
  // reaches only a thread already waiting, the bump also stops a wait about to begin.
  const postNow = (m: ToTransport) => {
    post(m);
    Atomics.add(ring.control, C_WAKE, 1);
    Atomics.notify(ring.control, C_WAKE);
  };
  // In a worker the script is known only after this preload ran, in its first microtask.
  if (!isMainThread) queueMicrotask(() => post({ t: 'title', title: workerTitle(process.argv[1], threadId) }));

  let recorder: DispatchRecorder | undefined;
  // Declared first: the recorder's hooks (onWake) reach the sampler, which starts after them.
  let loopSampler: { wake(): void; noteBlock(ms: number): void } | undefined;
  const pool = createThreadPoolTracker(); // thread-pool pressure, sampled with the loop
  const postPool = (t: number, closing: boolean) => {
    const sample = pool.sample(t);
    if (sample) post(sample);
    for (const span of pool.saturations(closing ? t : undefined)) post(span);
  };
  recorder = startDispatchRecorder({
    pool,
    ring,
    stallThresholdMs: config.stallThresholdMs,
    promises: config.promises,
    selfFile: __filename,
    // A running program may have AsyncLocalStorage (promise hooks) active: never stub them then.
    plainHooks: attached,
    ownResources,
    onWake: () => {
      loopSampler?.wake();
      const reading = readCounters?.();
      if (reading) post({ t: 'baseline', ...reading });
    },
    sink: {
      stall: (c) => {
        loopSampler?.noteBlock(c.end - c.start);
        post({ t: 'stallNote', ...c, ...readCounters?.() });
      },
      types: (from, names) => {
        pool.noteTypes(from, names);
        post({ t: 'types', from, names });
      },
      site: (asyncId, rows) => {
        const frame = firstUserFrame(rows);
        if (frame) post({ t: 'site', asyncId, ...mapWireFrame(frame) });
      },
    },
  });

  // Whether a debugger could be holding this thread paused (told to the watchdog; sets the beat's pace).
  const noteInspector = () => {
    ring.control[C_INSPECTOR] = isMainThread && inspector.url() ? 1 : 0;
  };
  noteInspector();
  const sampler: ReturnType<typeof startLoopSampler> = (loopSampler = startLoopSampler({
    beatMs: () => (ring.control[C_INSPECTOR] === 1 ? INSPECTOR_BEAT_MS : BEAT_MS),
    idleBeatMs: IDLE_BEAT_MS,
    // Requests waiting on the thread pool keep the 100 ms samples going while the loop itself idles.
    isActive: () => (recorder?.activeWithin(ACTIVE_WINDOW_MS) ?? false) || pool.inFlight > 0,
    asAgent: (schedule) => (recorder ? recorder.asAgent(schedule) : schedule()),
    onArm: (delay) => {
      ring.clock[H_BEAT_INTERVAL] = delay;
    },
    sampleMs: 100,
    markOwn: () => recorder?.markAgentCallback(),
    onBeat: () => {
      recorder?.beat();
      noteInspector();
    },
    sink: {
      // In shared memory, read by the worker when it flushes: a post per sample woke it each time.
      loop: (ts, p50, p99, max, utilization) => {
        writeLoopSample(slots, ts, p50, p99, max, utilization, recorder?.takeFolded() ?? 0);
        postPool(performance.now(), false);
      },
      gc: (ts, dur, kind) => writeGcPause(slots, ts, dur, kind),
    },
  }));

  // Bounded: if the worker is slow to boot the program starts anyway and only early stacks are missed.
  Atomics.wait(ring.control, C_READY, 0, WATCHDOG_START_TIMEOUT_MS);

  let flushed = false;
  const flushAtEnd = () => {
    if (flushed) return;
    flushed = true;
    try {
      recorder?.finish();
      recorder?.stop();
      sampler.stop();
      postPool(performance.now(), true);
      const ack = Atomics.load(ring.control, C_FLUSH_ACK);
      postNow({ t: 'flush' });
      // Bounded wait so that events of a short program (or one whose first turns blocked the
      // handshake) still reach the collector; the worker answers at once when none is reachable.
      Atomics.wait(ring.control, C_FLUSH_ACK, ack, EXIT_FLUSH_TIMEOUT_MS);
    } catch {
      // Never disturb the exit.
    }
  };
  process.on('exit', flushAtEnd);
  // A fatal signal skips 'exit': flush on it too, without changing how the program reacts to it.
  const removeSignalFlush = isMainThread ? installSignalFlush(flushAtEnd, (install) => (recorder ? recorder.asAgent(install) : install())) : undefined;

  // Detach: the program runs on as before the agent started (hooks off, timers and worker gone).
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', flushAtEnd);
    removeSignalFlush?.();
    try {
      recorder?.finish();
      recorder?.stop();
      sampler.stop();
    } catch {
      // Stop what can be stopped.
    }
    const ack = Atomics.load(ring.control, C_FLUSH_ACK);
    postNow({ t: 'flush' });
    const wait = Atomics.waitAsync(ring.control, C_FLUSH_ACK, ack, EXIT_FLUSH_TIMEOUT_MS);
    if (wait.async) await wait.value;
    await worker.terminate();
  };
}

/**
 * npm and npx run on Node and inherit NODE_OPTIONS when they start a script (`npm test`, an npm
 * launch configuration); their own loop is not the program the user asked about.
 */
function isPackageManager(script: string | undefined): boolean {
  return !!script && /[\\/](npm-cli|npx-cli|yarn|pnpm)\.c?js$|[\\/]bin[\\/](npm|npx|yarn|pnpm)$/.test(script);
}

/** A worker's name in every view: its script's file name and its threadId, e.g. `resize.js #3`. */
function workerTitle(script: string | undefined, tid: number): string {
  const name = script === '[worker eval]' || !script ? 'eval worker' : script.split(/[\\/]/).pop() || script;
  return `${name} #${tid}`;
}

/** The first frame that is neither the agent's nor Node's own, as a wire frame. */
function firstUserFrame(rows: string[][]): WireFrame | undefined {
  for (const [functionName, url, line, column] of rows) {
    if (!url || url.startsWith('node:') || url === __filename) continue;
    return { functionName, url, lineNumber: Number(line), columnNumber: Number(column) };
  }
  return undefined;
}

try {
  main();
} catch {
  // A failure to start must never reach the program; it simply runs without the agent.
}
