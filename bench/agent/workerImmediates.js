// 500k setImmediate hops inside a worker thread (the agent records the worker's loop too); prints {ms}.
const { Worker } = require('worker_threads');
const path = require('path');
const worker = new Worker(path.join(__dirname, 'immediates.js'), { stdout: true });
let out = '';
worker.stdout.on('data', (d) => (out += d));
worker.on('exit', () => process.stdout.write(out.trim().split('\n').pop() + '\n'));
