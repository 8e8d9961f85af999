//! Shared helpers for the integration tests in `tests/tests/`.

#![forbid(unsafe_code)]

pub use stepwise_engine::EventType;
use stepwise_engine::{Engine, EngineConfig, ExecutionId, Idle};
use stepwise_json::Value;

pub const REGION_ACCOUNT: &str = "us-east-1:123456789012";

pub fn machine_arn(name: &str) -> String {
    format!("arn:aws:states:{REGION_ACCOUNT}:stateMachine:{name}")
}

/// An engine with these machines registered (name, definition JSON).
pub fn engine_with(machines: &[(&str, Value)]) -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    for (name, def) in machines {
        engine
            .create_state_machine(name, &def.to_string())
            .unwrap_or_else(|e| panic!("{name}: {e} {:?}", e.diagnostics));
    }
    engine
}

/// Runs until the engine waits for the outside world or everything finished, jumping over timers.
pub fn settle(engine: &mut Engine) -> Idle {
    match engine.settle(10_000_000) {
        Idle::BudgetSpent => panic!("the engine did not settle"),
        other => other,
    }
}

/// Starts `name` with `input` and settles.
pub fn start(engine: &mut Engine, name: &str, input: Value) -> ExecutionId {
    let id = engine
        .start_execution(&machine_arn(name), Some("run"), Some(&input.to_string()))
        .expect("start");
    settle(engine);
    id
}

pub fn event_types(engine: &Engine, id: ExecutionId) -> Vec<EventType> {
    engine
        .execution(id)
        .history
        .iter()
        .map(|e| e.event_type)
        .collect()
}
