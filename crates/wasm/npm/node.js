// The package's entry under Node (the "node" condition of package.json's exports): the same API,
// but `init()` without an argument reads the .wasm files (the main module and JSONata's) next to
// this module, since Node's fetch() cannot load file: URLs. Browsers and bundlers get
// stepwise_wasm.js itself.
import { readFile } from 'node:fs/promises';
import init from './stepwise_wasm.js';

export * from './stepwise_wasm.js';

export default async function initInNode(input) {
  if (input !== undefined) return init(input);
  const read = (name) => readFile(new URL(`./${name}`, import.meta.url));
  const [module_or_path, jsonata] = await Promise.all([
    read('stepwise_wasm_bg.wasm'),
    read('stepwise_jsonata_bg.wasm'),
  ]);
  return init({ module_or_path, jsonata });
}
