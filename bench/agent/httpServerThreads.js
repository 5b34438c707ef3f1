// The bench's HTTP server, reporting per thread: prints its port; on stdin "start" takes a
// reading of every thread's CPU and wakeups; on "report" prints the change per request and exits.
const fs = require('fs');
const { createBenchServer } = require('./benchServer');
const { server, requests } = createBenchServer();

/** tid → {name, user, sys (ms), ns (schedstat: CPU in ns), wakes (voluntary context switches)} for every thread now. */
function threads() {
  const out = {};
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const status = fs.readFileSync(`/proc/self/task/${tid}/status`, 'latin1');
      const tick = 10; // USER_HZ = 100 on Linux
      out[tid] = {
        name: fs.readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim(),
        user: Number(f[11]) * tick,
        sys: Number(f[12]) * tick,
        ns: Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0]),
        wakes: Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]),
      };
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out;
}

let t0, r0, at0;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.stdin.on('data', (d) => {
  if (String(d).includes('start')) {
    t0 = threads();
    r0 = requests();
    at0 = performance.now();
    return;
  }
  const t1 = threads();
  const n = Math.max(1, requests() - r0);
  const s = (performance.now() - at0) / 1000;
  const main = String(process.pid);
  // The main thread, and the rest together (V8's helper threads, and the agent's worker where there is one).
  const report = { requests: n, threads: Object.keys(t1).length, mainUs: 0, mainSysUs: 0, mainWakesPerS: 0, otherUs: 0, otherWakesPerS: 0, newestUs: 0 };
  // The newest thread: the agent's transport worker where there is one (Node's own start first).
  const newest = String(Math.max(...Object.keys(t1).map(Number)));
  if (newest !== main && t0[newest]) report.newestUs = (t1[newest].ns - t0[newest].ns) / 1000 / n;
  for (const [tid, now] of Object.entries(t1)) {
    const was = t0[tid] ?? { user: 0, sys: 0, wakes: 0 };
    const cpuUs = ((now.user + now.sys - was.user - was.sys) * 1000) / n;
    const wakes = (now.wakes - was.wakes) / s;
    if (tid === main) {
      report.mainUs = cpuUs;
      report.mainSysUs = ((now.sys - was.sys) * 1000) / n;
      report.mainWakesPerS = wakes;
    } else {
      report.otherUs += cpuUs;
      report.otherWakesPerS += wakes;
    }
  }
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(0);
});
