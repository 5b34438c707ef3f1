/**
 * The agent's transport worker: drains the shared ring, watches for stalls, and streams to the
 * collector, so that socket work never runs on (or is recorded from) the program's own thread.
 */
import { workerData, parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { viewRing, unreadRecords, C_DROPPED, C_FLUSH_ACK, C_READY, H_BEAT, H_HEARTBEAT } from './sharedRing';
import { type AgentMessage, type LoopMessage, type StallMessage, type WireStallContext } from './protocol';
import { drainWrittenInFrames } from './ringFrames';
import { SampleReader, viewSampleSlots } from './sampleSlots';
import { StallWatchdog, type Capture, type PauseSpan } from './stallWatchdog';
import { CollectorLink } from './collectorLink';
import type { StallNote, ToTransport, TransportWorkerData } from './agentMessages';
import { StallCounters } from './stallCounters';
import { exactnessFields } from './captureExactness';

// Live views redraw about every 100 ms, so a flush every 100 ms shows nothing later than the next
// redraw; each flush costs a frame, a copy and a send. A ring a quarter full is flushed at once all the same.
const FLUSH_INTERVAL_MS = 100;
// The poll that follows a loop turn comes a whole number of 25 ms periods after the last, give or
// take a timer's jitter: a flush due within this much is made there rather than one poll later.
const FLUSH_SLACK_MS = 5;
const CAPTURE_WAIT_MS = 2000;
const KEEP = 64;
/** A stack taken this soon after a callback began, asked for before it, was taken at its entry. */
const ENTRY_MS = 2;
/** How long a worker's transport waits for the worker's title before it connects without it. */
const TITLE_WAIT_MS = 1000;

const data = workerData as TransportWorkerData;
const ring = viewRing(data.sab, data.capacity);
const link = new CollectorLink(data.url, data.token, data.hello);
const samples = new SampleReader(viewSampleSlots(data.samplesSab));
const captures: Capture[] = [];
const pauses: PauseSpan[] = [];
const pendingStalls: { note: StallNote; arrived: number; context?: WireStallContext }[] = [];
const counters = StallCounters.open(data.hello.pid, data.kernelTid);
let reportedDropped = 0;
let flushing = false;

let lastFlush = 0;
/**
 * Flushes at most every FLUSH_INTERVAL_MS; called from the watchdog's poll, which says whether the
 * loop state is current (sending is safe). Returns true when a flush is due but may not be sent from
 * here: the watchdog then turns the loop at once (a flooding program fills a quarter of the ring in ~30 ms).
 */
function maybeFlush(loopCurrent: boolean): boolean {
  const now = nowEpoch();
  // Offered on every poll, not every flush (StallCounters reads every other one): a stall then has a baseline within ~50 ms before its start.
  counters?.poll(now, Math.max(ring.clock[H_HEARTBEAT], ring.clock[H_BEAT]), data.stallThresholdMs / 2);
  const unread = unreadRecords(ring);
  const interval = unread < ring.capacity / 4 ? FLUSH_INTERVAL_MS - FLUSH_SLACK_MS : 0;
  if (now - lastFlush < interval) return false;
  if (!loopCurrent) return true;
  lastFlush = now;
  flushDispatches();
  settleStalls(false);
  return false;
}

// A worker thread is watched too: its stack is reached through the main thread's inspector.
const watchdog = new StallWatchdog(ring, data.stallThresholdMs, {
      captured: (c) => {
        keep(captures, c);
        settleStalls(false);
      },
      paused: (p) => {
        keep(pauses, p);
        link.send({ t: 'paused', ts: p.start * 1000, dur: (p.end - p.start) * 1000 });
        settleStalls(false);
      },
    }, maybeFlush, data.recordingMainThread ? undefined : { threadId: data.hello.tid, osThreadId: data.osThreadId }, data.watchStacks, () => counters?.runQueueMs(),
    // Polls may block this thread only while its loop has nothing to do: connected, all written, no stall waiting for its stack.
    () => link.quiet && pendingStalls.length === 0);

// The program's thread waits (briefly, bounded) for this before its first turn, so that stalls
// in the very first turns are caught with their stack too.
Atomics.store(ring.control, C_READY, 1);
Atomics.notify(ring.control, C_READY);

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEEP) list.shift();
}

function nowEpoch(): number {
  return performance.timeOrigin + performance.now();
}

const sendFrame = (frame: Float64Array, records: number): void => link.sendBinary(frame, records);

/** Sends the dispatches written since the last flush. */
function flushDispatches(): void {
  flushSamples();
  drainWrittenInFrames(ring, sendFrame);
  const dropped = Atomics.load(ring.control, C_DROPPED) + link.droppedRecords;
  if (dropped !== reportedDropped) {
    reportedDropped = dropped;
    link.send({ t: 'dropped', count: dropped });
  }
}

/** Sends the loop samples and GC pauses the recording thread wrote into shared memory since the last flush. */
function flushSamples(): void {
  samples.read(
    (s) => {
      const m: LoopMessage = { t: 'loop', ts: s.ts, p50: s.p50, p99: s.p99, max: s.max, utilization: s.utilization };
      if (s.folded > 0) m.folded = s.folded;
      link.send(m);
    },
    (ts, dur, kind) => link.send({ t: 'gc', ts, dur, kind }),
  );
}

/** Emits the stalls whose stack has arrived (or can no longer arrive), joined with it. */
function settleStalls(force: boolean): void {
  const now = nowEpoch();
  for (let i = 0; i < pendingStalls.length; ) {
    const { note, arrived, context } = pendingStalls[i];
    const start = data.origin + note.start;
    const end = data.origin + note.end;
    // A stack belongs to the stall when it was taken inside it; both times are on the blocked
    // thread's own clock. One asked for before the stall began (a speculative one, served as the
    // callback was being entered) is used only when none was asked for during the stall.
    const inside = captures.filter((c) => c.takenAt >= start && c.takenAt <= end && c.stack.length > 0);
    const capture = inside.find((c) => c.requestedAt >= start) ?? inside[0];
    if (!capture && !force && watchdog.inFlight && now - arrived < CAPTURE_WAIT_MS) {
      i++;
      continue;
    }
    pendingStalls.splice(i, 1);
    const message = stallMessage(note, start, end, capture);
    if (message && context) message.context = context;
    if (message) link.send(message);
  }
}

/** The stall as sent, or undefined when a debugger pause accounts for it. */
function stallMessage(note: StallNote, start: number, end: number, capture: Capture | undefined): StallMessage | undefined {
  let paused = 0;
  for (const p of pauses) paused += Math.max(0, Math.min(end, p.end) - Math.max(start, p.start));
  if (end - start - paused < data.stallThresholdMs) return undefined;
  const message: StallMessage = {
    t: 'stall',
    ts: start * 1000,
    dur: (end - start) * 1000,
    stack: capture?.stack ?? [],
    captured: capture && capture.stack.length ? 'interrupt' : 'none',
  };
  if (note.asyncId) message.asyncId = note.asyncId;
  if (note.resourceType) message.resourceType = note.resourceType;
  if (capture && capture.stack.length) {
    // Asked for before the stall began and served as its callback was entered: that names the
    // callback, not the line inside it that blocked, so it is said to be approximate.
    const atEntry = note.asyncId !== undefined && note.asyncId > 0 && capture.requestedAt < start && capture.takenAt - start < ENTRY_MS;
    const exactness = atEntry && capture.exactness.exact
      ? { ...capture.exactness, exact: false, reason: 'the only stack was taken as the blocking callback began (asked for just before it), so it names the callback, not the line that blocked' }
      : capture.exactness;
    Object.assign(message, exactnessFields(exactness));
  }
  return message;
}

function onMessage(m: ToTransport): void {
  switch (m.t) {
    case 'stallNote':
      // The context is taken as the note arrives (from the reading it carries), not once the stack is in.
      pendingStalls.push({
        note: m,
        arrived: nowEpoch(),
        context: counters?.contextFor(data.origin + m.start, data.origin + m.end, m.countersAt !== undefined ? data.origin + m.countersAt : nowEpoch(), m.counters),
      });
      settleStalls(false);
      break;
    case 'baseline':
      counters?.add(data.origin + m.countersAt, m.counters);
      break;
    case 'flush':
      void exitFlush();
      break;
    case 'types':
      link.addTypes(m.from, m.names);
      break;
    case 'title':
      data.hello.title = m.title;
      connectOnce();
      break;
    default:
      link.send(m as AgentMessage);
  }
}

/** At the program's exit: hand over everything, then release the waiting thread. */
async function exitFlush(): Promise<void> {
  if (flushing) return;
  flushing = true;
  watchdog.stop();
  // A worker that exits before its title came (process.exit in its first turn) still sends.
  connectOnce();
  try {
    flushDispatches();
    settleStalls(true);
    link.send({ t: 'bye', ts: nowEpoch() * 1000 });
    await link.drain(2500);
  } catch {
    // Release the program whatever happened.
  }
  Atomics.add(ring.control, C_FLUSH_ACK, 1);
  Atomics.notify(ring.control, C_FLUSH_ACK);
}

parentPort?.on('message', (m: ToTransport) => {
  try {
    onMessage(m);
  } catch {
    // ignore malformed notes
  }
});

let connected = false;
/** Connects once; a worker's transport waits for its title first (bounded). */
function connectOnce(): void {
  if (connected) return;
  connected = true;
  link.connect();
}

// This thread's own timers and socket stay ref'd: the program's side unrefs the whole worker, so
// the worker lives as long as the program and never longer.
if (data.recordingMainThread) connectOnce();
else setTimeout(connectOnce, TITLE_WAIT_MS);
