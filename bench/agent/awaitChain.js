// AWAITS (default 5e6) awaits started from a timer; prints {ms, cpuMs}.
async function step(i) { return i; }
setTimeout(async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let x = 0;
  const n = Number(process.env.AWAITS || 5e6);
  for (let i = 0; i < n; i++) x += await step(i);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, x }) + '\n');
}, 5);
