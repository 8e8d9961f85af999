//! Every built-in example of the playground (`www/examples/`) is valid ASL and runs: it ends,
//! or waits only for a person (task tokens completed by hand in the playground).

use stepwise_engine::{Engine, EngineConfig, ExecutionStatus, Idle, PendingKind};
use stepwise_json::Value;

fn examples() -> Vec<(String, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../www/examples");
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}/index.json")).expect("index.json"),
    )
    .expect("index JSON");
    index["examples"]
        .as_array()
        .expect("examples list")
        .iter()
        .map(|e| {
            let file = e["file"].as_str().expect("file name").to_owned();
            let text = std::fs::read_to_string(format!("{dir}/{file}")).expect("example file");
            (file, serde_json::from_str(&text).expect("example JSON"))
        })
        .collect()
}

fn waits_for_a_person(engine: &Engine) -> bool {
    engine
        .pending_tasks()
        .iter()
        .any(|t| t.kind != PendingKind::ChildExecution)
}

#[test]
fn every_example_validates_and_runs() {
    let all = examples();
    assert!(all.len() >= 8, "expected the gallery, found {}", all.len());
    for (file, ws) in all {
        let mut engine = Engine::new(EngineConfig::default());
        let machines = ws["machines"].as_array().expect("machines");
        for m in machines {
            let name = m["name"].as_str().expect("machine name");
            let text = match &m["definition"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let Err(e) = engine.create_state_machine(name, &text) {
                panic!("{file}: machine {name} is refused: {e} {:?}", e.diagnostics);
            }
        }
        if let Some(mocks) = ws.get("mocks").filter(|m| !m.is_null()) {
            engine
                .set_mock_config(mocks)
                .unwrap_or_else(|e| panic!("{file}: mocks: {e}"));
        }
        let first = machines[0]["name"].as_str().expect("first machine");
        let input = match ws.get("input") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "{}".into(),
        };
        let arn = engine.machine_arn(first);
        let id = engine
            .start_execution(&arn, None, Some(&input))
            .unwrap_or_else(|e| panic!("{file}: start: {e}"));
        let mut idle = Idle::BudgetSpent;
        for _ in 0..1000 {
            idle = engine.run_until_idle(100_000);
            match idle {
                // A person answers pending tasks before their timeouts: stop there.
                Idle::WaitingForTimer(_) if waits_for_a_person(&engine) => {
                    idle = Idle::WaitingForOutside;
                    break;
                }
                Idle::WaitingForTimer(_) => {
                    engine.advance_to_next_timer();
                }
                Idle::BudgetSpent => {}
                _ => break,
            }
        }
        let run = engine.execution(id);
        match idle {
            Idle::WaitingForOutside => assert!(
                waits_for_a_person(&engine),
                "{file}: stuck without a task for a person"
            ),
            _ => assert_eq!(
                run.status,
                ExecutionStatus::Succeeded,
                "{file}: {:?} {:?}",
                run.error,
                run.cause
            ),
        }
    }
}
