// An idle server-like process: after a second of settling (start-up is not idle), measures its
// own CPU over IDLE_MS; prints {cpuMs, ms, rssMb}.
const ms = Number(process.env.IDLE_MS || 5000);
setTimeout(() => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  setTimeout(() => {
    const c = process.cpuUsage(c0);
    process.stdout.write(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, ms: performance.now() - t0, rssMb: process.memoryUsage().rss / 1048576 }) + '\n');
  }, ms);
}, 1000);
