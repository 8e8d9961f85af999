//! Bounds on runaway expressions that need no clock.
//!
//! Non-tail recursion deepens the evaluation and meets jsonata-core's depth limit. A chain of
//! tail calls does not: jsonata-core runs it in a loop that only a wall-clock timeout would stop.
//! So every function that can take part in such a chain (one whose body ends in a call: the
//! parser marks it a thunk) first calls a counter, which fails once an evaluation has made more
//! such calls than its budget allows.

use jsonata_core::ast::{AstNode, Stage};

/// Name of the counting function (`$__stepwise_step`), out of the way of user names.
pub(crate) const STEP_FUNCTION: &str = "__stepwise_step";

/// Makes every thunk body count itself; true if there was any.
pub(crate) fn instrument(node: &mut AstNode) -> bool {
    let mut found = false;
    walk(node, &mut found);
    found
}

fn counter_call() -> AstNode {
    AstNode::Function { name: STEP_FUNCTION.to_owned(), args: Vec::new(), is_builtin: true }
}

fn walk(node: &mut AstNode, found: &mut bool) {
    match node {
        AstNode::Lambda { body, thunk, .. } => {
            walk(body, found);
            if *thunk {
                *found = true;
                // A conditional keeps the body in tail position (the trampoline evaluates the
                // chosen branch as it would the body) and opens no scope of its own.
                let original = std::mem::replace(body.as_mut(), AstNode::Null);
                **body = AstNode::Conditional {
                    condition: Box::new(counter_call()),
                    then_branch: Box::new(original),
                    else_branch: None,
                };
            }
        }
        AstNode::Path { steps } => {
            for step in steps {
                walk(&mut step.node, found);
                for stage in &mut step.stages {
                    if let Stage::Filter(filter) = stage {
                        walk(filter, found);
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => {
            walk(lhs, found);
            walk(rhs, found);
        }
        AstNode::Unary { operand, .. } => walk(operand, found),
        AstNode::Function { args, .. } => args.iter_mut().for_each(|a| walk(a, found)),
        AstNode::Call { procedure, args } => {
            walk(procedure, found);
            args.iter_mut().for_each(|a| walk(a, found));
        }
        AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => {
            items.iter_mut().for_each(|a| walk(a, found));
        }
        AstNode::Object(pairs) => {
            for (k, v) in pairs {
                walk(k, found);
                walk(v, found);
            }
        }
        AstNode::ObjectTransform { input, pattern } => {
            walk(input, found);
            for (k, v) in pattern {
                walk(k, found);
                walk(v, found);
            }
        }
        AstNode::Conditional { condition, then_branch, else_branch } => {
            walk(condition, found);
            walk(then_branch, found);
            if let Some(e) = else_branch {
                walk(e, found);
            }
        }
        AstNode::FunctionApplication(inner) => walk(inner, found),
        AstNode::Sort { input, terms } => {
            walk(input, found);
            for (term, _) in terms {
                walk(term, found);
            }
        }
        AstNode::Transform { location, update, delete } => {
            walk(location, found);
            walk(update, found);
            if let Some(d) = delete {
                walk(d, found);
            }
        }
        // Leaves.
        _ => {}
    }
}
