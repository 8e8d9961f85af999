// The entry point of the JS API package (dist/pkg/stepwise_wasm.js): wasm-bindgen's bindings
// (stepwise_wasm_bindings.js, generated), with every call into the module guarded against a trap.
//
// A trap (a stack overflow, memory exhausted, an `unreachable`) leaves a WebAssembly instance in
// an undefined state: its stack pointer and the called engine's borrow flag stay as they were
// mid-call, so every later call may fail, `new Stepwise()` included. Panics are handled inside the
// module (they are thrown as `InternalError` and the instance is replaced before the next call);
// any other trap runs no code of the module, so it is caught here: the instance is replaced at
// once and the call throws an `Error` named `InternalError`. Engines made before a reset lived in
// the old instance's memory and are gone; calling one throws `InternalError` too.
//
// Everything else is wasm-bindgen's: `init`, `initSync`, the types, the class's own methods.

import init, * as bindings from './stepwise_wasm_bindings.js';

export * from './stepwise_wasm_bindings.js';
export default init;

/** What wasm-bindgen throws when an object of a replaced instance is used. */
const STALE = 'Invalid stale object from previous Wasm instance';

function internalError(message, cause) {
  const error = new Error(message, { cause });
  error.name = 'InternalError';
  return error;
}

function guarded(call) {
  try {
    return call();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      bindings.__wbg_reset_state();
      throw internalError(
        `Stepwise's WebAssembly module trapped (${e.message}) and was reset: engines created before ` +
          'this error are gone; new ones work. Please report the call that caused it.',
        e,
      );
    }
    if (e instanceof Error && e.message === STALE) {
      throw internalError(
        'This engine was lost when Stepwise reset itself after an InternalError; create a new one.',
        e,
      );
    }
    throw e;
  }
}

/** One engine; see stepwise_wasm_bindings.js (and the README) for the methods. */
export class Stepwise extends bindings.Stepwise {
  constructor(options) {
    guarded(() => super(options));
  }
}

// Every method of the generated class, guarded. The method is looked up when it is called, so the
// wrapper holds nothing of the instance it was loaded with.
for (const name of Object.getOwnPropertyNames(bindings.Stepwise.prototype)) {
  const own = Object.getOwnPropertyDescriptor(bindings.Stepwise.prototype, name);
  if (name === 'constructor' || typeof own.value !== 'function') continue;
  Object.defineProperty(Stepwise.prototype, name, {
    ...own,
    value: {
      [name](...args) {
        return guarded(() => bindings.Stepwise.prototype[name].apply(this, args));
      },
    }[name],
  });
}

export function validateStateMachineDefinition(input) {
  return guarded(() => bindings.validateStateMachineDefinition(input));
}
