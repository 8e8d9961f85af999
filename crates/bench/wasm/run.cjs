// Runs the benchmark table compiled to wasm (`bench_main` of crates/bench, passed through
// `wasm-bindgen --target nodejs`) under Node.
// Usage: node run.cjs <dir/stepwise_bench.js> <repeat> <max_n> <only_mask> <n> <raised 0|1> <warmup>
'use strict';
const path = require('path');

const [glue, ...nums] = process.argv.slice(2);
const args = nums.map(Number);
if (!glue || args.length !== 6 || args.some((x) => !Number.isInteger(x) || x < 0)) {
  console.error('usage: node run.cjs <stepwise_bench.js> <repeat> <max_n> <only_mask> <n> <raised> <warmup>');
  process.exit(2);
}
const bench = require(path.resolve(glue));
const [repeat, maxN, mask, n, raised, warmup] = args;
const rc = bench.bench_main(repeat, maxN, mask, n, raised !== 0, warmup);
const mib = (bench.__wasm ? bench.__wasm.memory.buffer.byteLength : 0) / 1048576;
if (mib > 0) console.log(`\nwasm linear memory at the end: ${mib.toFixed(1)} MiB (it never shrinks)`);
// exitCode, not exit(): console.log on a pipe is asynchronous and must drain first.
process.exitCode = rc;
