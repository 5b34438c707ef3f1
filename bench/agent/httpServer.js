// An HTTP server; prints its port. On stdin "start" it starts counting (after a warm-up, so that
// start-up work is not charged to requests); on "report" prints {cpuMs, requests, rssMb} and exits.
const http = require('http');
let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true, n: requests, path: req.url }));
});
server.keepAliveTimeout = 30_000;
let c0;
server.listen(0, '127.0.0.1', () => {
  c0 = process.cpuUsage();
  requests = 0;
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on('data', (d) => {
  if (String(d).includes('start')) {
    c0 = process.cpuUsage();
    requests = 0;
    return;
  }
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, requests, rssMb: process.memoryUsage().rss / 1048576 }) + '\n');
  process.exit(0);
});
