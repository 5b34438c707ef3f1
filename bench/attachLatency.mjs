// `node bench/attachLatency.mjs [runs]` (after `npm run build`): how long `loopscope attach` takes
// from start to recording, and from Ctrl-C to the agent stopped and the inspector port closed, on
// fresh copies of test/fixtures/attachServer.js. Prints medians and every run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'loopscope-attach-bench-'));
const until = (stream, re) => new Promise((done) => {
  let text = '';
  const on = (d) => {
    text += d;
    if (!re.test(text)) return;
    stream.off('data', on);
    done();
  };
  stream.on('data', on);
});
const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const attachMs = [];
const detachMs = [];
for (let i = 0; i < runs; i++) {
  const server = spawn(process.execPath, ['--inspect-port=0', join(root, 'test/fixtures/attachServer.js')], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await until(server.stdout, /port \d+/);
    const t0 = performance.now();
    const cli = spawn(process.execPath, [join(root, 'dist/cli.js'), 'attach', String(server.pid), '-o', join(dir, `${i}.json`)], { stdio: ['ignore', 'ignore', 'pipe'] });
    await until(cli.stderr, /press Ctrl-C/);
    attachMs.push(performance.now() - t0);
    const t1 = performance.now();
    cli.kill('SIGINT');
    await until(cli.stderr, /detached/);
    detachMs.push(performance.now() - t1);
    await new Promise((done) => cli.on('close', done));
  } finally {
    server.kill();
  }
}
rmSync(dir, { recursive: true, force: true });
const list = (a) => a.map((x) => x.toFixed(0)).join(', ');
console.log(`attach → recording: median ${median(attachMs).toFixed(0)} ms (${list(attachMs)})`);
console.log(`Ctrl-C → detached:  median ${median(detachMs).toFixed(0)} ms (${list(detachMs)})`);
