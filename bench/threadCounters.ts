/**
 * Cost of the stall-context baseline the transport worker takes on each poll (three /proc reads
 * of the recorded thread's counters) against the poll's existing fixed cost, a timer wakeup:
 * medians of interleaved rounds, printed as µs per read and as a share of a 25 ms poll interval.
 */
import { performance } from 'node:perf_hooks';
import { openThreadCounters, readKernelTid, TC_FIELDS } from '../agent/threadCounters';

const tid = readKernelTid();
const counters = tid === undefined ? undefined : openThreadCounters(process.pid, tid);
if (!counters) {
  console.log('no /proc thread counters on this system: nothing to measure');
  process.exit(0);
}
const out = new Float64Array(TC_FIELDS);
const ROUNDS = 21;
const READS = 2000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function wakeupUs(): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return ((performance.now() - t) * 1000) / 20;
}

async function main(): Promise<void> {
  const read: number[] = [];
  const wake: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    for (let i = 0; i < READS; i++) counters!.read(out, 0);
    read.push(((performance.now() - t) * 1000) / READS);
    wake.push(await wakeupUs());
  }
  const us = median(read);
  console.log(`counter read: ${us.toFixed(1)} µs (median of ${ROUNDS} rounds of ${READS})`);
  console.log(`loop turn (setImmediate round trip): ${median(wake).toFixed(1)} µs; read / turn = ${(us / median(wake)).toFixed(2)}`);
  console.log(`share of the worker's time at one read per 25 ms poll: ${((us / 25_000) * 100).toFixed(3)} %`);
  console.log(`sample: cpu ${(out[0] / 1e6).toFixed(1)} ms, runqueue ${(out[1] / 1e6).toFixed(1)} ms, majflt ${out[2]}, nvcsw ${out[3]}`);
}
void main();
