//! Answers for Task states whose resource is not Step Functions itself. Two formats feed one
//! table: the Step Functions Local mock-config file and the simpler per-state lists of the
//! conformance corpus. A task without an answer waits to be completed by hand.

use std::collections::BTreeMap;
use std::sync::Arc;
use stepwise_json::Value;

use crate::engine::Engine;
use crate::execution::{FrameRef, Phase, TaskOutcome};
use crate::history::{payload_text, Payload};
use crate::integrations::resources::Pattern;
use crate::integrations::task_tokens::PendingKind;
use stepwise_asl::StatesError;

#[derive(Clone, Debug, PartialEq)]
pub enum MockAnswer {
    Return(Value),
    Throw {
        error: String,
        cause: Option<String>,
    },
    /// Never answers: the task's timeout or heartbeat decides.
    Hang,
}

impl MockAnswer {
    /// Reads `{"Return": v}`, `{"Throw": {"Error", "Cause"}}` or `{"Hang": true}`.
    pub fn from_json(v: &Value) -> Result<Self, String> {
        if let Some(r) = v.get("Return") {
            return Ok(MockAnswer::Return(r.clone()));
        }
        if let Some(t) = v.get("Throw") {
            let error = t
                .get("Error")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let cause = match t.get("Cause") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => Some(other.to_string()),
            };
            return Ok(MockAnswer::Throw { error, cause });
        }
        if v.get("Hang").and_then(Value::as_bool) == Some(true) {
            return Ok(MockAnswer::Hang);
        }
        Err(format!(
            "a mocked response needs Return, Throw or Hang: {v}"
        ))
    }
}

/// Whose invocations a list counts: Step Functions Local counts per execution, the corpus per
/// state across the whole run (retries and Map iterations included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    PerExecution,
    Global,
}

/// One mocked response: its answers by invocation number, kept as the ranges the config names
/// (`"0"`, `"1-2"`, `"3-99999999"`), never expanded into one answer per invocation. Invocation
/// `n` gets the answer of the n-th numbered slot (gaps between ranges are skipped), and every
/// invocation after the last slot repeats the last answer.
#[derive(Clone, Debug, Default, PartialEq)]
struct Answers {
    /// `(slots up to and including this range, answer)`, in invocation order.
    ranges: Vec<(u64, MockAnswer)>,
}

impl Answers {
    fn list(answers: Vec<MockAnswer>) -> Self {
        Answers {
            ranges: answers
                .into_iter()
                .enumerate()
                .map(|(i, a)| (i as u64 + 1, a))
                .collect(),
        }
    }

    fn get(&self, n: u64) -> Option<&MockAnswer> {
        let i = self.ranges.partition_point(|(end, _)| *end <= n);
        self.ranges
            .get(i)
            .or_else(|| self.ranges.last())
            .map(|(_, a)| a)
    }
}

/// The most invocation ranges, over all responses, and the most state-to-response entries a
/// mock config may have: far more than a hand-written config needs, few enough that loading one
/// stays quick and small.
pub const MAX_MOCK_RANGES: usize = 10_000;
pub const MAX_MOCKED_STATES: usize = 10_000;

#[derive(Clone, Debug, Default)]
pub struct Mocks {
    /// machine name → state name → answers in invocation order. States naming the same response
    /// share one copy of it.
    table: BTreeMap<String, BTreeMap<String, Arc<Answers>>>,
    counting: BTreeMap<String, Counting>,
    used: BTreeMap<(String, String, u32), u64>,
}

impl Mocks {
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Per-state lists (the corpus format) for one machine.
    pub fn set_state_lists(&mut self, machine: &str, lists: &Value) -> Result<(), String> {
        let o = lists
            .as_object()
            .ok_or("mocks must map state names to lists of answers")?;
        let mut states = BTreeMap::new();
        for (state, list) in o {
            let list = list
                .as_array()
                .ok_or_else(|| format!("mocks for '{state}' must be a list"))?;
            let answers = list
                .iter()
                .map(MockAnswer::from_json)
                .collect::<Result<Vec<_>, _>>()?;
            states.insert(state.to_string(), Arc::new(Answers::list(answers)));
        }
        self.table.insert(machine.to_owned(), states);
        self.counting.insert(machine.to_owned(), Counting::Global);
        Ok(())
    }

    /// The Step Functions Local mock-config format. For each machine the first test case is
    /// used (or `test_case` when given and present). Each response is read once, however many
    /// states name it.
    pub fn load_mock_config(config: &Value, test_case: Option<&str>) -> Result<Self, String> {
        let mut mocks = Mocks::default();
        let machines = config
            .get("StateMachines")
            .and_then(Value::as_object)
            .ok_or("mock config needs StateMachines")?;
        let responses = config
            .get("MockedResponses")
            .and_then(Value::as_object)
            .ok_or("mock config needs MockedResponses")?;
        let ranges: usize = responses
            .values()
            .map(|r| r.as_object().map_or(0, |o| o.len()))
            .sum();
        if ranges > MAX_MOCK_RANGES {
            return Err(format!("the mock config is too large: its MockedResponses have {ranges} invocation entries; at most {MAX_MOCK_RANGES} are allowed"));
        }
        let mut parsed: BTreeMap<&str, Arc<Answers>> = BTreeMap::new();
        let mut mocked_states = 0usize;
        for (machine, mv) in machines {
            let cases = mv
                .get("TestCases")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("{machine}: TestCases missing"))?;
            let chosen = test_case
                .and_then(|t| cases.get(t))
                .or_else(|| cases.values().next());
            let Some(case) = chosen.and_then(Value::as_object) else {
                continue;
            };
            mocked_states += case.len();
            if mocked_states > MAX_MOCKED_STATES {
                return Err(format!("the mock config is too large: its test cases mock more than {MAX_MOCKED_STATES} states"));
            }
            let mut states = BTreeMap::new();
            for (state, response_name) in case {
                let rn = response_name
                    .as_str()
                    .ok_or_else(|| format!("{machine}.{state}: expected a response name"))?;
                let answers = match parsed.get(rn) {
                    Some(a) => a.clone(),
                    None => {
                        let resp = responses
                            .get(rn)
                            .and_then(Value::as_object)
                            .ok_or_else(|| format!("MockedResponses has no '{rn}'"))?;
                        let a = Arc::new(read_ranges(resp)?);
                        parsed.insert(rn, a.clone());
                        a
                    }
                };
                states.insert(state.to_string(), answers);
            }
            mocks.table.insert(machine.to_string(), states);
            mocks
                .counting
                .insert(machine.to_string(), Counting::PerExecution);
        }
        Ok(mocks)
    }

    /// The answer for the next invocation of `state` in `machine` by `execution`, if mocked.
    pub fn next_answer(
        &mut self,
        machine: &str,
        state: &str,
        execution: u32,
    ) -> Option<MockAnswer> {
        let answers = self.table.get(machine)?.get(state)?;
        let exec_key = match self.counting.get(machine) {
            Some(Counting::PerExecution) => execution,
            _ => u32::MAX,
        };
        let n = self
            .used
            .entry((machine.to_owned(), state.to_owned(), exec_key))
            .or_insert(0);
        let answer = answers.get(*n).cloned();
        *n = n.saturating_add(1);
        answer
    }
}

/// `"0"`, `"1-2"` keyed responses, as ranges in invocation order. Ranges may not overlap.
fn read_ranges(resp: &stepwise_json::Map) -> Result<Answers, String> {
    let mut ranges: Vec<(u64, u64, MockAnswer)> = Vec::with_capacity(resp.len());
    for (key, v) in resp {
        let (a, b) = match key.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u64>(), b.trim().parse::<u64>()),
            None => (key.trim().parse::<u64>(), key.trim().parse::<u64>()),
        };
        let (a, b) = (
            a.map_err(|_| format!("bad invocation key '{key}'"))?,
            b.map_err(|_| format!("bad invocation key '{key}'"))?,
        );
        if b < a || b == u64::MAX {
            return Err(format!("bad invocation range '{key}'"));
        }
        ranges.push((a, b, MockAnswer::from_json(v)?));
    }
    ranges.sort_by_key(|r| r.0);
    if let Some(w) = ranges.windows(2).find(|w| w[1].0 <= w[0].1) {
        return Err(format!(
            "invocation ranges overlap: {}-{} and {}-{}",
            w[0].0, w[0].1, w[1].0, w[1].1
        ));
    }
    let mut slots = 0u64;
    let ranges = ranges
        .into_iter()
        .map(|(a, b, answer)| {
            slots = slots.saturating_add(b - a + 1);
            (slots, answer)
        })
        .collect();
    Ok(Answers { ranges })
}

impl Engine {
    /// What answers a Task state that is not Step Functions itself: its mock (a result, an
    /// error, or nothing for ever), else a person with the task's token. A `.waitForTaskToken`
    /// task is submitted either way and waits for its token.
    pub(crate) fn mocked_or_manual(&mut self, at: FrameRef, name: &str, pattern: Pattern) -> Phase {
        let machine = self.executions[at.exec].machine_name.clone();
        let answer = self.mocks.next_answer(&machine, name, at.exec as u32);
        match (answer, pattern) {
            (Some(MockAnswer::Throw { error, cause }), _) => {
                Phase::TaskDone(TaskOutcome::Failed(StatesError { error, cause }))
            }
            (Some(MockAnswer::Return(v)), Pattern::WaitForTaskToken) => {
                Phase::TaskSubmitted(payload_text(&v).into())
            }
            (None | Some(MockAnswer::Hang), Pattern::WaitForTaskToken) => {
                Phase::TaskSubmitted(Payload::Text(Arc::from("{}")))
            }
            (Some(MockAnswer::Return(v)), _) => Phase::TaskDone(TaskOutcome::Succeeded(v)),
            (Some(MockAnswer::Hang), _) => Phase::TaskWaiting,
            (None, _) => {
                // Nobody answers this resource: a person completes it with its token.
                let token = self.new_token();
                if let Some(t) = self.frame_mut(at).task.as_mut() {
                    t.token = Some(token.clone());
                    t.manual = true;
                }
                self.register_token(at, token, PendingKind::Manual);
                Phase::TaskWaiting
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    #[test]
    fn mock_config_ranges_and_counting() {
        let cfg = json!({
            "StateMachines": {"M": {"TestCases": {"Happy": {"Call": "R"}}}},
            "MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": "c"}}, "1-2": {"Return": {"ok": 1}}}}
        });
        let mut m = Mocks::load_mock_config(&cfg, None).unwrap();
        assert_eq!(
            m.next_answer("M", "Call", 1),
            Some(MockAnswer::Throw {
                error: "E".into(),
                cause: Some("c".into())
            })
        );
        assert_eq!(
            m.next_answer("M", "Call", 1),
            Some(MockAnswer::Return(json!({"ok": 1})))
        );
        // A second execution starts counting from 0 again.
        assert!(matches!(
            m.next_answer("M", "Call", 2),
            Some(MockAnswer::Throw { .. })
        ));
        assert_eq!(m.next_answer("M", "Other", 1), None);
        assert!(Mocks::load_mock_config(&json!({}), None).is_err());
    }

    #[test]
    fn wide_ranges_and_shared_responses_stay_small() {
        // One response, a hundred million invocations wide, named by many states: nothing is
        // expanded, so this loads at once.
        let mut states = stepwise_json::Map::new();
        for i in 0..1000 {
            states.insert(format!("S{i}").into(), json!("R"));
        }
        let cfg = json!({
            "StateMachines": {"M": {"TestCases": {"T": Value::Object(states)}}},
            "MockedResponses": {"R": {"0-99999999": {"Return": 1}, "100000000": {"Return": 2}}}
        });
        let mut m = Mocks::load_mock_config(&cfg, None).unwrap();
        assert_eq!(
            m.next_answer("M", "S7", 1),
            Some(MockAnswer::Return(json!(1)))
        );
        let answers = m.table["M"]["S7"].clone();
        assert!(Arc::ptr_eq(&answers, &m.table["M"]["S999"]));
        assert_eq!(answers.get(99_999_999), Some(&MockAnswer::Return(json!(1))));
        assert_eq!(
            answers.get(100_000_000),
            Some(&MockAnswer::Return(json!(2)))
        );
        assert_eq!(
            answers.get(u64::MAX - 1),
            Some(&MockAnswer::Return(json!(2)))
        );
    }

    #[test]
    fn gaps_are_skipped_and_overlaps_refused() {
        let cfg = |r: Value| json!({"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}}, "MockedResponses": {"R": r}});
        let mut m = Mocks::load_mock_config(
            &cfg(json!({"0": {"Return": "a"}, "5-6": {"Return": "b"}})),
            None,
        )
        .unwrap();
        let got: Vec<_> = (0..4).map(|_| m.next_answer("M", "S", 1)).collect();
        let (a, b) = (
            Some(MockAnswer::Return(json!("a"))),
            Some(MockAnswer::Return(json!("b"))),
        );
        assert_eq!(got, vec![a, b.clone(), b.clone(), b]);
        let e = Mocks::load_mock_config(
            &cfg(json!({"0-5": {"Return": 1}, "3": {"Return": 2}})),
            None,
        )
        .unwrap_err();
        assert!(e.contains("overlap"), "{e}");
        assert!(Mocks::load_mock_config(&cfg(json!({"3-1": {"Return": 1}})), None).is_err());
    }

    #[test]
    fn too_large_a_config_is_refused_clearly() {
        let mut r = stepwise_json::Map::new();
        for i in 0..=MAX_MOCK_RANGES {
            r.insert(i.to_string().into(), json!({"Return": i}));
        }
        let cfg = json!({"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}}, "MockedResponses": {"R": Value::Object(r)}});
        let e = Mocks::load_mock_config(&cfg, None).unwrap_err();
        assert!(e.contains("too large"), "{e}");
    }
}
