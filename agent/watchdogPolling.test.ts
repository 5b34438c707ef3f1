import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { C_IN_CALLBACK, C_WAKE, createRing } from './sharedRing';
import { StallWatchdog } from './stallWatchdog';

interface Tick {
  at: number;
  loopCurrent: boolean;
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/**
 * A watchdog over a ring whose thread is inside a callback (so it never sleeps) and has no
 * heartbeat (so it never captures); `wantsTurn(i)`: what the i-th tick answers (something to send now).
 */
function watch(mayBlock: () => boolean, wantsTurn: (i: number) => boolean = () => false) {
  const ring = createRing(1024);
  ring.control[C_IN_CALLBACK] = 1;
  const ticks: Tick[] = [];
  const onTick = (loopCurrent: boolean) => {
    ticks.push({ at: performance.now(), loopCurrent });
    return wantsTurn(ticks.length - 1);
  };
  const dog = new StallWatchdog(ring, 50, { captured() {}, paused() {} }, onTick, undefined, false, () => undefined, mayBlock);
  stops.push(() => dog.stop());
  return { ring, ticks };
}

/** Resolves once `ticks` holds `n`; the blocking waits hold this thread, so this is checked as its loop turns. */
async function ticksOf(ticks: Tick[], n: number): Promise<Tick[]> {
  while (ticks.length < n) await new Promise((r) => setImmediate(r));
  return ticks.slice(0, n);
}

describe('the watchdog\'s polls', () => {
  it('while the loop has nothing to do, polls on blocking waits a period apart, and only every fourth follows a loop turn', async () => {
    const { ticks } = watch(() => true);
    const got = await ticksOf(ticks, 12);
    expect(got.map((t) => t.loopCurrent)).toEqual([false, false, false, true, false, false, false, true, false, false, false, true]);
    // A wait never ends early: 11 periods of 25 ms lie between the first poll and the twelfth.
    expect(got[11].at - got[0].at).toBeGreaterThanOrEqual(11 * 25 - 1);
  });

  it('a blocked poll with something to send turns the loop at once, and the next poll sends', async () => {
    const { ticks } = watch(() => true, (i) => i === 1);
    const got = await ticksOf(ticks, 7);
    // Regularly the third poll would follow another blocking wait; here it follows the turn the
    // second asked for, and the regular rhythm starts again from it.
    expect(got.map((t) => t.loopCurrent)).toEqual([false, false, true, false, false, false, true]);
  });

  it('polls on timers, every one after a loop turn, while something waits on the loop', async () => {
    const { ticks } = watch(() => false);
    const got = await ticksOf(ticks, 6);
    expect(got.every((t) => t.loopCurrent)).toBe(true);
  });

  it('a bump of C_WAKE made while no wait was under way stops the next wait, once', async () => {
    const { ring, ticks } = watch(() => true);
    await ticksOf(ticks, 2);
    // Bumped between two waits (this thread runs between them): no notify could reach it.
    Atomics.add(ring.control, C_WAKE, 1);
    const from = ticks.length;
    const got = (await ticksOf(ticks, from + 5)).slice(from);
    // This turn's own poll, then the one after the turn the bump asked for (unbumped, a blocked poll
    // would come second), then the regular rhythm again: the bump is served once.
    expect(got.map((t) => t.loopCurrent)).toEqual([true, true, false, false, false]);
  });

  it('a notify on C_WAKE ends the wait at once, and the next poll follows a loop turn', async () => {
    const { ring, ticks } = watch(() => true);
    await ticksOf(ticks, 1);
    // Another thread notifies over and over (a notify reaches only a thread already waiting).
    const notifier = new Worker(
      `const { workerData } = require('node:worker_threads'); const c = new Int32Array(workerData.sab, 0, ${C_WAKE + 1});
       const t = setInterval(() => Atomics.notify(c, ${C_WAKE}), 1); setTimeout(() => clearInterval(t), 10000);`,
      { eval: true, workerData: { sab: ring.sab } },
    );
    stops.push(() => void notifier.terminate());
    await new Promise((r) => notifier.once('online', r));
    const from = ticks.length;
    const got = (await ticksOf(ticks, from + 8)).slice(from);
    // Unwoken, 2 of 8 polls follow a loop turn; woken, each does (a notifier thread held off the
    // CPU for a whole period on a loaded machine may let one wait run out).
    expect(got.filter((t) => t.loopCurrent).length).toBeGreaterThanOrEqual(6);
  });
});
