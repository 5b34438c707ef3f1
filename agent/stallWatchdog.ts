import { performance } from 'node:perf_hooks';
import { C_IN_CALLBACK, C_INSPECTOR, C_SLEEPING, C_WAKE, H_BEAT, H_BEAT_INTERVAL, H_HEARTBEAT, type RingViews } from './sharedRing';
import { CAPTURE_EXPRESSION, readCapture } from './stackCapture';
import { judgeCapture, type CaptureExactness } from './captureExactness';
import type { WireFrame } from './protocol';
import { connectMainSession, connectToWorker, type CaptureSession } from './workerTarget';
import { isThreadRunning } from './threadState';

/** After this long without a callback, the watchdog sleeps until the next one (a notify wakes it). */
const IDLE_SLEEP_MS = 250;
const SLEEP_TIMEOUT_MS = 5000;
/**
 * Polls made one after another on a blocking wait before this thread's event loop turns again.
 * Waking from a timer cost this thread about twice what waking from Atomics.wait does (an empty
 * 25 ms poll: ~6 vs ~3.3 ms of CPU a second here, bench/agent/pollFloor.js), and under load the
 * poll is most of the worker's cost. The loop still turns every fourth poll (100 ms), so messages,
 * socket events and timers wait at most that long; it turns at once when a stack is being taken
 * (the answer comes through the loop) or when the recording thread notifies C_WAKE.
 */
const POLLS_PER_TURN = 4;

/** A stack taken while the recording thread was blocked. */
export interface Capture {
  /** Epoch ms when the watchdog asked. */
  requestedAt: number;
  /** Epoch ms when the stack was taken: later than asked inside a native call, which holds off interrupts. */
  takenAt: number;
  /** Epoch ms of the heartbeat that went stale: the blocked turn began after it. */
  staleSince: number;
  stack: WireFrame[];
  /** Whether the stack shows the blocking call or only where it returned to. */
  exactness: CaptureExactness;
}

/** An interval a debugger held the thread paused (epoch ms). */
export interface PauseSpan {
  start: number;
  end: number;
}

/** Callbacks of the watchdog. */
export interface WatchdogSink {
  captured(capture: Capture): void;
  paused(span: PauseSpan): void;
}

/**
 * Watches the recording thread's heartbeat from the transport worker. When it goes stale for
 * half the threshold, the thread is blocked (its timers are not running) and the watchdog takes
 * its stack through `inspector.Session#connectToMainThread` + `Runtime.evaluate`. This costs
 * nothing while nothing blocks, unlike an always-on CPU profiler (whose signals also make
 * eventLoopUtilization read idle loops as busy) or an enabled Debugger domain (7–10× on await
 * chains, measured here). The session is connected per capture: one left open at exit makes Node
 * print "Waiting for the debugger to disconnect...".
 */
export class StallWatchdog {
  private busy = false;
  private stopped = false;
  private lastCapturedBeat = 0;
  private lastHook = 0;
  private lastHookChange = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** The last poll's tick has something to send that cannot wait for the loop's regular turn. */
  private turnWanted = false;
  /** C_WAKE as of the last turn it caused: a different value means a message waits to be served. */
  private wakeSeen = 0;
  private readonly pollMs: number;
  private readonly now = () => performance.timeOrigin + performance.now();

  /**
   * Polls every few ms while the thread runs callbacks; after a second without any it sleeps on
   * a shared slot that the thread's next callback notifies, so an idle program wakes nobody.
   */
  constructor(
    private readonly ring: RingViews,
    private readonly thresholdMs: number,
    private readonly sink: WatchdogSink,
    /**
     * Called on every poll (the transport flushes from here). `loopCurrent`: the event loop has just
     * turned, so socket state is current and sending is safe; false on a poll that follows a blocking
     * wait, which returns true when it has something to send now (the loop then turns at once).
     */
    private readonly onTick: (loopCurrent: boolean) => boolean,
    /** The worker thread to capture (and its OS thread id, where known), or undefined for the main thread. */
    private readonly worker?: { threadId: number; osThreadId?: number },
    /** False where the process has no inspector to reach (the `node --test` runner, `--watch`): polls, never connects. */
    private readonly canCapture = true,
    /** The recorded thread's total runqueue wait in ms, where it can be read: the part of a held capture the scheduler explains. */
    private readonly runQueueMs: () => number | undefined = () => undefined,
    /** Whether the next polls may block this thread (nothing waits on its event loop, such as unsent socket data). */
    private readonly mayBlock: () => boolean = () => false,
  ) {
    // Half the threshold (25 ms by default): a stall is noticed 25–50 ms in, before it reaches
    // the threshold; each wakeup costs 100–200 µs on this kind of machine, so no more often.
    this.pollMs = Math.max(2, thresholdMs / 2);
    this.schedule();
  }

  /** Arms the next poll: a blocking turn while nothing needs the event loop, else a timer. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.canBlock()) this.immediate = setImmediate(() => this.blockingTurn(false));
    else this.timer = setTimeout(() => this.tick(), this.pollMs);
  }

  private canBlock(): boolean {
    return !this.stopped && !this.busy && this.mayBlock();
  }

  /**
   * POLLS_PER_TURN polls a poll period apart on blocking waits, then the loop turns. Only the poll
   * right after a turn may send: a collector that went away is noticed only when the loop runs, and
   * what was sent to it before then would be lost rather than kept for the next connection.
   */
  private blockingTurn(pollNow: boolean): void {
    if (pollNow && !this.poll(true)) return;
    for (let i = 0; i < POLLS_PER_TURN; i++) {
      if (!this.canBlock()) {
        this.schedule();
        return;
      }
      if (Atomics.wait(this.ring.control, C_WAKE, this.wakeSeen, this.pollMs) !== 'timed-out') {
        // Notified, or bumped since the last turn: the recording thread has posted something that
        // must be served now (exit). The turn about to run serves every message posted before this read.
        this.wakeSeen = Atomics.load(this.ring.control, C_WAKE);
        this.immediate = setImmediate(() => this.tick());
        return;
      }
      // The last wait ends where the loop turns; its poll comes right after, in the next turn.
      if (i === POLLS_PER_TURN - 1) break;
      if (!this.poll(false)) return;
      if (this.turnWanted) {
        this.immediate = setImmediate(() => this.tick());
        return;
      }
    }
    this.immediate = setImmediate(() => this.blockingTurn(true));
  }

  private tick(): void {
    if (this.poll(true)) this.schedule();
  }

  /** One poll; false when it put the watchdog to sleep until the recording thread's next callback. */
  private poll(loopCurrent: boolean): boolean {
    try {
      this.turnWanted = this.onTick(loopCurrent);
      this.check();
    } catch {
      // keep watching
    }
    const control = this.ring.control;
    const idle = Atomics.load(control, C_IN_CALLBACK) === 0 && this.now() - this.lastHookChange > IDLE_SLEEP_MS;
    if (idle && !this.busy && !this.stopped) {
      Atomics.store(control, C_SLEEPING, 1);
      const wait = Atomics.waitAsync(control, C_SLEEPING, 1, SLEEP_TIMEOUT_MS);
      if (wait.async) {
        // Take a baseline at once on waking (the callback that woke it may be a stall), but ask for
        // no stack yet: asked now, it is served inside the agent's own hook that woke the watchdog,
        // before the callback's code runs, and it would stand for the whole stall.
        void wait.value.then(() => {
          try {
            this.onTick(true);
          } catch {
            // keep watching
          }
          this.schedule();
        });
        return false;
      }
    }
    return true;
  }

  /** True while a capture or pause check is under way. */
  get inFlight(): boolean {
    return this.busy;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }

  private check(): void {
    const now = this.now();
    const hook = this.ring.clock[H_HEARTBEAT];
    if (hook !== this.lastHook) {
      this.lastHook = hook;
      this.lastHookChange = now;
    }
    const beat = Math.max(hook, this.ring.clock[H_BEAT]);
    if (this.busy || hook === 0 || beat === this.lastCapturedBeat) return;
    // Inside a callback the hooks mark the start exactly. Outside one (an await continuation, or
    // an idle loop) the stack is asked for all the same: an idle loop answers at once with no
    // frames of its own, which costs one small evaluation per quiet spell and spares the program
    // a fast timer. With an inspector open that check enables the Debugger domain, which is too
    // dear to do speculatively, so there the timer beat must be overdue first. So too for a
    // worker whose thread sleeps (a quiet spell): its capture attaches through the main thread to
    // every worker, about 2.5 ms of CPU, which once per quiet spell cost a 4-worker pool 22% more
    // CPU (measured); a worker thread that is running is asked at once, like the main thread.
    const inCallback = Atomics.load(this.ring.control, C_IN_CALLBACK) === 1;
    const inspectorOpen = Atomics.load(this.ring.control, C_INSPECTOR) === 1;
    if (now - beat < this.thresholdMs / 2) return;
    const grace = inCallback || (!inspectorOpen && this.speculate()) ? 0 : this.ring.clock[H_BEAT_INTERVAL];
    if (now - beat < grace + this.thresholdMs / 2) return;
    this.lastCapturedBeat = beat;
    this.busy = true;
    this.open((session) => {
      if (!session) {
        this.busy = false;
        return;
      }
      const done = () => {
        try {
          session.disconnect();
        } catch {
          // already gone
        }
        this.busy = false;
      };
      if (Atomics.load(this.ring.control, C_INSPECTOR) === 1) this.checkPausedThenCapture(session, beat, done);
      else this.capture(session, beat, done);
    });
  }

  /** Whether a stack may be asked for outside callbacks before the beat is overdue. */
  private speculate(): boolean {
    if (!this.worker) return true;
    return this.worker.osThreadId !== undefined && isThreadRunning(this.worker.osThreadId) === true;
  }

  /** A session on the recording thread: the main thread directly, a worker through the main thread's NodeWorker domain. */
  private open(ready: (session: CaptureSession | undefined) => void): void {
    // Connecting there aborts the whole process (Node 20 CHECK in the inspector's parent handle).
    if (!this.canCapture) {
      ready(undefined);
      return;
    }
    if (this.worker) {
      connectToWorker(this.worker.threadId, ready);
      return;
    }
    ready(connectMainSession());
  }

  /** Asks for the stack; `use` decides, once it arrives, whether it belongs to a stall. */
  private capture(session: CaptureSession, staleSince: number, done: () => void, use: () => boolean = () => true): void {
    const waitedBefore = this.runQueueMs();
    const requestedAt = this.now();
    session.post('Runtime.evaluate', { expression: CAPTURE_EXPRESSION, returnByValue: true, silent: true }, (err, result) => {
      try {
        const capture = err ? undefined : readCapture(result?.result?.value, __filename);
        if (capture && use()) {
          // Read after the answer: a later read only credits more off-CPU time, erring towards exact as before.
          const waitedAfter = waitedBefore === undefined ? undefined : this.runQueueMs();
          const waitedMs = waitedAfter === undefined || waitedBefore === undefined ? undefined : waitedAfter - waitedBefore;
          const exactness = judgeCapture(requestedAt, capture.takenAt, capture.frames, waitedMs);
          this.sink.captured({ requestedAt, takenAt: capture.takenAt, staleSince, stack: capture.frames, exactness });
        }
      } finally {
        done();
      }
    });
  }

  /**
   * A debugger may be holding the thread at a breakpoint. Enabling the Debugger domain on a
   * paused thread delivers `Debugger.paused` at once; then the time until `Debugger.resumed` is
   * paused time, never a stall. The capture is posted in the same breath, not after the enable
   * answers: both are then served by the same interrupt, while the blocking native call's caller
   * is still on the stack (waiting for the answer first took the stack after the call returned).
   * Debugger is enabled only here, per stall, because keeping it on slows promise-heavy code many
   * times over.
   */
  private checkPausedThenCapture(session: CaptureSession, staleSince: number, done: () => void): void {
    let paused = false;
    let captured = false;
    let resumed = false;
    const finish = () => {
      if (!captured || (paused && !resumed)) return;
      session.post('Debugger.disable', () => done());
    };
    session.on('Debugger.paused', () => {
      paused = true;
    });
    session.on('Debugger.resumed', () => {
      if (!paused || resumed) return;
      resumed = true;
      this.sink.paused({ start: staleSince, end: this.now() });
      finish();
    });
    session.post('Debugger.enable', {});
    this.capture(
      session,
      staleSince,
      () => {
        captured = true;
        finish();
      },
      // A stack taken at a breakpoint is where the user paused, not what blocked.
      () => !paused,
    );
  }
}
