//! AWS's limits on workflow variables, checked when a state's `Assign` takes effect. From the
//! Step Functions developer guide ("Passing data between states with variables", Limits): one
//! variable holds at most 256 KiB, one `Assign` sets at most 256 KiB in all, and the variables
//! an execution stores total at most 10 MiB. Values nest no deeper than state output may.

use crate::config::Limits;
use crate::run::{nesting_exceeds, MAX_NESTING};
use stepwise_asl::error::names;
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

/// An `Assign` that passed the limits: each variable with its JSON text (what the history
/// records), and the size of the variables the frame stores once it takes effect.
pub(crate) struct Checked {
    pub texts: Box<[(String, String)]>,
    pub stored_bytes: usize,
}

/// Checks the values `state` assigns against the limits, given the variables the frame holds
/// (`stored`, whose JSON texts total `stored_bytes`). Depth is checked before anything is
/// serialized, so that writing a deep value cannot overflow the stack.
pub(crate) fn check(
    state: &str,
    assign: &Map,
    stored: &Map,
    stored_bytes: usize,
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
    let mut total = stored_bytes;
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
        total = total.saturating_sub(replaced) + text.len();
        texts.push((name.to_string(), text));
    }
    if assign_bytes > limits.max_assign_bytes {
        return Err(too_large(format!(
            "The state '{state}' assigned variables with a combined size exceeding the maximum number of bytes service limit ({} bytes for one Assign).",
            limits.max_assign_bytes
        )));
    }
    if total > limits.max_stored_variable_bytes {
        return Err(too_large(format!(
            "The state '{state}' assigned variables that bring the stored variables to a size exceeding the maximum number of bytes service limit ({} bytes per execution).",
            limits.max_stored_variable_bytes
        )));
    }
    Ok(Checked {
        texts: texts.into_boxed_slice(),
        stored_bytes: total,
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
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn within_limits_records_texts_and_sizes() {
        let limits = Limits::default();
        let stored = map(json!({"a": "xxxx"}));
        let c = check("S", &map(json!({"a": 1, "b": [true]})), &stored, 6, &limits).unwrap();
        assert_eq!(
            &*c.texts,
            &[
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "[true]".to_string())
            ]
        );
        // "xxxx" (6 bytes) is replaced by 1, and [true] added.
        assert_eq!(c.stored_bytes, 1 + 6);
    }

    #[test]
    fn each_limit_fails_with_aws_error() {
        let limits = Limits::default();
        let empty = Map::new();
        let big = "x".repeat(300 * 1024);
        let e = check("S", &map(json!({"v": big})), &empty, 0, &limits)
            .err()
            .unwrap();
        assert_eq!(e.error, names::DATA_LIMIT_EXCEEDED);
        assert!(
            e.cause.as_deref().unwrap().contains("'v'")
                && e.cause
                    .as_deref()
                    .unwrap()
                    .contains("262144 bytes for one variable")
        );

        let half = "x".repeat(150 * 1024);
        let e = check(
            "S",
            &map(json!({"a": half.clone(), "b": half})),
            &empty,
            0,
            &limits,
        )
        .err()
        .unwrap();
        assert!(
            e.cause.as_deref().unwrap().contains("for one Assign"),
            "{e:?}"
        );

        let e = check(
            "S",
            &map(json!({"c": "x"})),
            &empty,
            10 * 1024 * 1024,
            &limits,
        )
        .err()
        .unwrap();
        assert!(
            e.cause
                .as_deref()
                .unwrap()
                .contains("10485760 bytes per execution"),
            "{e:?}"
        );

        let mut deep = json!(1);
        for _ in 0..=MAX_NESTING {
            deep = json!([deep]);
        }
        let e = check("S", &map(json!({"d": deep})), &empty, 0, &limits)
            .err()
            .unwrap();
        assert_eq!(e.error, names::RUNTIME);
        assert!(
            e.cause.as_deref().unwrap().contains("nested deeper"),
            "{e:?}"
        );
    }
}
