// What a thread that wakes every POLL_MS (default 25, the watchdog's poll) and does nothing costs
// on this machine: a worker with an empty timer, and one in a blocking Atomics.wait loop (no event
// loop). Prints {timerMsPerS, waitMsPerS}: that thread's CPU (schedstat) per second over MS.
const { Worker } = require('worker_threads');
const fs = require('fs');
const pollMs = Number(process.env.POLL_MS || 25);
const ms = Number(process.env.MS || 4000);

function cpuNs(tid) {
  return Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
}

/** Starts `code` in a worker and returns its CPU ms per second over `ms`, read from the thread it added. */
async function measure(code) {
  const before = new Set(fs.readdirSync('/proc/self/task'));
  const worker = new Worker(code, { eval: true, workerData: { pollMs } });
  await new Promise((r) => worker.once('online', r));
  const tid = fs.readdirSync('/proc/self/task').find((t) => !before.has(t));
  await new Promise((r) => setTimeout(r, 300)); // start-up is not the poll
  const c0 = cpuNs(tid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const value = (cpuNs(tid) - c0) / 1e6 / ((performance.now() - t0) / 1000);
  await worker.terminate();
  return value;
}

(async () => {
  const timerMsPerS = await measure(`const { workerData } = require('worker_threads'); setInterval(() => {}, workerData.pollMs);`);
  const waitMsPerS = await measure(`const { workerData } = require('worker_threads'); const a = new Int32Array(new SharedArrayBuffer(4)); for (;;) Atomics.wait(a, 0, 0, workerData.pollMs);`);
  process.stdout.write(JSON.stringify({ pollMs, timerMsPerS, waitMsPerS }) + '\n');
})();
