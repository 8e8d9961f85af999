// Bundled by esbuild for browsers (the package's "default" export condition). The .wasm file is
// imported through the package's exports map and inlined by esbuild's binary loader, so the bundle
// is one file that runs wherever it is loaded; the test runs it under Node.
import { initSync, Stepwise } from 'stepwise-wasm';
import wasm from 'stepwise-wasm/stepwise_wasm_bg.wasm';
import { check } from './scenario.mjs';

initSync({ module: wasm });
check(Stepwise, 'esbuild bundle (browser platform) of the installed tarball');
