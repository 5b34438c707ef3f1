// A stall after an await: the continuation runs outside any callback's before/after pair.
const { setTimeout: sleep } = require('node:timers/promises');

async function main() {
  for (let i = 0; i < 3; i++) {
    await sleep(50);
    const big = Array.from({ length: 300_000 }, (_, k) => ({ k, s: String(k) }));
    big.sort((a, b) => (a.s < b.s ? -1 : 1));
  }
}
main();
