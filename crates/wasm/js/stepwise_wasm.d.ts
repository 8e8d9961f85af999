// The entry point's types are the bindings' own: the guard changes no signature. `Stepwise`,
// `validateStateMachineDefinition`, `importExecution` and `replayExecution` may also throw an
// `Error` named `InternalError` (see stepwise_wasm.js).
export * from './stepwise_wasm_bindings.js';
export { default } from './stepwise_wasm_bindings.js';
