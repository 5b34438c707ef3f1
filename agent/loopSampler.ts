import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

/** Messages the sampler hands to the transport. */
export interface LoopSink {
  loop(ts: number, p50: number, p99: number, max: number, utilization: number): void;
  /** `kind` is V8's GC flag (1 minor, 2 major, 4 incremental, 8 weak callbacks). */
  gc(ts: number, dur: number, kind: number): void;
}

/** Options for the sampler. */
export interface LoopSamplerOptions {
  /** How often the beat runs while the program is active (read as each beat is armed), and while it has been idle a while. */
  beatMs(): number;
  idleBeatMs: number;
  /** True when callbacks ran recently: the beat then runs at `beatMs`. */
  isActive(): boolean;
  /** Told the delay of each beat as it is armed (the watchdog judges staleness against it). */
  onArm(delayMs: number): void;
  /** Wraps the arming of the beat timer so that the recorder knows it as the agent's own. */
  asAgent<T>(schedule: () => T): T;
  /** How often loop delay and utilisation are reported. */
  sampleMs: number;
  /** Called on every beat, inside the agent's own timer callback. */
  onBeat(): void;
  /** Called first in the GC observer's callback (an Immediate) so that the recorder skips it. */
  markOwn(): void;
  sink: LoopSink;
}

// 20 ms: 50 native timer wakeups a second rather than 100, and still finer than a stall.
const HISTOGRAM_RESOLUTION_MS = 20;
const IDLE_SAMPLE_MS = 1000;
/** Delay percentiles are computed only when the window's delays spread at least this much (ms). */
const SPREAD_MS = 1;
/** A beat this much early against the sample period still samples: its timer was armed just before the last sample was taken. */
const SAMPLE_SLACK_MS = 5;

/**
 * Samples loop delay (monitorEventLoopDelay), utilisation (eventLoopUtilization) and GC pauses.
 * The timer and histogram are unref'd: the sampler never keeps the process alive.
 */
export function startLoopSampler(options: LoopSamplerOptions): { stop(): void; wake(): void; noteBlock(ms: number): void } {
  const origin = performance.timeOrigin;
  const histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS });
  histogram.enable();
  let histogramOn = true;
  let lastElu = performance.eventLoopUtilization();
  let lastSample = performance.now();
  // The longest stall noted since the last sample: the histogram's timer can miss a block (it is
  // served after the sample that resets it, or was off when the block began), a stall never is.
  let blockMax = 0;

  let timer: NodeJS.Timeout;
  let stopped = false;
  /** Reports the window since the last sample (when it is due, or `last`: at stop, so the end is in the recording). */
  const sample = (last: boolean) => {
    const t = performance.now();
    // Idle, there is nothing new to see: one sample a second spares the transport a wakeup.
    if (!last && t - lastSample < (histogramOn ? options.sampleMs : IDLE_SAMPLE_MS) - SAMPLE_SLACK_MS) return;
    lastSample = t;
    const elu = performance.eventLoopUtilization();
    const window = performance.eventLoopUtilization(elu, lastElu);
    lastElu = elu;
    // The histogram reports resolution + delay; subtract the resolution to get the delay itself.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - HISTOGRAM_RESOLUTION_MS);
    const count = histogram.count;
    const max = Math.max(count ? ms(histogram.max) : 0, blockMax);
    blockMax = 0;
    let p50 = max;
    let p99 = max;
    // A percentile scans the whole HDR histogram: 19 µs each here when idle and far more with
    // the cache cold under load (it was most of the beat's time in a CPU profile). When every
    // delay of the window lies within SPREAD_MS of the max, the max stands for both.
    if (count && max - ms(histogram.min) >= SPREAD_MS) {
      p50 = ms(histogram.percentile(50));
      p99 = ms(histogram.percentile(99));
    }
    options.sink.loop((origin + t) * 1000, p50, p99, max, window.utilization);
    histogram.reset();
  };

  const beat = () => {
    // Re-armed each time so that the rate follows the program: fast while active, slow when idle.
    if (!stopped) {
      const active = options.isActive();
      // An idle loop has no delay to measure: the histogram's own timer (50 wakeups a second,
      // 0.3% of a core idle here when it ran 2 s past the last callback) sleeps with it. A block
      // after an idle spell still shows: its first callback wakes the histogram, and the window's
      // max is at least the longest stall noted in it.
      if (active !== histogramOn) {
        histogramOn = active;
        if (active) histogram.enable();
        else histogram.disable();
      }
      const delay = active ? options.beatMs() : options.idleBeatMs;
      options.onArm(delay);
      timer = options.asAgent(() => setTimeout(beat, delay));
      timer.unref();
    }
    try {
      // The beat's own timer is already invisible to the recorder (armed through asAgent).
      options.onBeat();
      sample(false);
    } catch {
      // The sampler must never disturb the program.
    }
  };
  const first = options.beatMs();
  options.onArm(first);
  timer = options.asAgent(() => setTimeout(beat, first));
  timer.unref();

  let observer: PerformanceObserver | undefined;
  try {
    observer = new PerformanceObserver((list) => {
      try {
        options.markOwn();
        for (const entry of list.getEntries()) {
          const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
          options.sink.gc((origin + entry.startTime) * 1000, entry.duration * 1000, kind);
        }
      } catch {
        // ignore
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  } catch {
    observer = undefined;
  }

  return {
    // A timer due as the stall began waited for all of it: the window's delay is at least that long.
    noteBlock: (blockMs: number) => {
      if (blockMs > blockMax) blockMax = blockMs;
    },
    // The first callback after an idle spell: measure from now, so the turn it starts is in the delay.
    wake: () => {
      if (histogramOn || stopped) return;
      histogramOn = true;
      histogram.enable();
    },
    stop: () => {
      try {
        if (!stopped) sample(true);
      } catch {
        // The sampler must never disturb the program.
      }
      stopped = true;
      clearTimeout(timer);
      histogram.disable();
      observer?.disconnect();
    },
  };
}
