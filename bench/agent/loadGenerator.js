// Open-loop load: RATE requests/s for DURATION_MS to PORT, arrivals on a fixed schedule
// whatever the responses do, so both runs see the same arrivals. Prints {sent, done, errors}.
const http = require('http');
const port = Number(process.argv[2]);
const rate = Number(process.argv[3] || 2000);
const duration = Number(process.argv[4] || 5000);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let sent = 0, done = 0, errors = 0;
const start = performance.now();
function fire() {
  sent++;
  const req = http.get({ port, host: '127.0.0.1', path: `/r/${sent}`, agent }, (res) => {
    res.resume();
    res.on('end', () => done++);
  });
  req.on('error', () => errors++);
}
const timer = setInterval(() => {
  const due = Math.min(rate * duration / 1000, Math.floor((performance.now() - start) * rate / 1000));
  while (sent < due) fire();
  if (performance.now() - start >= duration) {
    clearInterval(timer);
    const wait = setInterval(() => {
      if (done + errors >= sent || performance.now() - start > duration + 5000) {
        clearInterval(wait);
        agent.destroy();
        process.stdout.write(JSON.stringify({ sent, done, errors }) + '\n');
      }
    }, 20);
  }
}, 2);
