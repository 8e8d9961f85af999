//! The options of `mount(target, options)` and of `<stepwise-playground>`, read and checked.
//!
//! The loader (`www/embed.js`) hands them over as JSON text, without `seed` and `epoch` (a seed
//! may be a BigInt and an epoch a `Date`, which JSON cannot carry: those go to `new Stepwise()`
//! as they are). A mistake is a `TypeError` whose message names the option.

use serde_json::Value;

pub const ALL_PANELS: [&str; 4] = ["graph", "history", "tokens", "output"];

/// What an embed shows and does, with every default filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// `(name, definition text)`, in the order given.
    pub machines: Vec<(String, String)>,
    /// The machine Run starts.
    pub start: String,
    pub input_text: String,
    pub panels: Vec<String>,
    pub read_only: bool,
    pub autoplay: bool,
    pub title: String,
    /// Milliseconds between two animated steps.
    pub step_delay: u32,
    /// What a pending task's success button sends.
    pub task_output_text: String,
    pub success_label: String,
}

impl Options {
    pub fn has(&self, panel: &str) -> bool {
        self.panels.iter().any(|p| p == panel)
    }
}

/// Definitions and inputs are JSON text for the engine; objects are pretty-printed for editing.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// JavaScript's truthiness, for the boolean options (`readOnly: 1` counts as true there too).
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

/// A field that is present and not `null` (JavaScript's `??`).
fn given<'a>(o: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

/// Text of a value that is a string, else its JSON (as JavaScript's template strings would
/// show a number); labels and titles are meant to be strings.
fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn parse(json: &str) -> Result<Options, String> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("mount: the options are not JSON: {e}"))?;
    let empty = serde_json::Map::new();
    let o = value.as_object().unwrap_or(&empty);
    let machines = match given(o, "machines") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => {
            return Err(
                "mount: options.machines must be a non-empty array of {name, definition}".into(),
            )
        }
    };
    let mut named = Vec::with_capacity(machines.len());
    for m in machines {
        let name = m.get("name").and_then(Value::as_str);
        let definition = m.get("definition").filter(|d| !d.is_null());
        match (name, definition) {
            (Some(name), Some(definition)) => named.push((name.to_string(), as_text(definition))),
            _ => return Err("mount: every machine needs a name (string) and a definition".into()),
        }
    }
    let start = given(o, "start").map_or_else(|| named[0].0.clone(), label);
    if !named.iter().any(|(name, _)| *name == start) {
        return Err(format!("mount: options.start names no machine: {start}"));
    }
    let panels: Vec<String> = match given(o, "panels") {
        None => ALL_PANELS.iter().map(|p| p.to_string()).collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::Array(list)) => list.iter().map(label).collect(),
        Some(other) => vec![label(other)],
    };
    let unknown: Vec<&str> = panels
        .iter()
        .map(String::as_str)
        .filter(|p| !ALL_PANELS.contains(p))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "mount: unknown panels {} (use {})",
            unknown.join(", "),
            ALL_PANELS.join(", ")
        ));
    }
    let step_delay = given(o, "stepDelay")
        .and_then(Value::as_f64)
        .filter(|d| d.is_finite())
        .map_or(150, |d| d.clamp(0.0, f64::from(u32::MAX)) as u32);
    let task_output_text = match given(o, "taskOutput") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "{}".into(),
    };
    Ok(Options {
        start: start.clone(),
        input_text: given(o, "input").map_or_else(|| "{}".into(), as_text),
        panels,
        read_only: truthy(o.get("readOnly")),
        autoplay: truthy(o.get("autoplay")),
        title: given(o, "title").map_or(start, label),
        step_delay,
        task_output_text,
        success_label: given(o, "successLabel").map_or_else(|| "Send success".into(), label),
        machines: named,
    })
}

/// JSON text pretty-printed with two spaces, or the text itself when it is not JSON.
pub fn pretty(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn defaults_and_text() {
        let o = parse(r#"{"machines":[{"name":"A","definition":{"StartAt":"X","States":{}}}]}"#)
            .unwrap();
        assert_eq!(o.start, "A");
        assert_eq!(o.title, "A");
        assert_eq!(o.panels, ALL_PANELS);
        assert_eq!(o.input_text, "{}");
        assert_eq!(o.step_delay, 150);
        assert_eq!(o.task_output_text, "{}");
        assert!(o.machines[0].1.contains("\n  \"StartAt\": \"X\""));
    }

    #[test]
    fn mistakes_are_named() {
        assert!(parse("{}").unwrap_err().contains("options.machines"));
        assert!(parse(r#"{"machines":[{"name":"A"}]}"#)
            .unwrap_err()
            .contains("every machine"));
        let m = r#""machines":[{"name":"A","definition":"{}"}]"#;
        assert_eq!(
            parse(&format!("{{{m},\"start\":\"B\"}}")).unwrap_err(),
            "mount: options.start names no machine: B"
        );
        assert_eq!(
            parse(&format!("{{{m},\"panels\":\"graph, nope\"}}")).unwrap_err(),
            "mount: unknown panels nope (use graph, history, tokens, output)"
        );
        let o = parse(&format!(
            "{{{m},\"panels\":\"graph,output\",\"readOnly\":1,\"stepDelay\":-5,\"taskOutput\":{{\"ok\":true}}}}"
        ))
        .unwrap();
        assert_eq!(o.panels, ["graph", "output"]);
        assert!(o.read_only && !o.autoplay);
        assert_eq!(o.step_delay, 0);
        assert_eq!(o.task_output_text, r#"{"ok":true}"#);
    }
}
