//! Property test: random valid definitions with random inputs never panic, and every run ends
//! (succeeds, fails, or is stopped by the history limit) within a bounded number of steps.

use serde_json::{json, Map, Value};
use stepwise_asl::scope::{Random, SplitMix64};
use stepwise_engine::{Engine, EngineConfig, Idle};

fn pick<'a, T>(rng: &mut SplitMix64, xs: &'a [T]) -> &'a T {
    &xs[(rng.next_u64() % xs.len() as u64) as usize]
}

fn random_value(rng: &mut SplitMix64, depth: u32) -> Value {
    match rng.next_u64() % if depth > 2 { 4 } else { 6 } {
        0 => Value::Null,
        1 => json!(rng.next_u64() % 100),
        2 => json!(pick(rng, &["a", "b", "x"]).to_string()),
        3 => json!(rng.next_u64().is_multiple_of(2)),
        4 => Value::Array(
            (0..rng.next_u64() % 4)
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = Map::new();
            for k in ["a", "b", "items", "n"] {
                if rng.next_u64().is_multiple_of(2) {
                    m.insert(k.into(), random_value(rng, depth + 1));
                }
            }
            Value::Object(m)
        }
    }
}

/// A scope of `n` states named S0..S{n-1}; transitions go anywhere (loops included).
fn random_states(rng: &mut SplitMix64, n: usize, depth: u32) -> Value {
    let mut states = Map::new();
    for i in 0..n {
        let next = |rng: &mut SplitMix64| format!("S{}", rng.next_u64() % n as u64);
        let end = rng.next_u64().is_multiple_of(3);
        let mut s = match rng.next_u64() % if depth > 1 { 6 } else { 8 } {
            0 => {
                let result = random_value(rng, 0);
                json!({"Type": "Pass", "Result": result, "ResultPath": pick(rng, &["$", "$.r", "$.a.b"])})
            }
            1 => {
                let (limit, a, b, d) = (rng.next_u64() % 50, next(rng), next(rng), next(rng));
                json!({"Type": "Choice", "Choices": [
                    {"Variable": "$.n", "NumericGreaterThan": limit, "Next": a},
                    {"Variable": "$.a", "IsPresent": true, "Next": b}],
                 "Default": d})
            }
            2 => json!({"Type": "Wait", "Seconds": rng.next_u64() % 5}),
            3 => json!({"Type": "Fail", "Error": "E", "Cause": "c"}),
            4 => {
                let (attempts, target) = (rng.next_u64() % 3, next(rng));
                json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5,
                 "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": attempts}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": target}]})
            }
            5 => {
                json!({"Type": "Pass", "Parameters": {"n.$": "States.MathAdd(1, 2)", "in.$": "$"}})
            }
            6 => {
                let (maxc, processor) = (rng.next_u64() % 3, random_states(rng, 2, depth + 1));
                json!({"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": maxc, "ItemProcessor": processor})
            }
            _ => {
                let (a, b) = (
                    random_states(rng, 2, depth + 1),
                    random_states(rng, 1, depth + 1),
                );
                json!({"Type": "Parallel", "Branches": [a, b]})
            }
        };
        let o = s.as_object_mut().expect("state object");
        let ty = o["Type"].as_str().unwrap_or("").to_owned();
        if ty != "Choice" && ty != "Fail" {
            if end {
                o.insert("End".into(), json!(true));
            } else {
                o.insert("Next".into(), json!(next(rng)));
            }
        }
        states.insert(format!("S{i}"), s);
    }
    // Every state must be reachable for AWS to accept the definition: chain them from a start.
    let mut chained = Map::new();
    chained.insert("Start".into(), json!({"Type": "Choice", "Choices": (0..n).map(|i| json!({"Variable": "$.n", "NumericEquals": i, "Next": format!("S{i}")})).collect::<Vec<_>>(), "Default": "S0"}));
    chained.extend(states);
    json!({"StartAt": "Start", "States": chained})
}

#[test]
fn random_definitions_never_panic_and_always_end() {
    let mut accepted = 0;
    for seed in 0..800u64 {
        let mut rng = SplitMix64(seed);
        let size = 2 + (rng.next_u64() % 5) as usize;
        let def = random_states(&mut rng, size, 0);
        let mut config = EngineConfig::default();
        config.limits.max_history_events = 2_000;
        let mut e = Engine::new(config);
        let Ok(arn) = e.create_state_machine("R", &def.to_string()) else {
            continue;
        };
        accepted += 1;
        let input = random_value(&mut rng, 0).to_string();
        let Ok(id) = e.start_execution(&arn, None, Some(&input)) else {
            continue;
        };
        let mut ended = false;
        for _ in 0..10_000 {
            match e.run_until_idle(1_000) {
                Idle::WaitingForTimer(_) => {
                    e.advance_to_next_timer();
                }
                Idle::BudgetSpent => {}
                Idle::Finished => {
                    ended = true;
                    break;
                }
                Idle::WaitingForOutside => {
                    // Unmocked tasks wait for a person: answer every one with a failure.
                    let pending = e.pending_tasks();
                    if pending.is_empty() {
                        break;
                    }
                    for p in pending {
                        e.send_task_failure(&p.token, Some("Manual"), None)
                            .expect("pending token");
                    }
                }
            }
        }
        assert!(
            ended || !e.execution(id).is_running(),
            "seed {seed} did not end: {def}"
        );
        assert!(
            e.execution(id).history.len() <= 2_000,
            "seed {seed} overran the history limit"
        );
    }
    assert!(
        accepted > 150,
        "only {accepted} random definitions were valid"
    );
}
