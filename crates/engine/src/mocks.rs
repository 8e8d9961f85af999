//! Answers for Task states whose resource is not Step Functions itself. Two formats feed one
//! table: the Step Functions Local mock-config file and the simpler per-state lists of the
//! conformance corpus. A task without an answer waits to be completed by hand.

use stepwise_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum MockAnswer {
    Return(Value),
    Throw { error: String, cause: Option<String> },
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
            let error = t.get("Error").and_then(Value::as_str).unwrap_or("").to_owned();
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
        Err(format!("a mocked response needs Return, Throw or Hang: {v}"))
    }
}

/// Whose invocations a list counts: Step Functions Local counts per execution, the corpus per
/// state across the whole run (retries and Map iterations included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    PerExecution,
    Global,
}

#[derive(Clone, Debug, Default)]
pub struct Mocks {
    /// machine name → state name → answers in invocation order.
    table: BTreeMap<String, BTreeMap<String, Vec<MockAnswer>>>,
    counting: BTreeMap<String, Counting>,
    used: BTreeMap<(String, String, u32), usize>,
}

impl Mocks {
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Per-state lists (the corpus format) for one machine.
    pub fn set_state_lists(&mut self, machine: &str, lists: &Value) -> Result<(), String> {
        let o = lists.as_object().ok_or("mocks must map state names to lists of answers")?;
        let mut states = BTreeMap::new();
        for (state, list) in o {
            let list = list.as_array().ok_or_else(|| format!("mocks for '{state}' must be a list"))?;
            let answers = list.iter().map(MockAnswer::from_json).collect::<Result<Vec<_>, _>>()?;
            states.insert(state.to_string(), answers);
        }
        self.table.insert(machine.to_owned(), states);
        self.counting.insert(machine.to_owned(), Counting::Global);
        Ok(())
    }

    /// The Step Functions Local mock-config format. For each machine the first test case is
    /// used (or `test_case` when given and present).
    pub fn load_mock_config(config: &Value, test_case: Option<&str>) -> Result<Self, String> {
        let mut mocks = Mocks::default();
        let machines = config.get("StateMachines").and_then(Value::as_object).ok_or("mock config needs StateMachines")?;
        let responses = config.get("MockedResponses").and_then(Value::as_object).ok_or("mock config needs MockedResponses")?;
        for (machine, mv) in machines {
            let cases = mv.get("TestCases").and_then(Value::as_object).ok_or_else(|| format!("{machine}: TestCases missing"))?;
            let chosen = test_case.and_then(|t| cases.get(t)).or_else(|| cases.values().next());
            let Some(case) = chosen.and_then(Value::as_object) else { continue };
            let mut states = BTreeMap::new();
            for (state, response_name) in case {
                let rn = response_name.as_str().ok_or_else(|| format!("{machine}.{state}: expected a response name"))?;
                let resp = responses.get(rn).and_then(Value::as_object).ok_or_else(|| format!("MockedResponses has no '{rn}'"))?;
                states.insert(state.to_string(), expand_ranges(resp)?);
            }
            mocks.table.insert(machine.to_string(), states);
            mocks.counting.insert(machine.to_string(), Counting::PerExecution);
        }
        Ok(mocks)
    }

    /// The answer for the next invocation of `state` in `machine` by `execution`, if mocked.
    pub fn next_answer(&mut self, machine: &str, state: &str, execution: u32) -> Option<MockAnswer> {
        let list = self.table.get(machine)?.get(state)?;
        let exec_key = match self.counting.get(machine) {
            Some(Counting::PerExecution) => execution,
            _ => u32::MAX,
        };
        let n = self.used.entry((machine.to_owned(), state.to_owned(), exec_key)).or_insert(0);
        let answer = list.get(*n).cloned().or_else(|| list.last().cloned());
        *n += 1;
        answer
    }
}

/// `"0"`, `"1-2"` keyed responses become a list by invocation number.
fn expand_ranges(resp: &stepwise_json::Map) -> Result<Vec<MockAnswer>, String> {
    let mut slots: BTreeMap<usize, MockAnswer> = BTreeMap::new();
    for (key, v) in resp {
        let (a, b) = match key.split_once('-') {
            Some((a, b)) => (a.trim().parse::<usize>(), b.trim().parse::<usize>()),
            None => (key.trim().parse::<usize>(), key.trim().parse::<usize>()),
        };
        let (a, b) = (a.map_err(|_| format!("bad invocation key '{key}'"))?, b.map_err(|_| format!("bad invocation key '{key}'"))?);
        if b < a || b - a > 10_000 {
            return Err(format!("bad invocation range '{key}'"));
        }
        let answer = MockAnswer::from_json(v)?;
        for i in a..=b {
            slots.insert(i, answer.clone());
        }
    }
    Ok(slots.into_values().collect())
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
        assert_eq!(m.next_answer("M", "Call", 1), Some(MockAnswer::Throw { error: "E".into(), cause: Some("c".into()) }));
        assert_eq!(m.next_answer("M", "Call", 1), Some(MockAnswer::Return(json!({"ok": 1}))));
        // A second execution starts counting from 0 again.
        assert!(matches!(m.next_answer("M", "Call", 2), Some(MockAnswer::Throw { .. })));
        assert_eq!(m.next_answer("M", "Other", 1), None);
        assert!(Mocks::load_mock_config(&json!({}), None).is_err());
    }
}
