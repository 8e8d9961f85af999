// The installed package imported by name from Node as an ES module; `init()` as the README shows.
import init, { Stepwise } from 'stepwise-wasm';
import { check } from './scenario.mjs';

await init();
check(Stepwise, 'Node ESM import of the installed tarball');
