//! Functions the host adds to (or takes from) the language, and the bridge that lets them read
//! the [`Env`] of the evaluation that calls them.

use crate::convert::{from_json, to_json};
use crate::{Env, Error, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TAIL_CALLS};
use jsonata_core::evaluator::{Evaluator, EvaluatorError};
use jsonata_core::value::JValue;
use std::cell::Cell;
use std::ptr::NonNull;
use std::rc::Rc;
use stepwise_json::Value;

/// A function callable from an expression as `$name(...)`. It receives the evaluated arguments
/// (`None` for an undefined argument or a function) and the environment of the evaluation;
/// `Ok(None)` returns undefined.
pub type HostFunction = dyn Fn(&[Option<Value>], &mut Env) -> Result<Option<Value>, Error>;

/// The functions an evaluation adds to JSONata's built-ins, and its depth limit.
///
/// [`Functions::standard`] holds the deterministic replacements for JSONata's impure built-ins
/// (`$now`, `$millis`, `$random`, `$shuffle`); hosts start from it and add their own.
#[derive(Clone)]
pub struct Functions {
    entries: Vec<(String, Rc<HostFunction>)>,
    max_depth: usize,
    max_tail_calls: u64,
}

impl std::fmt::Debug for Functions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.entries.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Functions")
            .field("names", &names)
            .field("max_depth", &self.max_depth)
            .field("max_tail_calls", &self.max_tail_calls)
            .finish()
    }
}

thread_local! {
    static STANDARD: Functions = Functions::build_standard();
}

impl Default for Functions {
    fn default() -> Self {
        Self::standard()
    }
}

impl Functions {
    /// JSONata's built-ins, with the clock and randomness taken from [`Env`].
    pub fn standard() -> Self {
        STANDARD.with(Clone::clone)
    }

    fn build_standard() -> Self {
        let mut functions = Self {
            entries: Vec::new(),
            max_depth: DEFAULT_MAX_DEPTH,
            max_tail_calls: DEFAULT_MAX_TAIL_CALLS,
        };
        functions.define("now", now);
        functions.define("millis", |_, env| Ok(Some(Value::from(env.now_millis))));
        functions.define("random", |args, env| {
            if !args.is_empty() {
                return Err(signature_error(1, "random"));
            }
            Ok(Some(crate::convert::number((env.random)())))
        });
        functions.define("shuffle", shuffle);
        functions.define("toMillis", to_millis);
        functions
    }

    /// Adds `$name`, replacing a function of that name (ours or a JSONata built-in that does not
    /// take part in jsonata-core's compiled fast path: every impure one qualifies).
    pub fn define(
        &mut self,
        name: &str,
        function: impl Fn(&[Option<Value>], &mut Env) -> Result<Option<Value>, Error> + 'static,
    ) -> &mut Self {
        self.entries.retain(|(n, _)| n != name);
        self.entries.push((name.to_owned(), Rc::new(function)));
        self
    }

    /// Takes `$name` away: calling it fails as calling an unknown function does (`T1006`).
    pub fn withdraw(&mut self, name: &str) -> &mut Self {
        self.define(name, |_, _| {
            Err(Error::new("T1006", "Attempted to invoke a non-function"))
        })
    }

    /// Sets the evaluation depth past which an evaluation fails with `U1001`.
    pub fn set_max_depth(&mut self, depth: usize) -> &mut Self {
        self.max_depth = depth;
        self
    }

    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Sets how many calls of tail-calling functions an evaluation may make before it fails
    /// with `U1001` (the bound on loops written as tail recursion).
    pub fn set_max_tail_calls(&mut self, calls: u64) -> &mut Self {
        self.max_tail_calls = calls;
        self
    }

    pub fn max_tail_calls(&self) -> u64 {
        self.max_tail_calls
    }

    /// Registers on `evaluator` the functions whose name `wanted` accepts.
    pub(crate) fn install(
        &self,
        evaluator: &mut Evaluator,
        slot: &Rc<EnvSlot>,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<(), Error> {
        for (name, function) in &self.entries {
            if !wanted(name) {
                continue;
            }
            let function = Rc::clone(function);
            let slot = Rc::clone(slot);
            evaluator
                .register_fn_override(name.clone(), move |args: &[JValue]| {
                    // The arguments are written out for the host (shared parts in full).
                    jsonata_core::budget::charge_steps(1)?;
                    for arg in args {
                        jsonata_core::budget::ensure_expanded(arg)?;
                    }
                    let args: Vec<Option<Value>> = args.iter().map(to_json).collect();
                    let result = slot.with(|env| function(&args, env)).unwrap_or_else(|| {
                        Err(Error::new(
                            "D3001",
                            "host function called outside an evaluation",
                        ))
                    });
                    match result {
                        Ok(Some(value)) => Ok(from_json(&value)),
                        Ok(None) => Ok(JValue::Undefined),
                        Err(e) => Err(EvaluatorError::EvaluationError(e.to_string())),
                    }
                })
                .map_err(crate::evaluation_error)?;
        }
        Ok(())
    }
}

/// Where the host functions of one evaluation find its [`Env`].
///
/// jsonata-core only accepts `'static` host functions, while an [`Env`] is borrowed for one
/// evaluation. The slot holds a pointer to it for exactly that long: [`with_env`] fills it and
/// empties it again before the borrow ends, and [`EnvSlot::with`] takes the pointer out while it
/// is in use, so no two mutable references to the `Env` ever exist at once.
pub(crate) struct EnvSlot(Cell<Option<NonNull<Env<'static>>>>);

impl EnvSlot {
    /// Runs `f` with the environment; `None` outside [`with_env`] or when already inside `f`.
    fn with<R>(&self, f: impl FnOnce(&mut Env) -> R) -> Option<R> {
        let ptr = self.0.take()?;
        // SAFETY: the pointer was made from a `&mut Env` that `with_env` holds borrowed for the
        // whole time the slot is filled; it was taken out of the slot, so this is the only
        // reference made from it; `f` is generic over the `Env`'s lifetime (it cannot keep the
        // reference or anything borrowed from it), and the pointer goes back only after `f` ends.
        #[allow(unsafe_code)]
        let env = unsafe { &mut *ptr.as_ptr() };
        let result = f(env);
        self.0.set(Some(ptr));
        Some(result)
    }
}

thread_local! {
    /// The environment [`lend_env`] lends out, for [`with_lent_env`].
    static LENT: std::cell::RefCell<Option<Rc<EnvSlot>>> = const { std::cell::RefCell::new(None) };
}

/// Lends `env` out for the duration of `f`, to whoever calls [`with_lent_env`] meanwhile: a host
/// whose evaluator runs in another wasm module lends the environment of the evaluation it asked
/// for, and the evaluator's calls back for random draws reach it there (a free function and this
/// thread-local, not the engine, whose borrow is held by the call in progress).
pub fn lend_env<R>(env: &mut Env, f: impl FnOnce() -> R) -> R {
    struct Return;
    impl Drop for Return {
        fn drop(&mut self) {
            LENT.with(|l| l.borrow_mut().take());
        }
    }
    with_env(env, |slot| {
        LENT.with(|l| *l.borrow_mut() = Some(Rc::clone(slot)));
        let _return = Return;
        f()
    })
}

/// Runs `f` with the environment [`lend_env`] lends out; `None` when none is lent (or it is in
/// use: the slot is taken while `f` runs, so a call back from inside `f` gets `None`).
pub fn with_lent_env<R>(f: impl FnOnce(&mut Env) -> R) -> Option<R> {
    let slot = LENT.with(|l| l.borrow().clone())?;
    slot.with(f)
}

/// Runs `f` with a slot through which host functions reach `env`.
pub(crate) fn with_env<R>(env: &mut Env, f: impl FnOnce(&Rc<EnvSlot>) -> R) -> R {
    struct Empty(Rc<EnvSlot>);
    impl Drop for Empty {
        fn drop(&mut self) {
            self.0 .0.set(None);
        }
    }
    let ptr = NonNull::from(env).cast::<Env<'static>>();
    let slot = Empty(Rc::new(EnvSlot(Cell::new(Some(ptr)))));
    f(&slot.0)
}

fn signature_error(argument: usize, function: &str) -> Error {
    Error::new(
        "T0410",
        format!("Argument {argument} of function \"{function}\" does not match function signature"),
    )
}

/// `$now([picture [, timezone]])`: the environment's clock, as ISO 8601 or formatted as
/// `$fromMillis` would.
fn now(args: &[Option<Value>], env: &mut Env) -> Result<Option<Value>, Error> {
    let millis = env.now_millis;
    if args.iter().all(Option::is_none) {
        return Ok(Some(Value::String(iso8601(millis))));
    }
    // Formatting is `$fromMillis`'s job; hand it the fixed instant.
    let ms = Some(Value::from(millis));
    let [picture, tz] = [
        args.first().cloned().flatten(),
        args.get(1).cloned().flatten(),
    ];
    builtin("$fromMillis($a, $b, $c)", &[ms, picture, tz])
}

/// Calls jsonata-core's own built-ins (`text` over `$a`, `$b`, `$c`) from inside an override.
fn builtin(text: &str, args: &[Option<Value>]) -> Result<Option<Value>, Error> {
    let expr = jsonata_core::parser::parse(text).map_err(|e| Error::new("D3001", e.to_string()))?;
    let mut context = jsonata_core::evaluator::Context::new();
    for (name, arg) in ["a", "b", "c"].iter().zip(args) {
        if let Some(v) = arg {
            context.bind((*name).into(), from_json(v));
        }
    }
    let mut evaluator = Evaluator::with_context(context);
    let result = evaluator
        .evaluate(&expr, &JValue::Undefined)
        .map_err(crate::evaluation_error)?;
    Ok(to_json(&result))
}

/// `$toMillis(timestamp [, picture])`. A picture that leaves out the leading components (a time
/// without a date, a day without a year) takes them from the current date: jsonata-core reads
/// the system clock for those, so they are put in front of the picture and the timestamp here,
/// from the environment's clock.
fn to_millis(args: &[Option<Value>], env: &mut Env) -> Result<Option<Value>, Error> {
    let (Some(Some(Value::String(timestamp))), Some(Some(Value::String(picture)))) =
        (args.first(), args.get(1))
    else {
        return builtin(
            "$toMillis($a, $b)",
            &[
                args.first().cloned().flatten(),
                args.get(1).cloned().flatten(),
            ],
        );
    };
    let present = picture_components(picture);
    let twelve_hour = (present.contains(&'h') || present.contains(&'P')) && !present.contains(&'H');
    let order: &[char] = if present.contains(&'d') {
        &['Y']
    } else if twelve_hour {
        &['Y', 'M', 'D', 'P', 'h', 'm', 's']
    } else {
        &['Y', 'M', 'D', 'H', 'm', 's']
    };
    let missing: Vec<char> = order
        .iter()
        .copied()
        .take_while(|c| !present.contains(c))
        .collect();
    // Week-date pictures are refused by jsonata-core whatever the clock says.
    let week_date = present.iter().any(|c| "XxWwF".contains(*c));
    if missing.is_empty() || present.is_empty() || week_date {
        return builtin(
            "$toMillis($a, $b)",
            &[Some(timestamp.clone().into()), Some(picture.clone().into())],
        );
    }
    let millis = env.now_millis;
    let (y, mo, d) = civil_from_days(millis.div_euclid(86_400_000));
    let ms_of_day = millis.rem_euclid(86_400_000);
    let (h, mi, s) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
    );
    let (mut pic, mut ts) = (String::new(), String::new());
    for c in missing {
        let (marker, value) = match c {
            'Y' => ("[Y0001]", format!("{y:04}")),
            'M' => ("[M01]", format!("{mo:02}")),
            'D' => ("[D01]", format!("{d:02}")),
            'H' => ("[H01]", format!("{h:02}")),
            'P' => (
                "[P]",
                if h < 12 {
                    "am".to_owned()
                } else {
                    "pm".to_owned()
                },
            ),
            'h' => ("[h]", format!("{}", if h % 12 == 0 { 12 } else { h % 12 })),
            'm' => ("[m01]", format!("{mi:02}")),
            _ => ("[s01]", format!("{s:02}")),
        };
        pic.push_str(marker);
        pic.push('~');
        ts.push_str(&value);
        ts.push('~');
    }
    pic.push_str(picture);
    ts.push_str(timestamp);
    builtin("$toMillis($a, $b)", &[Some(ts.into()), Some(pic.into())])
}

/// The component letters of a date-time picture's markers (`[Y0001]` gives `Y`).
fn picture_components(picture: &str) -> Vec<char> {
    let mut found = Vec::new();
    let mut chars = picture.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
            }
            '[' => {
                let mut first = None;
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    if first.is_none() && !d.is_whitespace() {
                        first = Some(d);
                    }
                }
                found.extend(first);
            }
            _ => {}
        }
    }
    found
}

/// Milliseconds since the epoch as JavaScript's `Date.toISOString()` writes them.
pub fn iso8601(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let ms_of_day = millis.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y:+07}")
    };
    format!("{year}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}Z")
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `$shuffle(array)`: jsonata-js's inside-out Fisher–Yates, drawing from the environment.
fn shuffle(args: &[Option<Value>], env: &mut Env) -> Result<Option<Value>, Error> {
    let items = match args.first() {
        None | Some(None) => return Ok(None),
        Some(Some(Value::Array(items))) => items.to_vec(),
        Some(Some(other)) => vec![other.clone()],
    };
    let mut result: Vec<Value> = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let pick = (((env.random)() * (index + 1) as f64).floor() as usize).min(index);
        if pick == index {
            result.push(item);
        } else {
            let moved = std::mem::replace(&mut result[pick], item);
            result.push(moved);
        }
    }
    Ok(Some(Value::Array(result.into())))
}
