//! Validation of state machine definitions, in the manner of AWS's ValidateStateMachineDefinition:
//! diagnostics with a severity, a stable code, a message and a location.
//!
//! Codes and wording are AWS's where AWS's answers are known (the conformance corpus's validation
//! cases, AWS's documented code list, and AWS answers others have recorded); `codes.md` next to
//! this file describes every code this module emits. Checks live one family per file:
//! [`schema`] (fields and types per state type), [`transitions`] (targets, reachability,
//! terminal states), [`paths`] (JSONPath, intrinsics, payload templates), [`resource`] (a Task's
//! `Resource`), [`query_language`] (JSONPath vs JSONata fields, JSONata expressions),
//! [`retry_catch`], [`limits`] (timeouts, Map numbers, Wait, names, size) and [`json_text`]
//! (text that is not JSON). Last, the engine's model is built: validating and creating a machine
//! are one checker.

mod json_text;
mod limits;
mod paths;
pub mod positions;
mod query_language;
mod resource;
mod retry_catch;
mod schema;
mod transitions;

#[cfg(test)]
mod agreement_tests;
#[cfg(test)]
mod external_tests;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, AWS's where AWS has one (`SCHEMA_VALIDATION_FAILED`, `INVALID_JSON_DESCRIPTION`, ...).
    pub code: String,
    pub message: String,
    /// JSON pointer into the definition (`/States/Check/Choices/0`); `None` for whole-text problems.
    pub location: Option<String>,
    /// 1-based line and column in the source text, when validating text.
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// The stable codes this module emits (see `codes.md`).
pub mod codes {
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    pub const TOO_DEEPLY_NESTED: &str = "TOO_DEEPLY_NESTED";
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    pub const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    pub const INVALID_JSONATA_EXPRESSION: &str = "INVALID_JSONATA_EXPRESSION";
    pub const JSONATA_NOT_LOADED: &str = "JSONATA_NOT_LOADED";
    pub const DEFINITION_TOO_LARGE: &str = "DEFINITION_TOO_LARGE";
    pub const NO_DOLLAR: &str = "NO_DOLLAR";
    pub const PASS_RESULT_IS_STATIC: &str = "PASS_RESULT_IS_STATIC";
}

/// Standard or Express: Express machines refuse some integrations (`.sync`, `.waitForTaskToken`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MachineType {
    #[default]
    Standard,
    Express,
}

impl MachineType {
    /// AWS's spelling, as API answers and `Type` fields give it (serde's too).
    pub fn as_str(self) -> &'static str {
        match self {
            MachineType::Standard => "STANDARD",
            MachineType::Express => "EXPRESS",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub machine_type: MachineType,
}

/// AWS's limit on a definition: 1 MiB of text.
pub const MAX_DEFINITION_BYTES: usize = 1_048_576;

/// Validates definition text (JSON parse errors included).
pub fn validate_text(text: &str) -> Vec<Diagnostic> {
    validate_text_with(text, &Options::default())
}

/// Validates an already-parsed definition.
pub fn validate_value(definition: &serde_json::Value) -> Vec<Diagnostic> {
    validate_value_with(definition, &Options::default())
}

/// True when no diagnostic is an error.
pub fn is_valid(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().all(|d| d.severity != Severity::Error)
}

/// [`validate_text`] for a given machine type.
pub fn validate_text_with(text: &str, options: &Options) -> Vec<Diagnostic> {
    compile_text_with(text, options).0
}

/// Validates `text` and, when it has no error, gives the definition the engine runs, built by
/// the same check: creating a machine is this, so it succeeds exactly when validation does.
pub fn compile_text_with(
    text: &str,
    options: &Options,
) -> (Vec<Diagnostic>, Option<crate::model::Definition>) {
    let value = match json_text::parse(text) {
        Ok(v) => v,
        Err(d) => return (vec![d], None),
    };
    let mut ctx = Ctx::new(options);
    limits::definition_size(&mut ctx, text.len());
    let index = positions::PositionIndex::build(text);
    for pointer in index.duplicate_members() {
        if let Some((parent, name)) = pointer.rsplit_once('/') {
            if parent.ends_with("/States") && !parent.contains("/Parameters") {
                let name = name.replace("~1", "/").replace("~0", "~");
                ctx.error(
                    codes::DUPLICATE_STATE_NAME,
                    pointer,
                    format!(
                        "State name \"{name}\" appears more than once in the same 'States' object"
                    ),
                );
            }
        }
    }
    ctx.check_definition(&value);
    let built = ctx.check_buildable(&value).ok().flatten();
    (ctx.finish(Some(&index)), built)
}

/// [`validate_value`] for a given machine type.
pub fn validate_value_with(definition: &Value, options: &Options) -> Vec<Diagnostic> {
    let mut ctx = Ctx::new(options);
    // The size AWS measures is that of the text; compact JSON is the smallest text there is.
    limits::definition_size(
        &mut ctx,
        serde_json::to_string(definition)
            .map(|s| s.len())
            .unwrap_or(0),
    );
    ctx.check_definition(definition);
    let _ = ctx.check_buildable(definition);
    ctx.finish(None)
}

/// [`validate_value`], also saying whether the last check (building the engine's model) refused
/// what every check before it let through: the property tests hold that it never does.
#[cfg(test)]
pub(crate) fn validate_value_reporting_build(
    definition: &Value,
) -> (Vec<Diagnostic>, Option<crate::model::BuildError>) {
    let options = Options::default();
    let mut ctx = Ctx::new(&options);
    ctx.check_definition(definition);
    let refused = ctx.check_buildable(definition).err();
    (ctx.finish(None), refused)
}

/// JSONPath or JSONata, as a state sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    JsonPath,
    Jsonata,
}

impl Lang {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Lang::JsonPath => "JSONPath",
            Lang::Jsonata => "JSONata",
        }
    }
}

struct Found {
    diagnostic: Diagnostic,
    /// Where an editor should point when that is more precise than `location` (AWS locates an
    /// unsupported field at its state; the cursor is better on the field itself).
    focus: Option<String>,
}

/// What the checks share while walking one definition.
pub(crate) struct Ctx<'a> {
    pub(crate) options: &'a Options,
    /// The machine's top-level query language: nested states inherit it, not their parent's.
    pub(crate) top: Lang,
    /// State names seen so far: names are unique across the whole machine, branches included.
    names: std::collections::BTreeSet<String>,
    found: Vec<Found>,
}

/// Appends `key` to a JSON pointer (`"/"` stands for the root, as AWS writes it).
pub(crate) fn child(pointer: &str, key: &str) -> String {
    let escaped = key.replace('~', "~0").replace('/', "~1");
    if pointer == "/" {
        format!("/{escaped}")
    } else {
        format!("{pointer}/{escaped}")
    }
}

pub(crate) fn index(pointer: &str, i: usize) -> String {
    child(pointer, &i.to_string())
}

impl<'a> Ctx<'a> {
    fn new(options: &'a Options) -> Self {
        Self {
            options,
            top: Lang::JsonPath,
            names: Default::default(),
            found: Vec::new(),
        }
    }

    pub(crate) fn push(
        &mut self,
        severity: Severity,
        code: &str,
        location: Option<&str>,
        focus: Option<&str>,
        message: impl Into<String>,
    ) {
        self.found.push(Found {
            diagnostic: Diagnostic {
                severity,
                code: code.to_owned(),
                message: message.into(),
                location: location.map(str::to_owned),
                line: None,
                column: None,
            },
            focus: focus.map(str::to_owned),
        });
    }

    /// A `SCHEMA_VALIDATION_FAILED` error at `location`.
    pub(crate) fn schema(&mut self, location: &str, message: impl Into<String>) {
        self.push(
            Severity::Error,
            codes::SCHEMA_VALIDATION_FAILED,
            Some(location),
            None,
            message,
        );
    }

    /// A `SCHEMA_VALIDATION_FAILED` error located at `location`, pointing the editor at `focus`.
    pub(crate) fn schema_at(&mut self, location: &str, focus: &str, message: impl Into<String>) {
        self.push(
            Severity::Error,
            codes::SCHEMA_VALIDATION_FAILED,
            Some(location),
            Some(focus),
            message,
        );
    }

    pub(crate) fn error(&mut self, code: &str, location: &str, message: impl Into<String>) {
        self.push(Severity::Error, code, Some(location), None, message);
    }

    pub(crate) fn warning(&mut self, code: &str, location: &str, message: impl Into<String>) {
        self.push(Severity::Warning, code, Some(location), None, message);
    }

    /// The last check: the model the engine runs must build. Its refusals are normally caught,
    /// better worded, by the checks above; any that is not still makes the definition invalid,
    /// so validating and creating a machine always agree.
    /// `Ok(None)` when an earlier check found an error (nothing is built); `Err` when the model
    /// refused what the earlier checks let through.
    fn check_buildable(
        &mut self,
        definition: &Value,
    ) -> Result<Option<crate::model::Definition>, crate::model::BuildError> {
        if self
            .found
            .iter()
            .any(|f| f.diagnostic.severity == Severity::Error)
        {
            return Ok(None);
        }
        match crate::model::Definition::from_value(&stepwise_json::Value::from(definition)) {
            Ok(built) => Ok(Some(built)),
            Err(error) => {
                let location = if error.pointer.is_empty() {
                    "/".to_owned()
                } else {
                    error.pointer.clone()
                };
                self.schema(&location, error.message.clone());
                Err(error)
            }
        }
    }

    fn check_definition(&mut self, definition: &Value) {
        let Some(root) = definition.as_object() else {
            self.push(
                Severity::Error,
                codes::SCHEMA_VALIDATION_FAILED,
                None,
                None,
                "Definition must be a valid JSON object",
            );
            return;
        };
        self.top = query_language::top_level(self, root);
        limits::root(self, root);
        self.machine(root, "/", Scope::Root);
    }

    /// A machine or sub-machine: the root, a Parallel branch, a Map's ItemProcessor/Iterator.
    pub(crate) fn machine(&mut self, obj: &Map<String, Value>, pointer: &str, scope: Scope) {
        schema::machine_fields(self, obj, pointer, scope);
        if let Some(states) = obj.get("States").and_then(Value::as_object) {
            let states_ptr = child(pointer, "States");
            for (name, state) in states {
                self.state(name, state, &child(&states_ptr, name));
            }
        }
        transitions::check_scope(self, obj, pointer);
    }

    fn state(&mut self, name: &str, state: &Value, pointer: &str) {
        limits::state_name(self, name, pointer);
        if !self.names.insert(name.to_owned()) {
            self.error(
                codes::DUPLICATE_STATE_NAME,
                pointer,
                format!("State name \"{name}\" is used more than once; state names must be unique in the whole state machine"),
            );
        }
        let Some(obj) = state.as_object() else {
            self.schema(pointer, "A state must be a JSON object");
            return;
        };
        let lang = query_language::state_language(self, obj, pointer);
        let Some(kind) = schema::state_type(self, obj, pointer) else {
            return;
        };
        schema::state_fields(self, obj, pointer, kind, lang);
        schema::transition_fields(self, obj, pointer, kind);
        match lang {
            Lang::JsonPath => paths::state(self, obj, pointer, kind),
            Lang::Jsonata => query_language::jsonata_state(self, obj, pointer),
        }
        retry_catch::check(self, obj, pointer, kind, lang);
        limits::state(self, obj, pointer, kind, lang);
        match kind {
            schema::StateType::Task => resource::check(self, obj, pointer),
            schema::StateType::Choice => schema::choice(self, obj, pointer, lang),
            schema::StateType::Parallel => {
                if let Some(branches) = obj.get("Branches").and_then(Value::as_array) {
                    let bp = child(pointer, "Branches");
                    for (i, b) in branches.iter().enumerate() {
                        match b.as_object() {
                            Some(branch) => self.machine(branch, &index(&bp, i), Scope::Branch),
                            None => self.schema(&index(&bp, i), "A branch must be a JSON object"),
                        }
                    }
                }
            }
            schema::StateType::Map => {
                for field in ["ItemProcessor", "Iterator"] {
                    if let Some(p) = obj.get(field).and_then(Value::as_object) {
                        let scope = if field == "ItemProcessor" {
                            Scope::ItemProcessor
                        } else {
                            Scope::Iterator
                        };
                        self.machine(p, &child(pointer, field), scope);
                    }
                }
            }
            _ => {}
        }
    }

    fn finish(self, index: Option<&positions::PositionIndex>) -> Vec<Diagnostic> {
        self.found
            .into_iter()
            .map(|f| {
                let mut d = f.diagnostic;
                if let Some(index) = index {
                    let target = f.focus.as_deref().or(d.location.as_deref());
                    if let Some(pos) = target.and_then(|p| index.lookup(p)) {
                        d.line = Some(pos.line);
                        d.column = Some(pos.column);
                    }
                }
                d
            })
            .collect()
    }
}

/// What kind of machine a `StartAt`/`States` object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    Root,
    Branch,
    ItemProcessor,
    Iterator,
}
