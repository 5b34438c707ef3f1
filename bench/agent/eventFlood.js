// As many setImmediate hops as the loop can run for FLOOD_MS; prints {events, ms}.
const ms = Number(process.env.FLOOD_MS || 3000);
setTimeout(() => {
  const t0 = performance.now();
  let n = 0;
  const hop = () => {
    n++;
    if ((n & 1023) !== 0 || performance.now() - t0 < ms) return setImmediate(hop);
    process.stdout.write(JSON.stringify({ events: n, ms: performance.now() - t0 }) + '\n');
  };
  setImmediate(hop);
}, 5);
