// Preload for the bench: blocked-at as a user would set it up (50 ms threshold, like ours); the
// report callback only counts, so that printing does not weigh on the comparison.
let blocks = 0;
require('blocked-at')(() => blocks++, { threshold: 50 });
process.on('exit', () => void blocks);
