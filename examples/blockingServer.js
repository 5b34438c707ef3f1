// A small HTTP API with two classic event-loop mistakes, exercised by a few requests it sends
// itself, so that `npx loopscope record -- node examples/blockingServer.js` ends on its own.
const http = require('node:http');
const crypto = require('node:crypto');

function hashPassword(password) {
  // Synchronous key derivation: every other client waits while this runs.
  return crypto.pbkdf2Sync(password, 'per-user-salt', 300_000, 64, 'sha512').toString('hex');
}

function buildReport(rows) {
  let out = '';
  for (let i = 0; i < rows; i++) out += JSON.stringify({ i, at: new Date(i).toISOString() });
  return out.length;
}

const server = http.createServer((req, res) => {
  if (req.url === '/login') return res.end(hashPassword('hunter2'));
  if (req.url === '/report') return res.end(String(buildReport(400_000)));
  res.end('ok');
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const get = (path) =>
    new Promise((resolve) => http.get({ port, path }, (r) => r.resume().on('end', resolve)));
  for (const path of ['/', '/login', '/', '/report', '/login']) await get(path);
  server.close();
});
