//! Structure-aware generators for the fuzz targets: libFuzzer's bytes become JSON values,
//! state machine definitions, expressions and mock configs through `arbitrary`, so that most
//! attempts get past the parsers and reach evaluation. Random byte mutation of definition text
//! reached execution in only 13 % of tries; these generators build valid-looking input on
//! purpose, and deep and large values on purpose (the limits the engine enforces are about
//! nesting and size).
//!
//! Each target also takes plain text: an input that starts with `{` is read as a file of the
//! repository's corpus (a conformance case, a definition, a JSONata suite case, the JSONPath
//! cases), which is how `tests/corpus` seeds the runs.

pub mod definition;
pub mod dictionary;
pub mod values;

use arbitrary::{Result, Unstructured};

/// Whether the fuzz input is corpus text rather than bytes for the generators.
pub fn as_text(data: &[u8]) -> Option<&str> {
    if data.first() == Some(&b'{') {
        std::str::from_utf8(data).ok()
    } else {
        None
    }
}

/// One of `items`, chosen by the input.
pub fn pick<'a, T: ?Sized>(u: &mut Unstructured, items: &[&'a T]) -> Result<&'a T> {
    Ok(items[u.choose_index(items.len())?])
}

/// A deterministic stand-in for the engine's generator, for APIs that take one.
pub struct Counter(pub u64);

impl stepwise_asl::Random for Counter {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        self.0
    }
}

/// JSON text as the engine reads it (serde_json into the shared value), `None` if refused.
pub fn parse(text: &str) -> Option<stepwise_json::Value> {
    serde_json::from_str(text).ok()
}

/// Every string inside `value` (iteratively: corpus values may be deep).
pub fn strings(value: &stepwise_json::Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            stepwise_json::Value::String(s) => found.push(s.to_string()),
            stepwise_json::Value::Array(a) => stack.extend(a.iter()),
            stepwise_json::Value::Object(o) => {
                for (k, v) in o.iter() {
                    found.push(k.to_string());
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    found
}

/// A mock config in Step Functions Local's format for machine `Fuzz`, mocking `states`.
pub fn mock_config(u: &mut Unstructured, states: &[&str]) -> Result<String> {
    use stepwise_json::write_string;
    let mut out = String::from("{\"StateMachines\":{\"Fuzz\":{\"TestCases\":{\"T\":{");
    let responses = u.int_in_range(1..=3)?;
    for (i, state) in states.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(state, &mut out);
        out.push_str(&format!(":\"R{}\"", u.int_in_range(0..=responses)?));
    }
    out.push_str("}}}},\"MockedResponses\":{");
    for r in 0..responses {
        if r > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"R{r}\":{{"));
        let ranges = u.int_in_range(1..=4)?;
        for k in 0..ranges {
            if k > 0 {
                out.push(',');
            }
            // Distinct, well-formed keys mostly (the config is refused otherwise), sometimes any.
            if u.ratio(1, 4)? {
                write_string(pick(u, dictionary::MOCK_KEYS)?, &mut out);
            } else {
                out.push_str(&format!("\"{k}\""));
            }
            out.push(':');
            answer(u, &mut out)?;
        }
        out.push('}');
    }
    out.push_str("}}");
    Ok(out)
}

/// One mocked answer: `Return`, `Throw` or (rarely) something else.
pub fn answer(u: &mut Unstructured, out: &mut String) -> Result<()> {
    match u.int_in_range(0..=5)? {
        0..=2 => {
            out.push_str("{\"Return\":");
            values::value(u, out, 1)?;
            out.push('}');
        }
        3 | 4 => {
            out.push_str("{\"Throw\":{\"Error\":");
            values::string(u, out)?;
            out.push_str(",\"Cause\":");
            values::value(u, out, 2)?;
            out.push_str("}}");
        }
        _ => values::value(u, out, 1)?,
    }
    Ok(())
}

/// How the Task states of a run are answered.
pub enum Mocks {
    /// The conformance corpus' per-state lists (`Engine::set_state_mocks`).
    StateLists(stepwise_json::Value),
    /// Step Functions Local's mock config (`Engine::set_mock_config`).
    Config(stepwise_json::Value),
}

/// Steps one run may take: bounded, so that a machine that loops forever is not a hang;
/// anything slow within this budget is.
pub const RUN_STEPS: usize = 5_000;

/// Creates machine `Fuzz` (plus `others`, which it may start), loads the mocks, starts one
/// execution and settles it, answering task tokens with `answers` when only they are left;
/// then reads what a user reads (history, description). Errors are fine; panics are not.
pub fn run_execution(
    definition: &str,
    others: &[(String, String)],
    input: &str,
    mocks: Option<Mocks>,
    answers: &[String],
) {
    use stepwise_engine::{Engine, EngineConfig, Idle};
    let mut engine = Engine::new(EngineConfig::default());
    for (name, text) in others {
        let _ = engine.create_state_machine(name, text);
    }
    let Ok(arn) = engine.create_state_machine("Fuzz", definition) else {
        tally("refused");
        return;
    };
    let loaded = match mocks {
        Some(Mocks::StateLists(lists)) => engine.set_state_mocks("Fuzz", &lists),
        Some(Mocks::Config(config)) => engine.set_mock_config(&config),
        None => Ok(()),
    };
    if loaded.is_err() {
        tally("mocks refused");
        return;
    }
    let Ok(id) = engine.start_execution(&arn, Some("run"), Some(input)) else {
        tally("input refused");
        return;
    };
    let mut answers = answers.iter().cycle().take(answers.len() * 3);
    let mut steps = 0;
    while steps < RUN_STEPS {
        steps += RUN_STEPS / 5;
        match engine.settle(RUN_STEPS / 5) {
            Idle::WaitingForOutside => {
                for task in engine.pending_tasks() {
                    let _ = match answers.next() {
                        Some(output) => engine.send_task_success(&task.token, output),
                        None => engine.send_task_failure(
                            &task.token,
                            Some("Fuzz.Error"),
                            Some("no answer left"),
                        ),
                    };
                }
            }
            Idle::BudgetSpent => {}
            _ => break,
        }
    }
    let execution = engine.execution(id);
    tally(if execution.history.len() > 3 {
        "ran past the first state"
    } else {
        "started"
    });
    let exec_arn = execution.arn.clone();
    let _ = engine.describe_execution(&exec_arn);
    let _ = engine.get_execution_history(&exec_arn, false, true);
}

/// With `STEPWISE_FUZZ_DUMP=FILE`, writes the text a target built from its input to FILE:
/// how a finding made of generator bytes becomes a plain reproducer (a definition, an
/// expression) for a regression test.
pub fn dump(text: &str) {
    if let Some(path) = std::env::var_os("STEPWISE_FUZZ_DUMP") {
        let _ = std::fs::write(path, text);
    }
}

/// With `STEPWISE_FUZZ_TALLY=FILE`, appends how far each run got to FILE (one word per
/// attempt): how the share of attempts that reach execution is measured.
fn tally(outcome: &str) {
    if let Some(path) = std::env::var_os("STEPWISE_FUZZ_TALLY") {
        use std::io::Write;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(file, "{outcome}");
        }
    }
}
