//! Bounds on runaway expressions that need no clock.
//!
//! Non-tail recursion deepens the evaluation and meets jsonata-core's depth limit. A chain of
//! tail calls does not: jsonata-core runs it in a loop that only a wall-clock timeout would stop.
//! So every function that can take part in such a chain (one whose body ends in a call: the
//! parser marks it a thunk) first calls a counter, which fails once an evaluation has made more
//! such calls than its budget allows.
//!
//! A function whose every tail call goes to a plain built-in (`function($i){ $uppercase($i) }`)
//! can never loop that way, and runs notably faster outside the trampoline, so it is unmarked.

use jsonata_core::ast::{AstNode, BinaryOp, Stage};

/// Name of the counting function (`$__stepwise_step`), out of the way of user names.
pub(crate) const STEP_FUNCTION: &str = "__stepwise_step";

/// Built-ins that never call a function back, so a tail call to one cannot continue a loop.
const PLAIN_BUILTINS: &[&str] = &[
    "string",
    "length",
    "substring",
    "substringBefore",
    "substringAfter",
    "uppercase",
    "lowercase",
    "trim",
    "pad",
    "contains",
    "split",
    "join",
    "number",
    "abs",
    "floor",
    "ceil",
    "round",
    "power",
    "sqrt",
    "formatNumber",
    "formatBase",
    "formatInteger",
    "parseInteger",
    "sum",
    "max",
    "min",
    "average",
    "count",
    "append",
    "reverse",
    "distinct",
    "keys",
    "lookup",
    "spread",
    "merge",
    "exists",
    "boolean",
    "not",
    "type",
    "base64encode",
    "base64decode",
    "encodeUrlComponent",
    "encodeUrl",
    "decodeUrlComponent",
    "decodeUrl",
    "fromMillis",
    "toMillis",
    "zip",
    "error",
    "assert",
];

/// Makes every thunk body count itself; true if there was any.
pub(crate) fn instrument(node: &mut AstNode) -> bool {
    let mut rebound = Vec::new();
    collect_bound_names(node, &mut rebound);
    let mut walker = Walker {
        rebound,
        found: false,
    };
    walker.walk(node);
    walker.found
}

/// Names the expression binds itself (`$name := ...`, parameters): a call to such a name may
/// not reach the built-in.
fn collect_bound_names(node: &AstNode, out: &mut Vec<String>) {
    match node {
        AstNode::Binary {
            op: BinaryOp::ColonEqual,
            lhs,
            rhs,
        } => {
            if let AstNode::Variable(name) = lhs.as_ref() {
                out.push(name.clone());
            }
            collect_bound_names(rhs, out);
        }
        AstNode::Lambda { params, body, .. } => {
            out.extend(params.iter().cloned());
            collect_bound_names(body, out);
        }
        other => children(other, |child| collect_bound_names(child, out)),
    }
}

struct Walker {
    rebound: Vec<String>,
    found: bool,
}

impl Walker {
    /// True if every call in tail position of `node` is a call with arguments of a plain
    /// built-in (with no arguments a built-in may read the context, which a tail call reads
    /// differently).
    fn only_plain_tail_calls(&self, node: &AstNode) -> bool {
        match node {
            AstNode::Function { name, args, .. } => {
                !args.is_empty()
                    && PLAIN_BUILTINS.contains(&name.as_str())
                    && !self.rebound.iter().any(|n| n == name)
            }
            AstNode::Call { .. } => false,
            AstNode::Conditional {
                then_branch,
                else_branch,
                ..
            } => {
                self.only_plain_tail_calls(then_branch)
                    && else_branch
                        .as_ref()
                        .is_none_or(|e| self.only_plain_tail_calls(e))
            }
            AstNode::Block(items) => items.last().is_none_or(|e| self.only_plain_tail_calls(e)),
            AstNode::Binary {
                op: BinaryOp::ColonEqual,
                rhs,
                ..
            } => self.only_plain_tail_calls(rhs),
            _ => true,
        }
    }

    fn walk(&mut self, node: &mut AstNode) {
        if let AstNode::Lambda { body, thunk, .. } = node {
            self.walk(body);
            if *thunk && self.only_plain_tail_calls(body) {
                *thunk = false;
            }
            if *thunk {
                self.found = true;
                // A conditional keeps the body in tail position (the trampoline evaluates the
                // chosen branch as it would the body) and opens no scope of its own.
                let original = std::mem::replace(body.as_mut(), AstNode::Null);
                **body = AstNode::Conditional {
                    condition: Box::new(counter_call()),
                    then_branch: Box::new(original),
                    else_branch: None,
                };
            }
            return;
        }
        children_mut(node, |child| self.walk(child));
    }
}

fn counter_call() -> AstNode {
    AstNode::Function {
        name: STEP_FUNCTION.to_owned(),
        args: Vec::new(),
        is_builtin: true,
    }
}

/// Calls `$f` on every direct child of `$node`; written once for the shared and the mutable
/// walk (`$iter` is `iter` or `iter_mut`, `$($r)*` is `&` or `&mut`).
macro_rules! for_each_child {
    ($node:expr, $f:ident, $iter:ident, $($r:tt)*) => {
        match $node {
            AstNode::Lambda { body, .. } => $f(body),
            AstNode::Path { steps } => {
                for step in steps {
                    $f($($r)* step.node);
                    for stage in $($r)* step.stages {
                        if let Stage::Filter(filter) = stage {
                            $f(filter);
                        }
                    }
                }
            }
            AstNode::Binary { lhs, rhs, .. } => {
                $f(lhs);
                $f(rhs);
            }
            AstNode::Unary { operand, .. } => $f(operand),
            AstNode::Function { args, .. } => args.$iter().for_each(&mut $f),
            AstNode::Call { procedure, args } => {
                $f(procedure);
                args.$iter().for_each(&mut $f);
            }
            AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => {
                items.$iter().for_each(&mut $f);
            }
            AstNode::Object(pairs) => {
                for (k, v) in pairs {
                    $f(k);
                    $f(v);
                }
            }
            AstNode::ObjectTransform { input, pattern } => {
                $f(input);
                for (k, v) in pattern {
                    $f(k);
                    $f(v);
                }
            }
            AstNode::Conditional { condition, then_branch, else_branch } => {
                $f(condition);
                $f(then_branch);
                if let Some(e) = else_branch {
                    $f(e);
                }
            }
            AstNode::FunctionApplication(inner) => $f(inner),
            AstNode::Sort { input, terms } => {
                $f(input);
                for (term, _) in terms {
                    $f(term);
                }
            }
            AstNode::Transform { location, update, delete } => {
                $f(location);
                $f(update);
                if let Some(d) = delete {
                    $f(d);
                }
            }
            // Leaves.
            _ => {}
        }
    };
}

fn children_mut(node: &mut AstNode, mut f: impl FnMut(&mut AstNode)) {
    for_each_child!(node, f, iter_mut, &mut)
}

fn children(node: &AstNode, mut f: impl FnMut(&AstNode)) {
    for_each_child!(node, f, iter, &)
}
