//! Evaluation of compiled paths with Jayway's semantics, as AWS runs them.

use super::{Cmp, Expr, Func, Operand, Rel, Seg, Sel};
use std::borrow::Cow;
use std::cmp::Ordering;
use stepwise_json::{Map, Number, Value};

/// Position of `idx` (negative counts from the end) in an array of `len` items.
pub(super) fn resolve_index(idx: i64, len: usize) -> Option<usize> {
    let len_i = i64::try_from(len).ok()?;
    let pos = if idx < 0 { len_i + idx } else { idx };
    (0..len_i).contains(&pos).then_some(pos as usize)
}

/// A path of single names and indexes: no allocation, borrowing the node.
pub(super) fn definite<'a>(segs: &[Seg], root: &'a Value) -> Option<&'a Value> {
    let mut cur = root;
    for seg in segs {
        cur = match seg {
            Seg::Child(Sel::Name(n)) => cur.as_object()?.get(n)?,
            Seg::Child(Sel::Index(i)) => {
                let items = cur.as_array()?;
                &items[resolve_index(*i, items.len())?]
            }
            _ => return None,
        };
    }
    Some(cur)
}

/// Jayway's multi-property leaf: an object of the listed properties that exist.
pub(super) fn names_object(node: &Value, names: &[String]) -> Option<Value> {
    let obj = node.as_object()?;
    let mut out = Map::new();
    for n in names {
        if let Some(v) = obj.get(n) {
            out.insert(n.as_str().into(), v.clone());
        }
    }
    Some(Value::Object(out))
}

/// An indefinite path reached more nodes than one evaluation may visit.
pub(crate) struct TooManyNodes {
    pub limit: u64,
}

/// How many nodes one indefinite path may visit. Descendant segments multiply: each `..`
/// reaches every descendant of every node reached so far, so `$..*..*..*..*..*` over a document
/// 100 deep would select billions of nodes from 3 KB. Each visit may hold a selected node and
/// its copy in the result, two slots of the evaluation's byte budget; the step budget bounds
/// the time.
fn node_limit() -> u64 {
    let budget = crate::budget::current();
    let slots = budget.max_bytes / (2 * crate::budget::SLOT_BYTES);
    budget.max_steps.min(slots)
}

thread_local! {
    /// Nodes visited by the outermost path evaluation in progress (filters inside it evaluate
    /// paths of their own, which count toward the same total), and how many are open.
    static VISITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static OPEN: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// All nodes an indefinite path reaches, in Jayway's order.
pub(super) fn collect<'a>(
    segs: &[Seg],
    start: &'a Value,
    root: &'a Value,
) -> Result<Vec<&'a Value>, TooManyNodes> {
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            OPEN.with(|o| o.set(o.get() - 1));
        }
    }
    if OPEN.with(|o| o.replace(o.get() + 1)) == 0 {
        VISITS.with(|v| v.set(0));
    }
    let _close = Close;
    let mut walk = Walk {
        root,
        out: Vec::new(),
        limit: node_limit(),
    };
    walk.walk(segs, start)?;
    Ok(walk.out)
}

struct Walk<'a> {
    root: &'a Value,
    out: Vec<&'a Value>,
    limit: u64,
}

impl<'a> Walk<'a> {
    fn visit(&mut self) -> Result<(), TooManyNodes> {
        let visits = VISITS.with(|v| {
            v.set(v.get() + 1);
            v.get()
        });
        if visits > self.limit {
            return Err(TooManyNodes { limit: self.limit });
        }
        Ok(())
    }

    fn walk(&mut self, segs: &[Seg], node: &'a Value) -> Result<(), TooManyNodes> {
        self.visit()?;
        let Some((seg, rest)) = segs.split_first() else {
            self.out.push(node);
            return Ok(());
        };
        match seg {
            Seg::Child(sel) => {
                let mut kids = Vec::new();
                select(sel, node, self.root, &mut kids);
                for k in kids {
                    self.walk(rest, k)?;
                }
                Ok(())
            }
            Seg::Descend(sel) => self.descend(sel, node, rest),
        }
    }

    /// `..sel`: the selector applied to the node itself, then to every descendant, pre-order.
    fn descend(&mut self, sel: &Sel, node: &'a Value, rest: &[Seg]) -> Result<(), TooManyNodes> {
        self.visit()?;
        let mut kids = Vec::new();
        select(sel, node, self.root, &mut kids);
        for k in kids {
            self.walk(rest, k)?;
        }
        match node {
            Value::Object(map) => {
                for v in map.values().filter(|v| v.is_object() || v.is_array()) {
                    self.descend(sel, v, rest)?;
                }
            }
            Value::Array(items) => {
                for v in items.iter().filter(|v| v.is_object() || v.is_array()) {
                    self.descend(sel, v, rest)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn select<'a>(sel: &Sel, node: &'a Value, root: &'a Value, out: &mut Vec<&'a Value>) {
    match sel {
        Sel::Name(n) => out.extend(node.as_object().and_then(|o| o.get(n))),
        Sel::Names(ns) => {
            if let Some(o) = node.as_object() {
                out.extend(ns.iter().filter_map(|n| o.get(n)));
            }
        }
        Sel::Wildcard => match node {
            Value::Object(map) => out.extend(map.values()),
            Value::Array(items) => out.extend(items.iter()),
            _ => {}
        },
        Sel::Index(i) => {
            if let Some(items) = node.as_array() {
                out.extend(resolve_index(*i, items.len()).map(|p| &items[p]));
            }
        }
        Sel::Indexes(is) => {
            if let Some(items) = node.as_array() {
                out.extend(
                    is.iter()
                        .filter_map(|i| resolve_index(*i, items.len()))
                        .map(|p| &items[p]),
                );
            }
        }
        Sel::Slice(start, end, step) => {
            if let Some(items) = node.as_array() {
                slice(items, *start, *end, step.unwrap_or(1), out);
            }
        }
        Sel::Filter(expr) => match node {
            // Step Functions' filters only test objects (and arrays): scalars never match.
            Value::Array(items) => out.extend(
                items
                    .iter()
                    .filter(|v| (v.is_object() || v.is_array()) && test(expr, v, root)),
            ),
            Value::Object(_) if test(expr, node, root) => out.push(node),
            _ => {}
        },
    }
}

fn slice<'a>(
    items: &'a [Value],
    start: Option<i64>,
    end: Option<i64>,
    step: i64,
    out: &mut Vec<&'a Value>,
) {
    let len = items.len() as i64;
    let norm = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) };
    if step > 0 {
        let (s, e) = (start.map_or(0, norm), end.map_or(len, norm));
        let mut i = s;
        while i < e {
            out.push(&items[i as usize]);
            i += step;
        }
    } else {
        let s = start.map_or(len - 1, |i| if i < 0 { len + i } else { i.min(len - 1) });
        let e = end.map_or(-1, |i| if i < 0 { (len + i).max(-1) } else { i });
        let mut i = s;
        while i > e && i >= 0 {
            out.push(&items[i as usize]);
            i += step;
        }
    }
}

/// The value of a path inside a filter: one node for a definite path, an array otherwise.
fn rel_value<'a>(rel: &Rel, start: &'a Value, root: &'a Value) -> Option<Cow<'a, Value>> {
    let definite_segs = rel
        .segs
        .iter()
        .all(|s| matches!(s, Seg::Child(Sel::Name(_) | Sel::Index(_))));
    let found = if definite_segs {
        Cow::Borrowed(definite(&rel.segs, start)?)
    } else {
        Cow::Owned(Value::Array(
            // Past the node limit the filter's test fails; the walk around it stops at its
            // next visit, since both count toward the same total.
            collect(&rel.segs, start, root)
                .ok()?
                .into_iter()
                .cloned()
                .collect(),
        ))
    };
    match rel.func {
        Some(f) => apply_func(f, &found).map(Cow::Owned),
        None => Some(found),
    }
}

fn operand<'a>(op: &'a Operand, cur: &'a Value, root: &'a Value) -> Option<Cow<'a, Value>> {
    match op {
        Operand::Current(rel) => rel_value(rel, cur, root),
        Operand::Root(rel) => rel_value(rel, root, root),
        Operand::Value(v) => Some(Cow::Borrowed(v)),
        Operand::Regex(_) => None,
    }
}

fn test(expr: &Expr, cur: &Value, root: &Value) -> bool {
    match expr {
        Expr::Or(a, b) => test(a, cur, root) || test(b, cur, root),
        Expr::And(a, b) => test(a, cur, root) && test(b, cur, root),
        Expr::Not(a) => !test(a, cur, root),
        Expr::Exists(op) => match op {
            Operand::Value(v) => !matches!(v, Value::Null | Value::Bool(false)),
            Operand::Regex(_) => false,
            Operand::Current(rel) | Operand::Root(rel) => {
                let start = if matches!(op, Operand::Root(_)) {
                    root
                } else {
                    cur
                };
                let definite_segs = rel
                    .segs
                    .iter()
                    .all(|s| matches!(s, Seg::Child(Sel::Name(_) | Sel::Index(_))));
                match rel_value(rel, start, root) {
                    None => false,
                    Some(v) if !definite_segs && rel.func.is_none() => {
                        v.as_array().is_some_and(|a| !a.is_empty())
                    }
                    Some(_) => true,
                }
            }
        },
        Expr::Compare(l, cmp, r) => {
            let Some(left) = operand(l, cur, root) else {
                return false;
            };
            if let (Cmp::Regex, Operand::Regex(re)) = (cmp, r) {
                return left.as_str().is_some_and(|s| re.is_match(s));
            }
            let Some(right) = operand(r, cur, root) else {
                return false;
            };
            compare(&left, *cmp, &right)
        }
    }
}

fn num_eq(a: &Number, b: &Number) -> bool {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_eq(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn compare(l: &Value, cmp: Cmp, r: &Value) -> bool {
    let contains = |set: &Value, v: &Value| {
        set.as_array()
            .is_some_and(|a| a.iter().any(|x| equal(x, v)))
    };
    match cmp {
        Cmp::Eq => equal(l, r),
        Cmp::Ne => !equal(l, r),
        Cmp::Lt => order(l, r) == Some(Ordering::Less),
        Cmp::Le => matches!(order(l, r), Some(Ordering::Less | Ordering::Equal)),
        Cmp::Gt => order(l, r) == Some(Ordering::Greater),
        Cmp::Ge => matches!(order(l, r), Some(Ordering::Greater | Ordering::Equal)),
        Cmp::Regex => false,
        Cmp::In => contains(r, l),
        Cmp::Nin => r.is_array() && !contains(r, l),
        Cmp::SubsetOf => l
            .as_array()
            .is_some_and(|a| a.iter().all(|x| contains(r, x))),
        Cmp::AnyOf => l
            .as_array()
            .is_some_and(|a| a.iter().any(|x| contains(r, x))),
        Cmp::NoneOf => l
            .as_array()
            .is_some_and(|a| !a.iter().any(|x| contains(r, x))),
        Cmp::Size => {
            let n = match l {
                Value::Array(a) => a.len(),
                Value::String(s) => s.chars().count(),
                _ => return false,
            };
            r.as_u64() == Some(n as u64)
        }
        Cmp::Empty => {
            let empty = match l {
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.is_empty(),
                Value::Object(o) => o.is_empty(),
                _ => return false,
            };
            r.as_bool() == Some(empty)
        }
    }
}

fn number(f: f64) -> Option<Value> {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Some(Value::from(f as i64))
    } else {
        Number::from_f64(f).map(Value::Number)
    }
}

pub(super) fn apply_func(f: Func, v: &Value) -> Option<Value> {
    let nums = || -> Option<Vec<f64>> {
        let a = v.as_array()?;
        let ns: Vec<f64> = a.iter().filter_map(Value::as_f64).collect();
        (!ns.is_empty()).then_some(ns)
    };
    match f {
        Func::Length => match v {
            Value::Array(a) => Some(Value::from(a.len())),
            Value::Object(o) => Some(Value::from(o.len())),
            Value::String(s) => Some(Value::from(s.chars().count())),
            _ => None,
        },
        Func::Sum => number(nums()?.iter().sum()),
        Func::Avg => {
            let ns = nums()?;
            Number::from_f64(ns.iter().sum::<f64>() / ns.len() as f64).map(Value::Number)
        }
        Func::Min => number(nums()?.into_iter().fold(f64::INFINITY, f64::min)),
        Func::Max => number(nums()?.into_iter().fold(f64::NEG_INFINITY, f64::max)),
        Func::Keys => Some(Value::Array(
            v.as_object()?
                .keys()
                .map(|k| Value::String(k.to_string()))
                .collect(),
        )),
        Func::First => v.as_array()?.first().cloned(),
        Func::Last => v.as_array()?.last().cloned(),
    }
}

fn quote(name: &str) -> String {
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn render_sel(sel: &Sel, out: &mut String) {
    let opt = |i: &Option<i64>| i.map(|v| v.to_string()).unwrap_or_default();
    match sel {
        Sel::Name(n) => out.push_str(&format!("[{}]", quote(n))),
        Sel::Names(ns) => out.push_str(&format!(
            "[{}]",
            ns.iter().map(|n| quote(n)).collect::<Vec<_>>().join(",")
        )),
        Sel::Wildcard => out.push_str("[*]"),
        Sel::Index(i) => out.push_str(&format!("[{i}]")),
        Sel::Indexes(is) => out.push_str(&format!(
            "[{}]",
            is.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        )),
        Sel::Slice(s, e, st) => match st {
            Some(st) => out.push_str(&format!("[{}:{}:{st}]", opt(s), opt(e))),
            None => out.push_str(&format!("[{}:{}]", opt(s), opt(e))),
        },
        Sel::Filter(_) => out.push_str("[?]"),
    }
}

pub(super) fn render_seg(seg: &Seg, out: &mut String) {
    match seg {
        Seg::Child(sel) => render_sel(sel, out),
        Seg::Descend(sel) => {
            out.push_str("..");
            render_sel(sel, out);
        }
    }
}

/// Jayway's java class names, which its messages print for the value met on the way.
fn java_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(_) => "java.lang.Integer",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
    }
}

pub(super) fn explain_missing(segs: &[Seg], root: Option<&Value>, whole: &str) -> String {
    let no_results = || format!("No results for path: {whole}");
    let Some(mut cur) = root else {
        return no_results();
    };
    let mut path = String::from("$");
    let last = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        let before = path.clone();
        render_seg(seg, &mut path);
        match seg {
            Seg::Child(Sel::Name(n)) => match cur {
                Value::Object(map) => match map.get(n) {
                    Some(v) => cur = v,
                    None if i == last => return no_results(),
                    None => return format!("Missing property in path {path}"),
                },
                other => {
                    return format!(
                        "Expected to find an object with property [{}] in path {before} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider'.",
                        quote(n),
                        java_class(other)
                    )
                }
            },
            Seg::Child(Sel::Index(idx)) => match cur {
                Value::Array(items) => match resolve_index(*idx, items.len()) {
                    Some(p) => cur = &items[p],
                    None if i == last => return no_results(),
                    None => return format!("Index out of bounds when evaluating path {path}"),
                },
                other => {
                    return format!(
                        "Filter: [{idx}] can only be applied to arrays. Current context is: {}",
                        other.to_json_string()
                    )
                }
            },
            _ => return no_results(),
        }
    }
    no_results()
}
