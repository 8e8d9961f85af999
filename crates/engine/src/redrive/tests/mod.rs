//! RedriveExecution's tests, by topic; the helpers they share.

mod children;
mod refusals;
mod resume;

use super::*;
use crate::{EngineConfig, Idle};

const DAY: i64 = 86_400_000;

fn engine() -> Engine {
    Engine::new(EngineConfig::default())
}

/// Creates machine `name` and answers its Task states from `mocks` (answers in invocation order).
fn machine(e: &mut Engine, name: &str, definition: Value, mocks: Value) -> String {
    let arn = e
        .create_state_machine(name, &definition.to_string())
        .unwrap();
    e.set_state_mocks(name, &mocks).unwrap();
    arn
}

fn run(e: &mut Engine, arn: &str, input: &str) -> ExecutionId {
    let id = e.start_execution(arn, None, Some(input)).unwrap();
    e.run_until_idle(10_000);
    id
}

fn types_after_redrive(e: &Engine, id: ExecutionId) -> Vec<&'static str> {
    let h = &e.execution(id).history;
    let at = h
        .iter()
        .rposition(|ev| ev.event_type == EventType::ExecutionRedriven)
        .expect("an ExecutionRedriven event");
    h[at..].iter().map(|ev| ev.event_type.as_str()).collect()
}

fn count(e: &Engine, id: ExecutionId, ty: EventType, state: &str) -> usize {
    e.execution(id)
        .history
        .iter()
        .filter(|ev| ev.event_type == ty && ev.state_name.as_deref() == Some(state))
        .count()
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

fn failing_then_passing() -> Value {
    json!([{"Throw": {"Error": "Boom", "Cause": "down"}}, {"Return": {"ok": true}}])
}
