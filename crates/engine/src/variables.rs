//! AWS's limits on workflow variables, checked when a state's `Assign` takes effect. From the
//! Step Functions developer guide ("Passing data between states with variables", Limits): one
//! variable holds at most 256 KiB, one `Assign` sets at most 256 KiB in all, and the variables
//! an execution stores total at most 10 MiB. Values nest no deeper than state output may.

use crate::config::Limits;
use crate::run::{nesting_exceeds, MAX_NESTING};
use stepwise_asl::error::names;
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

/// Sizes of stored variables as JSON text: those a frame holds (its own and those it
/// inherited), and those its whole execution stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sizes {
    pub frame: usize,
    pub execution: usize,
}

/// An `Assign` that passed the limits: each variable with its JSON text (what the history
/// records), and the sizes once it takes effect.
pub(crate) struct Checked {
    pub texts: Box<[(String, String)]>,
    pub sizes: Sizes,
}

/// Checks the values `state` assigns against the limits, given the variables the frame holds
/// (`stored`) and the sizes stored so far. Depth is checked before anything is serialized, so
/// that writing a deep value cannot overflow the stack.
pub(crate) fn check(
    state: &str,
    assign: &Map,
    stored: &Map,
    sizes: Sizes,
    limits: &Limits,
) -> Result<Checked, StatesError> {
    for (name, v) in assign {
        if nesting_exceeds(v, MAX_NESTING) {
            return Err(StatesError::runtime(format!(
                "The value the state '{state}' assigned to the variable '{name}' is nested deeper than {MAX_NESTING} levels."
            )));
        }
    }
    let mut texts = Vec::with_capacity(assign.len());
    let mut assign_bytes = 0usize;
    let mut frame = sizes.frame;
    for (name, v) in assign {
        let text = v.to_json_string();
        if text.len() > limits.max_variable_bytes {
            return Err(too_large(format!(
                "The state '{state}' assigned a value to the variable '{name}' with a size exceeding the maximum number of bytes service limit ({} bytes for one variable).",
                limits.max_variable_bytes
            )));
        }
        assign_bytes += text.len();
        let replaced = stored
            .get(name.as_ref())
            .map_or(0, |old: &Value| old.to_json_string().len());
        frame = frame.saturating_sub(replaced) + text.len();
        texts.push((name.to_string(), text));
    }
    if assign_bytes > limits.max_assign_bytes {
        return Err(too_large(format!(
            "The state '{state}' assigned variables with a combined size exceeding the maximum number of bytes service limit ({} bytes for one Assign).",
            limits.max_assign_bytes
        )));
    }
    // The frame's change is the execution's change: inherited variables were counted once,
    // by the frame that assigned them.
    let execution = (sizes.execution + frame).saturating_sub(sizes.frame);
    if execution > limits.max_stored_variable_bytes {
        return Err(too_large(format!(
            "The state '{state}' assigned variables that bring the stored variables to a size exceeding the maximum number of bytes service limit ({} bytes per execution).",
            limits.max_stored_variable_bytes
        )));
    }
    Ok(Checked {
        texts: texts.into_boxed_slice(),
        sizes: Sizes { frame, execution },
    })
}

fn too_large(cause: String) -> StatesError {
    StatesError::new(names::DATA_LIMIT_EXCEEDED, cause)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    fn map(v: Value) -> Map {
        let Value::Object(m) = v else {
            panic!("test variables are written as JSON objects")
        };
        m
    }

    const NONE: Sizes = Sizes {
        frame: 0,
        execution: 0,
    };

    fn cause(r: Result<Checked, StatesError>) -> String {
        let e = r.err().expect("an error");
        e.cause.unwrap_or_default()
    }

    #[test]
    fn within_limits_records_texts_and_sizes() {
        let limits = Limits::default();
        let stored = map(json!({"a": "xxxx"}));
        let sizes = Sizes {
            frame: 6,
            execution: 100,
        };
        let c = check(
            "S",
            &map(json!({"a": 1, "b": [true]})),
            &stored,
            sizes,
            &limits,
        )
        .unwrap();
        let texts: Vec<(&str, &str)> = c
            .texts
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(texts, [("a", "1"), ("b", "[true]")]);
        // "xxxx" (6 bytes) is replaced by 1, and [true] added; the execution changes as much.
        assert_eq!(
            c.sizes,
            Sizes {
                frame: 1 + 6,
                execution: 100 - 6 + 7
            }
        );
    }

    #[test]
    fn each_limit_fails_with_aws_error() {
        let limits = Limits::default();
        let empty = Map::new();
        let big = "x".repeat(300 * 1024);
        let e = check("S", &map(json!({"v": big})), &empty, NONE, &limits)
            .err()
            .unwrap();
        assert_eq!(e.error, names::DATA_LIMIT_EXCEEDED);
        let c = e.cause.unwrap();
        assert!(
            c.contains("'v'") && c.contains("262144 bytes for one variable"),
            "{c}"
        );

        let half = "x".repeat(150 * 1024);
        let c = cause(check(
            "S",
            &map(json!({"a": half.clone(), "b": half})),
            &empty,
            NONE,
            &limits,
        ));
        assert!(c.contains("for one Assign"), "{c}");

        // Other frames (Map iterations, Parallel branches) already store nearly 10 MiB.
        let nearly_full = Sizes {
            frame: 0,
            execution: 10 * 1024 * 1024 - 3,
        };
        let c = cause(check(
            "S",
            &map(json!({"c": "xx"})),
            &empty,
            nearly_full,
            &limits,
        ));
        assert!(c.contains("10485760 bytes per execution"), "{c}");

        let mut deep = json!(1);
        for _ in 0..=MAX_NESTING {
            deep = json!([deep]);
        }
        let e = check("S", &map(json!({"d": deep})), &empty, NONE, &limits)
            .err()
            .unwrap();
        assert_eq!(e.error, names::RUNTIME);
        assert!(e.cause.unwrap().contains("nested deeper"));
    }
}
