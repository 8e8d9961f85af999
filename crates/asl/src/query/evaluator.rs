//! Where JSONata runs: linked into this build, or in the site's second wasm module.
//!
//! Native builds (the CLI, benchmarks, tests, conformance) and wasm builds without the
//! `jsonata-module` feature link the evaluator (`linked`). A wasm build with the feature leaves
//! it out and sends each evaluation to the module `crates/jsonata-wasm` builds, which the page
//! loads beside the main one (`module`; the bytes are `stepwise_jsonata::wire`'s). Both give the
//! same answers: the second module runs the same evaluator with the same functions, on values
//! that cross unchanged, and draws its random numbers from this side's generator. Nothing above
//! this file knows which one runs.

use stepwise_json::Value;
use stepwise_jsonata::{Env, Error, Outcome};

#[cfg(not(all(feature = "jsonata-module", target_arch = "wasm32")))]
pub(crate) use linked::*;
/// How a host hands over the loaded JSONata module (the JS API's `init()` calls it through
/// wasm-bindgen's export; the playground, which loads the module itself, calls it from Rust).
#[cfg(all(feature = "jsonata-module", target_arch = "wasm32"))]
pub use module::attach_jsonata;
#[cfg(all(feature = "jsonata-module", target_arch = "wasm32"))]
pub(crate) use module::*;

/// Checks the syntax of an expression (the text inside `{% %}`), as a validator does.
pub fn check(text: &str) -> Result<(), Error> {
    check_syntax(text)
}

/// Whether JSONata can be evaluated now: always when it is linked; with the second module, once
/// the page has loaded it. A host that loads it late must not validate or run a definition that
/// uses JSONata before this is true.
pub fn evaluator_ready() -> bool {
    ready()
}

#[cfg(not(all(feature = "jsonata-module", target_arch = "wasm32")))]
mod linked {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;
    use stepwise_jsonata::{Expression, Functions, JValue};

    /// A binding converted for the evaluator, once per template.
    pub(crate) type Prepared = JValue;
    pub(crate) type Compiled = Expression;

    /// Compiled expressions kept per thread, by text: a state's expressions are compiled once,
    /// not at each visit. Emptied when it grows past this many (generated texts cannot grow it
    /// forever).
    const CACHE_LIMIT: usize = 2048;

    thread_local! {
        static CACHE: RefCell<HashMap<String, Rc<Expression>>> = RefCell::new(HashMap::new());
        static FUNCTIONS: Functions = stepwise_jsonata::aws::functions();
    }

    pub(crate) fn prepare(value: &Value) -> Prepared {
        stepwise_jsonata::from_json(value)
    }

    pub(crate) fn compile(text: &str) -> Result<Rc<Expression>, Error> {
        if let Some(found) = CACHE.with(|c| c.borrow().get(text).cloned()) {
            return Ok(found);
        }
        let compiled = Rc::new(Expression::compile(text)?);
        CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(text.to_owned(), Rc::clone(&compiled));
        });
        Ok(compiled)
    }

    /// AWS evaluates with no input document: `$` and bare field names find nothing.
    pub(crate) fn evaluate(
        expression: &Expression,
        bindings: &[(&str, &Prepared)],
        env: &mut Env,
    ) -> Result<Outcome, Error> {
        FUNCTIONS.with(|functions| expression.evaluate_prepared(None, bindings, env, functions))
    }

    pub(super) fn check_syntax(text: &str) -> Result<(), Error> {
        Expression::compile(text).map(drop)
    }

    pub(super) fn ready() -> bool {
        true
    }
}

/// The evaluation as the second module makes it, over a `transport` that carries the request
/// there and its answer back (the page's bridge in wasm; in native tests, the module's own code
/// called directly, which checks this path against the linked one).
#[cfg(any(test, all(feature = "jsonata-module", target_arch = "wasm32")))]
mod over_the_wire {
    use super::*;
    use stepwise_jsonata::{budget, wire, Names};

    pub(crate) struct Compiled {
        text: String,
        names: Names,
    }

    impl Compiled {
        pub(crate) fn new(text: &str) -> Self {
            Self {
                text: text.to_owned(),
                names: Names::of(text),
            }
        }

        pub(crate) fn mentions(&self, name: &str) -> bool {
            self.names.mentions(name)
        }
    }

    /// Sends the evaluation over `transport` with `env` lent out meanwhile, so that the
    /// module's calls back for random draws ([`draw`]) reach this evaluation's generator.
    pub(crate) fn evaluate_over(
        expression: &Compiled,
        bindings: &[(&str, &wire::Encoded)],
        env: &mut Env,
        transport: impl FnOnce(&[u8]) -> Vec<u8>,
    ) -> Result<Outcome, Error> {
        let request = wire::evaluation_request(
            &expression.text,
            bindings,
            env.now_millis,
            budget::current(),
        );
        let answer = stepwise_jsonata::lend_env(env, || transport(&request));
        wire::read_outcome(&answer)
    }

    /// A random draw for the evaluation in progress; NaN when none is (the module then fails
    /// the evaluation rather than use it).
    pub(crate) fn draw() -> f64 {
        stepwise_jsonata::with_lent_env(|env| (env.random)()).unwrap_or(f64::NAN)
    }
}

#[cfg(all(feature = "jsonata-module", target_arch = "wasm32"))]
mod module {
    use super::over_the_wire::{draw, evaluate_over};
    use super::*;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;

    pub(crate) use super::over_the_wire::Compiled;
    /// A binding written out for the module, once per template.
    pub(crate) type Prepared = stepwise_jsonata::wire::Encoded;

    pub(crate) fn prepare(value: &Value) -> Prepared {
        stepwise_jsonata::wire::Encoded::new(value)
    }

    /// Nothing to compile here: the module compiles (and keeps) each text it is sent.
    pub(crate) fn compile(text: &str) -> Result<Rc<Compiled>, Error> {
        Ok(Rc::new(Compiled::new(text)))
    }

    pub(crate) fn evaluate(
        expression: &Compiled,
        bindings: &[(&str, &Prepared)],
        env: &mut Env,
    ) -> Result<Outcome, Error> {
        DRAW.with(|draw| {
            evaluate_over(expression, bindings, env, |request| {
                module_evaluate(request, draw.as_ref())
            })
        })
    }

    pub(super) fn check_syntax(text: &str) -> Result<(), Error> {
        stepwise_jsonata::wire::read_check(&module_check(text))
    }

    pub(super) fn ready() -> bool {
        attached()
    }

    thread_local! {
        /// The module's random source: a free function over the lent environment, never the
        /// engine (whose borrow the call in progress holds).
        static DRAW: Closure<dyn FnMut() -> f64> = Closure::new(draw);
    }

    // Where the page hands over the JSONata module (`stepwise_jsonata.js` once initialised):
    // kept in JavaScript, so that it outlives a reset of this module's instance. Validation
    // refuses JSONata until it is there (JSONATA_NOT_LOADED), so no definition that uses it can
    // run without it; should a call still come, it throws an `InternalError` (which the JS API's
    // guard handles as it does a trap) rather than answer without the evaluator.
    #[wasm_bindgen(inline_js = r#"
let jsonata = null;
export function attach(module) { jsonata = module; }
export function attached() { return jsonata !== null; }
function call(method, ...args) {
  if (jsonata === null) {
    const error = new Error(
      "Stepwise's JSONata module is not loaded: await init() (or give initSync its `jsonata`) " +
        'before using JSONata',
    );
    error.name = 'InternalError';
    throw error;
  }
  const module = jsonata;
  try {
    return module[method](...args);
  } catch (e) {
    // A trap leaves the module's instance mid-call: start it afresh for the next evaluation.
    if (e instanceof WebAssembly.RuntimeError && typeof module.__wbg_reset_state === 'function') {
      module.__wbg_reset_state();
    }
    throw e;
  }
}
export function module_evaluate(request, draw) { return call('evaluate', request, draw); }
export function module_check(text) { return call('check', text); }
"#)]
    extern "C" {
        fn attach(module: JsValue);
        fn attached() -> bool;
        fn module_evaluate(request: &[u8], draw: &JsValue) -> Vec<u8>;
        fn module_check(text: &str) -> Vec<u8>;
    }

    /// Hands this module the initialised JSONata module (its JS bindings' namespace); the JS
    /// API's `init()` and the site's pages call it.
    #[wasm_bindgen(js_name = attachJsonata)]
    pub fn attach_jsonata(module: JsValue) {
        attach(module);
    }
}

#[cfg(test)]
mod tests {
    use super::over_the_wire::{draw, evaluate_over, Compiled};
    use super::*;
    use stepwise_json::json;

    /// The path through the second module (its code called in place of the page's bridge)
    /// against the linked one, for what Step Functions adds and what reads the environment.
    #[test]
    fn the_module_path_answers_as_the_linked_one() {
        let states = json!({"input": {"list": [3, 1, 2], "n": 0.1, "name": "Ada"}});
        let texts = [
            "$states.input.list ~> $sort()",
            "$states.input.n + 0.2",
            "[$random(), $uuid(), $random(7), $shuffle($states.input.list)]",
            "[$now(), $millis(), $now('[Y0001]')]",
            "$partition([1, 2, 3], 2)",
            "$range(0, 10, 5)",
            "$hash($states.input.name, 'MD5')",
            "$parse('[1.0, 2]')",
            "$eval('1')",
            "$nothing",
            "function() { 1 }",
            "1 +",
        ];
        for text in texts {
            let run = |wired: bool| {
                let mut seed = 0.0;
                let mut random = move || {
                    seed += 0.125;
                    seed % 1.0
                };
                let mut env = Env {
                    now_millis: 1_700_000_000_000,
                    random: &mut random,
                };
                if wired {
                    let compiled = Compiled::new(text);
                    // `$eval` could reach any name.
                    let reaches = text.contains("$states") || text.contains("$eval");
                    assert_eq!(compiled.mentions("states"), reaches, "{text}");
                    let encoded = stepwise_jsonata::wire::Encoded::new(&states);
                    evaluate_over(&compiled, &[("states", &encoded)], &mut env, |request| {
                        stepwise_jsonata::wire::serve_evaluate(request, &mut draw)
                    })
                } else {
                    let prepared = prepare(&states);
                    compile(text).and_then(|e| evaluate(&e, &[("states", &prepared)], &mut env))
                }
            };
            assert_eq!(run(true), run(false), "{text}");
        }
        assert!(
            draw().is_nan(),
            "no environment is lent outside an evaluation"
        );
    }
}
