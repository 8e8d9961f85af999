// Bundled by esbuild for browsers (the package's "default" export condition). The .wasm files (the
// main module and the JSONata module) are imported through the package's exports map and inlined
// by esbuild's binary loader, so the bundle is one file that runs wherever it is loaded; the test
// runs it under Node.
import { initSync, Stepwise } from 'stepwise-wasm';
import wasm from 'stepwise-wasm/stepwise_wasm_bg.wasm';
import jsonata from 'stepwise-wasm/stepwise_jsonata_bg.wasm';
import { check } from './scenario.mjs';

initSync({ module: wasm, jsonata });
check(Stepwise, 'esbuild bundle (browser platform) of the installed tarball');
