// The entry point's types are the bindings' own (the guard changes no signature), but for `init`
// and `initSync`, which also load the JSONata module (see stepwise_wasm.js). `Stepwise`,
// `validateStateMachineDefinition`, `importExecution` and `replayExecution` may also throw an
// `Error` named `InternalError` (see stepwise_wasm.js).
import type { InitInput, InitOutput, SyncInitInput } from './stepwise_wasm_bindings.js';

export * from './stepwise_wasm_bindings.js';

/** Loads the main module and the JSONata module (`stepwise_jsonata_bg.wasm` next to this file
 *  unless `jsonata` names it), in parallel; resolves once both are ready. */
export default function init(
  module_or_path?:
    | { module_or_path?: InitInput | Promise<InitInput>; jsonata?: InitInput | Promise<InitInput> }
    | InitInput
    | Promise<InitInput>,
): Promise<InitOutput>;

/** Instantiates the main module and, given `jsonata`, the JSONata module from their bytes or
 *  compiled modules. Without `jsonata`, a definition that uses JSONata is refused
 *  (`InvalidDefinition`, diagnostic `JSONATA_NOT_LOADED`). */
export function initSync(module: { module: SyncInitInput; jsonata?: SyncInitInput } | SyncInitInput): InitOutput;
