// Loads what `wasm-pack build crates/wasm --target <target>` wrote into <dir> the way that target
// is meant to be loaded, and runs the shared scenario.
//
//   node [--experimental-wasm-modules] wasm-pack-target.mjs <web|bundler|nodejs> <dir>

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { check } from './scenario.mjs';

const [target, dir] = process.argv.slice(2);
const glue = pathToFileURL(join(dir, 'stepwise_wasm.js')).href;
const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
if (manifest.name !== 'stepwise-wasm') throw new Error(`package.json names ${manifest.name}`);

let api;
if (target === 'web') {
  // An ES module whose init() takes the module's bytes (or fetches its URL in a browser).
  api = await import(glue);
  await api.default({ module_or_path: await readFile(join(dir, 'stepwise_wasm_bg.wasm')) });
} else if (target === 'bundler') {
  // An ES module importing the .wasm file itself, instantiated on import.
  api = await import(glue);
} else if (target === 'nodejs') {
  // CommonJS that loads the .wasm file synchronously on require.
  api = (await import(glue)).default;
} else {
  throw new Error(`unknown target ${target}`);
}
check(api.Stepwise, `wasm-pack build --target ${target}`);
