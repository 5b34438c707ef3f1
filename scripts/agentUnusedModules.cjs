// Stands in for `https`, `tls` and `zlib` inside the agent's bundled ws: the agent connects to its
// collector over ws:// on loopback, uncompressed, so ws never calls these there; loading them cost
// the transport worker 0.4 MB of RSS (measured). A call means a wss:// URL or deflate was asked for.
function unused(name) {
  return () => {
    throw new Error(`${name} is not bundled into the Loopscope agent (it connects over ws:// on loopback, uncompressed)`);
  };
}
module.exports = {
  request: unused('https.request'),
  connect: unused('tls.connect'),
  createInflateRaw: unused('zlib.createInflateRaw'),
  createDeflateRaw: unused('zlib.createDeflateRaw'),
};
