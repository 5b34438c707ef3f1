// An HTTP server; prints its port. On stdin "start" it starts counting (after a warm-up, so that
// start-up work is not charged to requests); on "report" prints {cpuMs, requests, rssMb} and exits.
const { createBenchServer } = require('./benchServer');
const { server, requests } = createBenchServer();
let c0;
let r0 = 0;
server.listen(0, '127.0.0.1', () => {
  c0 = process.cpuUsage();
  r0 = requests();
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on('data', (d) => {
  if (String(d).includes('start')) {
    c0 = process.cpuUsage();
    r0 = requests();
    return;
  }
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, requests: requests() - r0, rssMb: process.memoryUsage().rss / 1048576 }) + '\n');
  process.exit(0);
});
