//! The JS API's TypeScript declarations agree with the engine: the `HistoryEventType` union in
//! crates/wasm/src/types.d.ts lists exactly `EventType::ALL`, in the same order, so that the two
//! cannot drift apart.

use stepwise_engine::EventType;

const TYPES_D_TS: &str = include_str!("../../crates/wasm/src/types.d.ts");

/// The quoted names of `export type NAME = | "a" | "b" ...;`.
fn union(name: &str) -> Vec<&'static str> {
    let head = format!("export type {name} =");
    let start = TYPES_D_TS
        .find(&head)
        .unwrap_or_else(|| panic!("types.d.ts declares no {name}"))
        + head.len();
    let body = &TYPES_D_TS[start..];
    let body = &body[..body.find(';').expect("the union ends with ';'")];
    body.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or_else(|| panic!("not a string literal in {name}: {s}"))
        })
        .collect()
}

#[test]
fn history_event_type_union_is_the_engine_enum() {
    let declared = union("HistoryEventType");
    let engine: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(declared, engine);
}

#[test]
fn history_events_are_typed_with_the_union() {
    for decl in [
        "export interface HistoryEvent {",
        "export interface StepEvent {",
    ] {
        let at = TYPES_D_TS.find(decl).expect(decl);
        let line = TYPES_D_TS[at..].lines().next().unwrap_or_default();
        assert!(line.contains("type: HistoryEventType;"), "{line}");
    }
}
