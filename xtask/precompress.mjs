// Writes NAME.gz and NAME.br next to every compressible file under a directory, for
// `cargo xtask serve` (and any static host that serves precompressed files) to send with
// `Content-Encoding`. Node's zlib does both at their highest levels; no extra tool is needed.
//
//   node xtask/precompress.mjs <dir>

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// Not .md: npm packs every README* file whatever package.json's `files` says, and dist/pkg is
// also the npm package.
const COMPRESSIBLE = new Set(['.wasm', '.js', '.mjs', '.css', '.html', '.json', '.svg', '.txt', '.map', '.ts']);
// Below this a compressed copy saves less than its headers cost.
const MIN_BYTES = 1024;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: node xtask/precompress.mjs <dir>');
let count = 0;
for await (const path of files(dir)) {
  const body = await readFile(path);
  if (body.length < MIN_BYTES) continue;
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      [constants.BROTLI_PARAM_MODE]: extname(path) === '.wasm' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  await writeFile(`${path}.br`, br);
  await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }));
  count += 1;
}
console.log(`precompressed ${count} files under ${dir} (.gz and .br)`);
