//! Test cases: a [`Scenario`] (definitions, input, a Step Functions Local mock config, token
//! answers) plus the outcome to expect, run by `stepwise test`. Written from a recording
//! (`stepwise import … --export-test`) or by hand.

use crate::compare::{compare, value_difference, CompareOptions, Divergence};
use crate::import::{history_from_events, Import};
use crate::replay::local_ids;
use crate::scenario::{run, scenario, LocalRun, NotReplayable, Scenario};
use crate::Mapping;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;

/// What a test case expects of its execution.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The execution's events as AWS's GetExecutionHistory shows them: when given, the run's
    /// history must agree event by event (as a replay compares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Value>>,
    /// The executions it started (and they started), as AWS recorded them: each local child the
    /// run starts is paired with one of these through the parent's history and must agree too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ExpectedChild>,
}

/// A recorded child execution a test case expects the run to start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedChild {
    /// Its ARN as recorded: the parent's history names it, which pairs it with a local child.
    pub execution_arn: String,
    pub status: String,
    pub history: Vec<Value>,
}

/// A test case file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestCase {
    pub name: String,
    #[serde(flatten)]
    pub scenario: Scenario,
    pub expected: Expected,
}

/// How a test case went.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseOutcome {
    pub name: String,
    pub pass: bool,
    pub status: String,
    /// What did not match, one sentence each.
    pub failures: Vec<String>,
}

impl TestCase {
    /// The test case that replays execution `index` of `import` and expects what AWS recorded
    /// (outcome and history).
    pub fn from_recording(import: &Import, index: usize) -> Result<TestCase, NotReplayable> {
        let rec = &import.executions[index];
        let scenario = scenario(import, index)?;
        let last = rec.events.last();
        let text = |f: &str| last.and_then(|e| e.detail_str(f)).map(str::to_owned);
        let output = (rec.status == "SUCCEEDED")
            .then(|| last.and_then(|e| e.payload("output")))
            .flatten();
        Ok(TestCase {
            name: rec.identity.as_ref().map_or_else(
                || rec.machine.name.clone(),
                |i| format!("{}/{}", rec.machine.name, i.name),
            ),
            scenario,
            expected: Expected {
                status: rec.status.clone(),
                output,
                error: text("error"),
                cause: text("cause"),
                history: Some(rec.events.iter().map(|e| e.raw.clone()).collect()),
                children: recorded_descendants(import, index),
            },
        })
    }

    /// Runs the case and checks what it expects.
    pub fn run(&self) -> CaseOutcome {
        let mut failures = Vec::new();
        let status = match run(&self.scenario) {
            Err(e) => {
                failures.push(e);
                "ERROR".to_owned()
            }
            Ok(local) => {
                let exec = local.engine.execution(local.root);
                let status = exec.status.as_str().to_owned();
                let e = &self.expected;
                if status != e.status {
                    failures.push(format!("status {status}, expected {}", e.status));
                }
                let mut mapping = Mapping::new(local_ids(&local));
                let opts = CompareOptions::default();
                // The history first: it pairs the run's identifiers (child ARNs, tokens) with
                // the expected ones, which the output may contain too.
                if let Some(history) = &e.history {
                    match history_from_events(history.clone()) {
                        Err(why) => failures.push(format!("expected history: {why}")),
                        Ok(events) => {
                            if let Some(d) = compare(
                                &self.name,
                                &events,
                                e.status == "RUNNING",
                                &exec.history,
                                &mut mapping,
                                &opts,
                            ) {
                                failures.push(format!("history diverges{}", at(&d)));
                            }
                        }
                    }
                }
                failures.extend(self.compare_children(&local, &mut mapping, &opts));
                if let Some(want) = &e.output {
                    match exec.output.as_ref().map(Value::from) {
                        None => failures.push(format!("no output, expected {want}")),
                        Some(got) => failures.extend(value_difference(
                            "output",
                            want,
                            &got,
                            false,
                            &mut mapping,
                            &opts,
                        )),
                    }
                }
                for (what, want, got) in [
                    ("error", &e.error, &exec.error),
                    ("cause", &e.cause, &exec.cause),
                ] {
                    let (Some(want), got) = (want, got) else {
                        continue;
                    };
                    let got = Value::String(got.clone().unwrap_or_default());
                    failures.extend(value_difference(
                        what,
                        &Value::String(want.clone()),
                        &got,
                        true,
                        &mut mapping,
                        &opts,
                    ));
                }
                if let Some(s) = &local.stuck {
                    if failures.is_empty() && e.status != status {
                        failures.push(s.clone());
                    }
                }
                status
            }
        };
        CaseOutcome {
            name: self.name.clone(),
            pass: failures.is_empty(),
            status,
            failures,
        }
    }
}

impl TestCase {
    /// Each child the run started, paired with an expected child through the identifiers its
    /// parent's history named, compared as the root is: parents before their children, so
    /// that a grandchild's ARN is paired by the time it is looked up.
    fn compare_children(
        &self,
        local: &LocalRun,
        mapping: &mut Mapping,
        opts: &CompareOptions,
    ) -> Vec<String> {
        let expected = &self.expected.children;
        let mut failures = Vec::new();
        let mut met = vec![false; expected.len()];
        let mut queue: VecDeque<_> = local.engine.children(local.root).into();
        while let Some(child) = queue.pop_front() {
            queue.extend(local.engine.children(child));
            let exec = local.engine.execution(child);
            let Some(i) = mapping
                .recorded(&exec.arn)
                .and_then(|arn| expected.iter().position(|c| c.execution_arn == arn))
            else {
                continue;
            };
            met[i] = true;
            let want = &expected[i];
            let label = &want.execution_arn;
            if exec.status.as_str() != want.status {
                failures.push(format!(
                    "child {label}: status {}, expected {}",
                    exec.status.as_str(),
                    want.status
                ));
            }
            match history_from_events(want.history.clone()) {
                Err(why) => failures.push(format!("child {label}: expected history: {why}")),
                Ok(events) => {
                    if let Some(d) = compare(
                        label,
                        &events,
                        want.status == "RUNNING",
                        &exec.history,
                        mapping,
                        opts,
                    ) {
                        failures.push(format!("child {label}: history diverges{}", at(&d)));
                    }
                }
            }
        }
        for (c, _) in expected.iter().zip(met).filter(|(_, met)| !met) {
            failures.push(format!(
                "child {}: the run did not start it (no local execution matched its ARN)",
                c.execution_arn
            ));
        }
        failures
    }
}

/// Where a divergence was found and what it is, as a failure line ends.
fn at(d: &Divergence) -> String {
    let place = d
        .recorded
        .as_ref()
        .map(|r| format!(" at event {} ({})", r.id, r.event_type))
        .unwrap_or_default();
    format!("{place}: {}", d.what)
}

/// Every recorded execution `index` started, and those they started, with an identity to pair.
fn recorded_descendants(import: &Import, index: usize) -> Vec<ExpectedChild> {
    let mut out = Vec::new();
    let mut queue: VecDeque<usize> = import.executions[index].children.iter().copied().collect();
    let mut seen = vec![index];
    while let Some(i) = queue.pop_front() {
        if seen.contains(&i) {
            continue;
        }
        seen.push(i);
        let rec = &import.executions[i];
        queue.extend(rec.children.iter().copied());
        let Some(identity) = &rec.identity else {
            continue;
        };
        out.push(ExpectedChild {
            execution_arn: identity.arn.clone(),
            status: rec.status.clone(),
            history: rec.events.iter().map(|e| e.raw.clone()).collect(),
        });
    }
    out
}

/// A JUnit XML report of outcomes (`testsuites` > `testsuite` > `testcase` with `failure`), as
/// CI systems read it.
pub fn junit_xml(suite: &str, outcomes: &[CaseOutcome]) -> String {
    let failed = outcomes.iter().filter(|o| !o.pass).count();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites tests=\"{}\" failures=\"{failed}\">\n  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">\n",
        outcomes.len(),
        escape(suite),
        outcomes.len()
    ));
    for o in outcomes {
        x.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\"",
            escape(&o.name),
            escape(suite)
        ));
        if o.pass {
            x.push_str("/>\n");
        } else {
            let first = o.failures.first().map_or("", String::as_str);
            x.push_str(&format!(
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                escape(first),
                escape(&o.status),
                escape(&o.failures.join("\n"))
            ));
        }
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

/// Text as XML character data or an attribute value. Characters XML 1.0 cannot hold at all
/// (most control characters) become U+FFFD.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_escapes_and_counts() {
        let x = junit_xml(
            "s",
            &[
                CaseOutcome {
                    name: "a<b>".into(),
                    pass: true,
                    status: "SUCCEEDED".into(),
                    failures: vec![],
                },
                CaseOutcome {
                    name: "c".into(),
                    pass: false,
                    status: "FAILED".into(),
                    failures: vec!["output \"x\" & \u{1}".into()],
                },
            ],
        );
        assert!(x.contains("<testcase name=\"a&lt;b&gt;\" classname=\"s\"/>"));
        assert!(x.contains("tests=\"2\" failures=\"1\""));
        assert!(x.contains("message=\"output &quot;x&quot; &amp; \u{FFFD}\""));
    }
}
