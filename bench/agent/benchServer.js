// The bench's HTTP server, shared by the scripts that measure it: a small JSON answer per request.
const http = require('http');

/** A server not yet listening, and a count of the requests it has answered. */
function createBenchServer() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, n: requests, path: req.url }));
  });
  server.keepAliveTimeout = 30_000;
  return { server, requests: () => requests };
}

module.exports = { createBenchServer };
