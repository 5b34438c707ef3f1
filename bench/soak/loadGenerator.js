// Open-loop load: GET `url` at `rate` requests per second over keep-alive sockets until SIGTERM,
// then prints {sent, ok, failed} as one JSON line and exits.
const http = require('http');

const [url, rateArg] = process.argv.slice(2);
const rate = Number(rateArg) || 200;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let sent = 0;
let ok = 0;
let failed = 0;
const t0 = Date.now();
const timer = setInterval(() => {
  // Catch up to the schedule, so a slow tick does not lower the rate.
  const due = Math.floor(((Date.now() - t0) / 1000) * rate);
  for (; sent < due; sent++) {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? ok++ : failed++));
      })
      .on('error', () => failed++);
  }
}, 10);
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ sent, ok, failed })}\n`);
  agent.destroy();
  process.exit(0);
});
