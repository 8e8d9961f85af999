//! "Test this state", as AWS's TestState: the selected state run alone on an input the user
//! edits (and, for a Task, a mocked result or error), showing every data-flow stage, the
//! status and the next state. The engine runs it in a scratch engine: the workspace and its
//! executions are not touched.

use stepwise_engine::teststate::{
    FieldValidationMode, MockErrorOutput, MockInput, TestRun, TestStateRequest, TestStatus,
};
use yew::prelude::*;

use crate::components::inspector::{block_html, escape, pipeline_blocks};
use crate::context::use_workspace;
use crate::history::pretty;

#[derive(Properties, PartialEq)]
pub struct TestStateProps {
    /// The whole machine's definition and the tested state's name.
    pub definition: String,
    pub state: String,
    /// Prefilled input (the selected run's input, or `{}`).
    pub input: String,
    /// Prefilled mocked result for a Task, Map or Parallel (the selected run's result, or an
    /// empty one); `None` for states that take no mock.
    pub mock_result: Option<String>,
    /// A Task (a Map's or Parallel's mocked result is their result: an array).
    pub is_task: bool,
}

/// The current text of a form field (a textarea or an input), read when the test runs: the
/// fields are left to the browser while the user types.
fn field(node: &NodeRef) -> String {
    node.get()
        .and_then(|n| js_sys::Reflect::get(&n, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The answer: status, next state, error (and which retrier or catcher took it, AWS's
/// `errorDetails`), every stage and the variables after the state.
fn answer(r: &TestRun) -> Html {
    use std::fmt::Write;
    let class = match r.status {
        TestStatus::Succeeded => "st-succeeded",
        TestStatus::CaughtError => "st-caught",
        TestStatus::Retriable => "st-waiting",
        TestStatus::Failed => "st-failed",
    };
    let mut out = format!(
        r#"<div><p><span class="status-chip {class}" data-testid="ts-status">{}</span>"#,
        r.status.as_str()
    );
    if let Some(n) = &r.next_state {
        let _ = write!(
            out,
            r#" → next state <strong data-testid="ts-next-state">{}</strong>"#,
            escape(n)
        );
    }
    out.push_str("</p>");
    if let Some(e) = &r.error {
        let details = match r
            .error_details
            .as_ref()
            .map(|d| (d.retry_index, d.catch_index))
        {
            Some((Some(i), _)) => format!(
                "Retrier #{i} takes it, after {} s.",
                r.error_details
                    .as_ref()
                    .and_then(|d| d.retry_backoff_interval_seconds)
                    .unwrap_or(0)
            ),
            Some((_, Some(i))) => format!("Catcher #{i} takes it."),
            _ => String::new(),
        };
        let _ = write!(
            out,
            r#"<div class="io-block error" data-testid="ts-error"><h3>Error</h3><pre class="json">{}{}</pre><p class="muted small">{details}</p></div>"#,
            escape(&e.error),
            e.cause
                .as_ref()
                .map(|c| format!("\n\n{}", escape(&pretty(c))))
                .unwrap_or_default()
        );
    }
    out.push_str("</div>");
    // A Map's own stages: its items, each iteration's input, the batches, and its limits.
    if let Some(m) = &r.map {
        out.push_str(r#"<div data-testid="ts-map">"#);
        for (title, id, v) in [
            (
                "After ItemsPath",
                "ts-after-items-path",
                &m.after_items_path,
            ),
            (
                "After ItemSelector",
                "ts-after-item-selector",
                &m.after_item_selector,
            ),
            (
                "After ItemBatcher",
                "ts-after-item-batcher",
                &m.after_item_batcher,
            ),
        ] {
            if let Some(v) = v {
                block_html(&mut out, title, id, "", Some(&v.to_json_text()));
            }
        }
        let _ = write!(
            out,
            r#"<p class="muted small" data-testid="ts-map-limits">MaxConcurrency {}"#,
            m.max_concurrency
        );
        if let Some(c) = m.tolerated_failure_count {
            let _ = write!(out, " · ToleratedFailureCount {c}");
        }
        if let Some(p) = m.tolerated_failure_percentage {
            let _ = write!(out, " · ToleratedFailurePercentage {p}");
        }
        out.push_str("</p></div>");
    }
    let variables = (!r.variables.is_empty()).then(|| {
        let mut v = String::from("<div>");
        block_html(
            &mut v,
            "Variables after the state",
            "ts-variables",
            "",
            Some(&stepwise_json::Value::Object(r.variables.clone()).to_json_text()),
        );
        v.push_str("</div>");
        Html::from_html_unchecked(AttrValue::from(v))
    });
    html! {
        <div class="ts-answer" data-testid="ts-answer">
            { Html::from_html_unchecked(AttrValue::from(out)) }
            { pipeline_blocks(&r.pipeline, "ts") }
            { variables.unwrap_or_default() }
        </div>
    }
}

#[function_component]
pub fn TestStatePanel(props: &TestStateProps) -> Html {
    let ws = use_workspace();
    let (input, result, error, cause) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let (context, validation) = (use_node_ref(), use_node_ref());
    let outcome = use_state(|| None::<Result<TestRun, String>>);
    // The fields start with the run's input and result and are then the user's: set once, not
    // rendered as `value` (a re-render after each test would put the prefilled text back).
    {
        let (input, result) = (input.clone(), result.clone());
        let (first_input, first_result) = (props.input.clone(), props.mock_result.clone());
        use_effect_with((), move |_| {
            let set = |node: &NodeRef, text: &str| {
                if let Some(n) = node.get() {
                    let _ = js_sys::Reflect::set(&n, &"value".into(), &text.into());
                }
            };
            set(&input, &first_input);
            if let Some(r) = first_result {
                set(&result, &r);
            }
        });
    }
    let mocked = props.mock_result.is_some();
    let on_run = {
        let (ws, outcome) = (ws.clone(), outcome.clone());
        let (definition, state) = (props.definition.clone(), props.state.clone());
        let (input, result, error, cause) =
            (input.clone(), result.clone(), error.clone(), cause.clone());
        let (context, validation) = (context.clone(), validation.clone());
        Callback::from(move |_| {
            // The select offers AWS's names only; a Map or Parallel has none (STRICT, unused).
            let field_validation_mode =
                FieldValidationMode::parse(&field(&validation)).unwrap_or_default();
            // An error name mocks a failure; otherwise the result answers.
            let mock = mocked.then(|| {
                let name = field(&error);
                if name.trim().is_empty() {
                    MockInput {
                        result: Some(field(&result)),
                        error_output: None,
                        field_validation_mode,
                    }
                } else {
                    let cause = field(&cause);
                    MockInput {
                        result: None,
                        error_output: Some(MockErrorOutput {
                            error: Some(name),
                            cause: (!cause.is_empty()).then_some(cause),
                        }),
                        field_validation_mode,
                    }
                }
            });
            let req = TestStateRequest {
                definition: definition.clone(),
                state_name: Some(state.clone()),
                input: Some(field(&input)),
                mock,
                // Blank: TestState's own context object (its scratch execution's).
                context: mocked.then(|| field(&context)),
                ..TestStateRequest::default()
            };
            if let Err(e) = crate::jsonata::check_loaded([definition.as_str()]) {
                outcome.set(Some(Err(e)));
                return;
            }
            let r = ws.read().engine().test_state_run(&req);
            outcome.set(Some(r.map_err(|e| format!("{}: {}", e.name, e.message))));
        })
    };
    html! {
        <div class="test-state" data-testid="test-state">
            <h3>{ "Test this state alone (TestState)" }</h3>
            <label>{ "State input" }
                <textarea class="mono" rows="5" data-testid="ts-input" spellcheck="false" ref={input} />
            </label>
            if mocked {
                <label>{ if props.is_task { "Mocked result" } else { "Mocked result (the state's result: an array)" } }
                    <textarea class="mono" rows="4" data-testid="ts-mock-result" spellcheck="false" ref={result} />
                </label>
                <div class="row">
                    <input data-testid="ts-mock-error" aria-label="Mocked error" placeholder="or a mocked error (e.g. States.Timeout)" ref={error} />
                    <input data-testid="ts-mock-cause" aria-label="Mocked cause" placeholder="Cause" ref={cause} />
                </div>
                if props.is_task {
                    <label>{ "Field validation of the mocked result" }
                        <select data-testid="ts-field-validation" ref={validation}>
                            <option selected={true}>{ "STRICT" }</option>
                            <option>{ "PRESENT" }</option>
                            <option>{ "NONE" }</option>
                        </select>
                    </label>
                }
                <label>{ "Context object ($$), optional" }
                    <textarea class="mono" rows="3" data-testid="ts-context" spellcheck="false" ref={context}
                        placeholder={r#"{"Execution": {"Name": "run-1"}} (blank: TestState's own)"#} />
                </label>
            }
            <div class="row">
                <button class="primary" data-testid="ts-run" onclick={on_run}>{ "Run test" }</button>
            </div>
            { match &*outcome {
                None => html! {},
                Some(Ok(r)) => answer(r),
                Some(Err(e)) => html! {
                    <div data-testid="ts-failure-box">
                        <p class="field-error" data-testid="ts-failure">{ e.clone() }</p>
                        if e.contains("Mock result schema validation error") {
                            <p class="muted small" data-testid="ts-failure-hint">{
                                "AWS checks a mocked result against the API's response (a \
                                 Lambda Payload must be text). NONE skips the check; PRESENT \
                                 skips only missing fields."
                            }</p>
                        }
                    </div>
                },
            } }
        </div>
    }
}
