// 500k setImmediate hops started from a timer; prints {ms, cpuMs}.
setTimeout(() => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  const hop = () => {
    if (++n < 500_000) return setImmediate(hop);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    process.stdout.write(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000 }) + '\n');
  };
  setImmediate(hop);
}, 5);
