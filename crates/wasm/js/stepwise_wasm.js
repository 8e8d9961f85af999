// The entry point of the JS API package (dist/pkg/stepwise_wasm.js): wasm-bindgen's bindings
// (stepwise_wasm_bindings.js, generated), with every call into the module guarded against a trap.
//
// A trap (a Rust panic, a stack overflow, memory exhausted) leaves a WebAssembly instance in an
// undefined state: its stack pointer and the called engine's borrow flag stay as they were
// mid-call, so every later call may fail, `new Stepwise()` included, and all engines of the page
// share that instance's memory. So when a call traps (a panic arrives as the `InternalError` the
// module's panic hook throws; any other trap as a `WebAssembly.RuntimeError`), the guard
//
// 1. replaces the instance with a fresh one (wasm-bindgen's `__wbg_reset_state`);
// 2. rebuilds every live engine in it by replaying the calls that changed it, in order: the engine
//    is deterministic (seeded names and tokens, a virtual clock), so the replay gives it back the
//    very state it had before the call that trapped;
// 3. throws an `Error` named `InternalError` for the call that trapped.
//
// An engine whose calls could not be recorded (an argument `JSON.stringify` cannot encode, or more
// than `LOG_LIMIT` characters of them) cannot be rebuilt: after a trap, calling it throws
// `InternalError`. Everything else is wasm-bindgen's, but for `init` and `initSync`, which also
// load the JSONata module (below).

import init, * as bindings from './stepwise_wasm_bindings.js';
import initJsonata, * as jsonata from './stepwise_jsonata.js';

export * from './stepwise_wasm_bindings.js';

// JSONata runs in a second module (stepwise_jsonata_bg.wasm), which the main one calls
// synchronously, deep inside calls such as `createStateMachine` (it checks the syntax) and
// `runUntilIdle` (it evaluates): there is no point at which a call could wait for it to load. So
// `init()` fetches and instantiates both, in parallel, and resolves once both are ready; a page
// that never uses JSONata pays the second download all the same, but no call can meet a missing
// evaluator. `init({ module_or_path, jsonata })` takes either module's source (as wasm-bindgen's
// `module_or_path`); `initSync({ module, jsonata })` their bytes or compiled modules. Without
// `jsonata`, `initSync` leaves JSONata out: a definition that uses it is refused
// (`InvalidDefinition`, diagnostic `JSONATA_NOT_LOADED`).

/** `init`'s or `initSync`'s argument, split into the main module's and JSONata's. */
function split(input) {
  if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, 'jsonata')) {
    const { jsonata: source, ...main } = input;
    return [main, source];
  }
  return [input, undefined];
}

export default async function initStepwise(input) {
  const [main, source] = split(input);
  const [exports] = await Promise.all([
    init(main),
    initJsonata(source === undefined ? undefined : { module_or_path: source }),
  ]);
  bindings.attachJsonata(jsonata);
  return exports;
}

export function initSync(input) {
  const [main, source] = split(input);
  const exports = bindings.initSync(main);
  if (source !== undefined) {
    jsonata.initSync({ module: source });
    bindings.attachJsonata(jsonata);
  }
  return exports;
}

const Base = bindings.Stepwise;

/** Calls that change an engine, and so are replayed; the others only read it. */
const CHANGING = new Set([
  'createStateMachine', 'updateStateMachine', 'deleteStateMachine', 'setMockConfig',
  'startExecution', 'stopExecution', 'sendTaskSuccess', 'sendTaskFailure', 'sendTaskHeartbeat',
  'step', 'runUntilIdle', 'advanceClock', 'advanceToNextTimer',
  'publishStateMachineVersion', 'deleteStateMachineVersion', 'createStateMachineAlias',
  'updateStateMachineAlias', 'deleteStateMachineAlias', 'redriveExecution',
]);

/** Characters of recorded arguments an engine may hold before it gives up being rebuildable;
 *  each recorded call also counts `ENTRY_COST` for the entry itself. */
const LOG_LIMIT = 32 * 1024 * 1024;
const ENTRY_COST = 64;

/** Per engine: its recorded calls (`[name, argumentsText, times]`, the same call repeated
 *  `times` in a row) and their size; a `null` log: the engine cannot be rebuilt. */
const records = new WeakMap();
/** The instance each engine lives in, counted from 0; a reset starts the next one. */
const homes = new WeakMap();
let instance = 0;
/** The engines to rebuild after a trap, held weakly, and each engine's entry in that set (which
 *  leaves it when the engine is freed or collected). */
const live = new Set();
const entries = new WeakMap();
const collected = new FinalizationRegistry((entry) => live.delete(entry));

// The constructor's BigInts (a seed may be one) survive the round trip through JSON text as
// tagged strings. Other calls take none, and go without the replacer, which would slow V8's
// JSON.stringify down several times.
const BIGINT = '\u0000bigint';
function snapshot(args, bigints = false) {
  try {
    return bigints
      ? JSON.stringify(args, (_, v) => (typeof v === 'bigint' ? { [BIGINT]: v.toString() } : v))
      : JSON.stringify(args);
  } catch {
    return undefined;
  }
}
function restore(text) {
  return JSON.parse(text, (_, v) => (v !== null && typeof v === 'object' && BIGINT in v ? BigInt(v[BIGINT]) : v));
}

function internalError(message, cause) {
  const error = new Error(message, { cause });
  error.name = 'InternalError';
  return error;
}

/** Whether a thrown value is a trap of the module, not an answer of the engine. */
function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError || (e instanceof Error && e.name === 'InternalError');
}

/** A fresh instance, with every engine that can be rebuilt rebuilt in it. */
function reset() {
  for (;;) {
    bindings.__wbg_reset_state();
    instance++;
    let replayTrapped = false;
    for (const ref of live) {
      const engine = ref.deref();
      if (!engine) live.delete(ref);
      const record = engine && records.get(engine);
      if (!record || !record.log) continue;
      try {
        const [[, options], ...calls] = record.log;
        const fresh = new Base(...restore(options));
        for (const [name, args, times] of calls) {
          for (let i = 0; i < times; i++) {
            try {
              Base.prototype[name].apply(fresh, restore(args));
            } catch (e) {
              // The call was answered before, so it is answered the same way now; a trap is not.
              if (isTrap(e)) throw e;
            }
          }
        }
        // The user's object takes over the rebuilt engine (and its place in the new instance).
        const home = fresh.__wbg_inst;
        engine.__wbg_ptr = fresh.__destroy_into_raw();
        engine.__wbg_inst = home;
        homes.set(engine, instance);
      } catch (e) {
        if (!isTrap(e)) throw e;
        // Replaying this engine trapped the new instance too: it is lost, and the others are
        // rebuilt again in yet another instance.
        record.log = null;
        replayTrapped = true;
        break;
      }
    }
    if (!replayTrapped) return;
  }
}

/** Calls `name` on `engine` (or the constructor, `engine` null) with a guard against traps. */
function guarded(engine, name, args, call) {
  if (engine && homes.get(engine) !== instance) {
    throw internalError(
      'This engine was lost when Stepwise reset itself after an InternalError (it could not be ' +
        'rebuilt: see the JS API README); create a new one.',
    );
  }
  const record = engine && CHANGING.has(name) ? records.get(engine) : undefined;
  const argsText = record && record.log ? snapshot(args) : undefined;
  let result;
  try {
    result = call();
  } catch (e) {
    if (!isTrap(e)) throw e;
    reset();
    const what =
      e instanceof WebAssembly.RuntimeError ? `Stepwise's WebAssembly module trapped (${e.message})` : e.message;
    throw internalError(
      `${what} in ${name}. The module was reset and its engines rebuilt as they were before this ` +
        'call. Please report the call that caused it.',
      e,
    );
  }
  if (record && record.log) {
    const last = record.log[record.log.length - 1];
    if (argsText === undefined || record.size + argsText.length + ENTRY_COST > LOG_LIMIT) {
      record.log = null;
    } else if (last[0] === name && last[1] === argsText) {
      // A page stepping in a loop repeats the same call: it is counted, not stored again.
      last[2]++;
    } else {
      record.log.push([name, argsText, 1]);
      record.size += argsText.length + ENTRY_COST;
    }
  }
  return result;
}

/** One engine; see stepwise_wasm_bindings.js (and the README) for the methods. */
export class Stepwise extends Base {
  constructor(...args) {
    const options = snapshot(args, true);
    guarded(null, 'new Stepwise', args, () => super(...args));
    records.set(this, { log: options === undefined ? null : [['new', options, 1]], size: 0 });
    homes.set(this, instance);
    const entry = new WeakRef(this);
    entries.set(this, entry);
    live.add(entry);
    collected.register(this, entry);
  }

  free() {
    live.delete(entries.get(this));
    // An engine of a replaced instance points into memory that is no longer its own.
    if (homes.get(this) !== instance) {
      this.__destroy_into_raw();
      return;
    }
    Base.prototype.free.call(this);
  }
}

for (const name of Object.getOwnPropertyNames(Base.prototype)) {
  const own = Object.getOwnPropertyDescriptor(Base.prototype, name);
  if (['constructor', 'free'].includes(name) || name.startsWith('__') || typeof own.value !== 'function') continue;
  Object.defineProperty(Stepwise.prototype, name, {
    ...own,
    value: {
      [name](...args) {
        return guarded(this, name, args, () => Base.prototype[name].apply(this, args));
      },
    }[name],
  });
}

export function validateStateMachineDefinition(...args) {
  return guarded(null, 'validateStateMachineDefinition', args, () => bindings.validateStateMachineDefinition(...args));
}

export function importExecution(...args) {
  return guarded(null, 'importExecution', args, () => bindings.importExecution(...args));
}

export function replayExecution(...args) {
  return guarded(null, 'replayExecution', args, () => bindings.replayExecution(...args));
}
