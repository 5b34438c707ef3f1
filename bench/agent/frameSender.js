// Sends dispatch frames (built like the agent's) to a collector as fast as the socket takes
// them, for DURATION_MS, through the same ws client options as the agent. Prints {records, ms}.
const WebSocket = require('ws');
const [url, token, durationArg] = process.argv.slice(2);
const duration = Number(durationArg || 3000);
const RECORDS = 8192;
const frame = new Float64Array(2 + RECORDS * 5);
frame[0] = 0x4c530001;
frame[1] = RECORDS;
for (let i = 0; i < RECORDS; i++) frame.set([1, i + 10, 1, 1.7e15 + i * 10, 5], 2 + i * 5);
const ws = new WebSocket(url, { headers: { 'x-loopscope-token': token }, perMessageDeflate: false, generateMask: (m) => m.fill(0) });
ws.on('open', () => {
  ws.send(JSON.stringify({ t: 'hello', v: 1, pid: process.pid, ppid: 0, tid: 0, isMainThread: true, nodeVersion: process.version, argv: [], title: 'sender', startedAt: Date.now() * 1000, stallThresholdMs: 50 }));
  ws.send(JSON.stringify({ t: 'types', from: 0, names: ['UNKNOWN', 'Immediate'] }));
  const start = performance.now();
  let records = 0;
  const pump = () => {
    while (ws.bufferedAmount < 8 * 1024 * 1024) {
      if (performance.now() - start > duration) {
        ws.send(JSON.stringify({ t: 'bye', ts: Date.now() * 1000 }), () => {
          process.stdout.write(JSON.stringify({ records, ms: performance.now() - start }) + '\n');
          ws.close();
        });
        return;
      }
      ws.send(frame);
      records += RECORDS;
    }
    setImmediate(pump);
  };
  pump();
});
