//! JSONPath as Step Functions uses it: reference paths (ResultPath and `*Path` fields), full
//! paths with wildcards, slices, recursive descent and filters, the context object (`$$`) and
//! variables (`$name`).
//!
//! Written here rather than wrapping a crate: AWS evaluates Jayway's dialect, and the RFC 9535
//! crates (`serde_json_path`, `jsonpath-rust`) both scored 49/58 on `tests/corpus/jsonpath/cases.json`
//! (they reject AWS's own `$.['def ghi']` and `$.detail-type`, match scalars in filters, lack
//! `.length()`, `in`, `=~`), have no notion of `$$`/`$var` roots, of Jayway's error texts or of
//! writing a value at a path (ResultPath).

mod eval;
mod parse;

use crate::error::StatesError;
use crate::scope::Scope;
use std::borrow::Cow;
use stepwise_json::{Map, Value};

/// A JSONPath compiled once (per state, per machine) and evaluated many times.
#[derive(Clone, Debug)]
pub struct JsonPath {
    text: String,
    root: Root,
    segs: Vec<Seg>,
    func: Option<Func>,
    shape: Shape,
}

/// Where a path starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// `$`: the state's input.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: the variable `name`.
    Var(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// Only single names and single indexes: names at most one node.
    Definite,
    /// A definite path ending in `['a','b']`: Jayway gives an object of those properties.
    NamesLeaf,
    Indefinite,
}

#[derive(Clone, Debug)]
pub(crate) enum Seg {
    Child(Sel),
    Descend(Sel),
}

#[derive(Clone, Debug)]
pub(crate) enum Sel {
    Name(String),
    Names(Vec<String>),
    Wildcard,
    Index(i64),
    Indexes(Vec<i64>),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Filter(Box<Expr>),
}

/// Functions Jayway allows at the end of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    Length,
    Min,
    Max,
    Avg,
    Sum,
    Keys,
    First,
    Last,
}

#[derive(Clone, Debug)]
pub(crate) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Exists(Operand),
    Compare(Operand, Cmp, Operand),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
}

/// A path relative to `@` or `$` inside a filter.
#[derive(Clone, Debug)]
pub(crate) struct Rel {
    segs: Vec<Seg>,
    func: Option<Func>,
}

#[derive(Clone, Debug)]
pub(crate) enum Operand {
    Current(Rel),
    Root(Rel),
    Value(Value),
    Regex(regex_lite::Regex),
}

fn shape_of(segs: &[Seg], func: Option<Func>) -> Shape {
    let single = |s: &Seg| matches!(s, Seg::Child(Sel::Name(_) | Sel::Index(_)));
    match segs.split_last() {
        _ if func.is_some() => Shape::Indefinite,
        None => Shape::Definite,
        Some((Seg::Child(Sel::Names(_)), prefix)) if prefix.iter().all(single) => Shape::NamesLeaf,
        Some(_) if segs.iter().all(single) => Shape::Definite,
        Some(_) => Shape::Indefinite,
    }
}

impl JsonPath {
    /// Parses `text` (`$`, `$.a.b[0]`, `$$.Execution.Id`, `$var.field`, `$..x`, `$.a[?(@.p > 1)]`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let parse::Parsed { root, segs, func } = parse::parse(text)?;
        let shape = shape_of(&segs, func);
        Ok(Self {
            text: text.to_owned(),
            root,
            segs,
            func,
            shape,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    /// Whether evaluating it reads the context object (`$$...`).
    pub fn reads_context(&self) -> bool {
        self.root == Root::Context
    }

    /// True when the path names at most one node (Jayway's "definite" path).
    pub fn is_definite(&self) -> bool {
        self.shape == Shape::Definite
    }

    /// True for a path that names at most one node and no wildcards/filters (what ResultPath accepts).
    pub fn is_reference_path(&self) -> bool {
        self.shape == Shape::Definite
    }

    /// Evaluates against the right root of `scope`: the input for `$...`, the context object for
    /// `$$...`, a variable for `$name...`. `None` when a definite path matches nothing; an
    /// indefinite path (wildcards, filters, slices, `..`) gives an array, possibly empty.
    ///
    /// A path that would visit more nodes than the evaluation budget allows gives `None` here;
    /// [`try_select_cow`](Self::try_select_cow) says so as an error.
    pub fn select(&self, scope: &Scope) -> Option<Value> {
        self.select_cow(scope).map(Cow::into_owned)
    }

    /// As [`select`](Self::select), borrowing from the scope when the result is one node.
    pub fn select_cow<'a>(&self, scope: &Scope<'a>) -> Option<Cow<'a, Value>> {
        self.try_select_cow(scope).ok().flatten()
    }

    /// As [`select_cow`](Self::select_cow), with `States.DataLimitExceeded` for a path that
    /// visits more nodes than the evaluation budget allows (descendant segments multiply).
    pub fn try_select_cow<'a>(
        &self,
        scope: &Scope<'a>,
    ) -> Result<Option<Cow<'a, Value>>, StatesError> {
        let Some(root) = self.root_value(scope) else {
            return Ok(None);
        };
        self.eval_in(root).map_err(|e| {
            StatesError::new(
                crate::error::names::DATA_LIMIT_EXCEEDED,
                format!(
                    "The JSONPath '{}' visits more than {} nodes, the limit of one evaluation.",
                    self.text(),
                    e.limit
                ),
            )
        })
    }

    /// Evaluates against `root`, whatever the path's own root is.
    pub fn select_in(&self, root: &Value) -> Option<Value> {
        self.eval_in(root).ok().flatten().map(Cow::into_owned)
    }

    /// The value the path starts from in `scope` (`None` for an unknown variable).
    pub fn root_value<'a>(&self, scope: &Scope<'a>) -> Option<&'a Value> {
        match &self.root {
            Root::Input => Some(scope.input),
            Root::Context => Some(scope.context),
            Root::Var(name) => scope.vars.get(name),
        }
    }

    fn eval_in<'a>(&self, root: &'a Value) -> Result<Option<Cow<'a, Value>>, eval::TooManyNodes> {
        let found = match self.shape {
            Shape::Definite => return Ok(eval::definite(&self.segs, root).map(Cow::Borrowed)),
            Shape::NamesLeaf => {
                let Some((last, prefix)) = self.segs.split_last() else {
                    return Ok(None);
                };
                let Some(node) = eval::definite(prefix, root) else {
                    return Ok(None);
                };
                let Seg::Child(Sel::Names(names)) = last else {
                    return Ok(None);
                };
                return Ok(eval::names_object(node, names).map(Cow::Owned));
            }
            Shape::Indefinite => {
                if self.func.is_some()
                    && self
                        .segs
                        .iter()
                        .all(|s| matches!(s, Seg::Child(Sel::Name(_) | Sel::Index(_))))
                {
                    match eval::definite(&self.segs, root) {
                        Some(node) => Cow::Borrowed(node),
                        None => return Ok(None),
                    }
                } else {
                    Cow::Owned(Value::Array(
                        eval::collect(&self.segs, root, root)?
                            .into_iter()
                            .cloned()
                            .collect(),
                    ))
                }
            }
        };
        Ok(match self.func {
            Some(f) => eval::apply_func(f, &found).map(Cow::Owned),
            None => Some(found),
        })
    }

    /// Jayway's path notation of this path (`$['a']['b'][0]`), as AWS prints it in causes.
    pub fn normalized(&self) -> String {
        let mut out = String::from("$");
        for seg in &self.segs {
            eval::render_seg(seg, &mut out);
        }
        out
    }

    /// Why the path selects nothing in `root`, in Jayway's words (`No results for path:
    /// $['x']`, `Missing property in path $['a']`). Meant for the failure path only.
    pub fn explain_missing(&self, root: Option<&Value>) -> String {
        eval::explain_missing(&self.segs, root, &self.normalized())
    }

    /// The cause AWS gives when an InputPath/OutputPath/ItemsPath-style field selects nothing:
    /// `Invalid path '$.x' : No results for path: $['x']`.
    pub fn invalid_path_cause(&self, scope: &Scope) -> String {
        format!(
            "Invalid path '{}' : {}",
            self.text,
            self.explain_missing(self.root_value(scope))
        )
    }

    /// Writes `value` at this reference path inside `target` (ResultPath semantics): `$` replaces
    /// the whole value; missing objects on the way are created. Errors when the path cannot be
    /// written (an intermediate value is not an object); the message is AWS's cause text.
    pub fn assign(&self, target: Value, value: Value) -> Result<Value, String> {
        if self.root != Root::Input {
            return Err(format!(
                "The path '{}' cannot be written: it must start with '$.'",
                self.text
            ));
        }
        if !self.is_reference_path() {
            return Err(format!(
                "The path '{}' is not a reference path (no wildcards, filters, slices or '..')",
                self.text
            ));
        }
        let mut target = target;
        let mut value = Some(value);
        let mut cur = &mut target;
        let last = self.segs.len().saturating_sub(1);
        for (i, seg) in self.segs.iter().enumerate() {
            let step_err = |cur: &Value, step: &str| {
                format!(
                    "Unable to apply step \"{step}\" to input {}",
                    cur.to_json_string()
                )
            };
            match seg {
                Seg::Child(Sel::Name(name)) => {
                    let Value::Object(map) = cur else {
                        return Err(step_err(cur, name));
                    };
                    if i == last {
                        map.insert(name.as_str().into(), value.take().unwrap_or(Value::Null));
                        break;
                    }
                    cur = map.get_or_insert_with(name, || Value::Object(Map::new()));
                }
                Seg::Child(Sel::Index(idx)) => {
                    let len = cur.as_array().map(|a| a.len());
                    let pos = len.and_then(|n| eval::resolve_index(*idx, n));
                    let Some(pos) = pos else {
                        return Err(step_err(cur, &idx.to_string()));
                    };
                    let Value::Array(items) = cur else {
                        return Err(step_err(cur, &idx.to_string()));
                    };
                    if i == last {
                        items[pos] = value.take().unwrap_or(Value::Null);
                        break;
                    }
                    cur = &mut items[pos];
                }
                _ => return Err(format!("The path '{}' is not a reference path", self.text)),
            }
        }
        match value {
            // Only `$` leaves the value unused: it replaces the whole document.
            Some(v) => Ok(v),
            None => Ok(target),
        }
    }
}

#[cfg(test)]
mod tests;
