//! The examples gallery, compiled into the app so it works offline (`www/examples/`).

pub struct Example {
    pub file: &'static str,
    pub json: &'static str,
}

pub const INDEX: &str = include_str!("../../../www/examples/index.json");

pub const EXAMPLES: &[Example] = &[
    Example {
        file: "sync-start.json",
        json: include_str!("../../../www/examples/sync-start.json"),
    },
    Example {
        file: "fire-and-forget.json",
        json: include_str!("../../../www/examples/fire-and-forget.json"),
    },
    Example {
        file: "wait-for-task-token.json",
        json: include_str!("../../../www/examples/wait-for-task-token.json"),
    },
    Example {
        file: "started-by-execution-id.json",
        json: include_str!("../../../www/examples/started-by-execution-id.json"),
    },
    Example {
        file: "map-fanout.json",
        json: include_str!("../../../www/examples/map-fanout.json"),
    },
    Example {
        file: "catch-child-failure.json",
        json: include_str!("../../../www/examples/catch-child-failure.json"),
    },
    Example {
        file: "approval.json",
        json: include_str!("../../../www/examples/approval.json"),
    },
    Example {
        file: "three-level-chain.json",
        json: include_str!("../../../www/examples/three-level-chain.json"),
    },
    Example {
        file: "mocked-lambda.json",
        json: include_str!("../../../www/examples/mocked-lambda.json"),
    },
];

/// The examples with their titles and descriptions, in gallery order.
pub fn gallery() -> Vec<(&'static Example, String, String)> {
    EXAMPLES
        .iter()
        .map(|e| {
            let v: serde_json::Value = serde_json::from_str(e.json).unwrap_or_default();
            let s = |k: &str| {
                v.get(k)
                    .and_then(|x| x.as_str())
                    .unwrap_or(e.file)
                    .to_string()
            };
            (e, s("title"), s("description"))
        })
        .collect()
}

pub fn by_file(file: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.file == file)
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::*;
    use crate::workspace::Workspace;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn index_lists_every_compiled_example_and_each_loads() {
        let index: serde_json::Value = serde_json::from_str(INDEX).unwrap();
        let files: Vec<&str> = index["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["file"].as_str().unwrap())
            .collect();
        assert_eq!(files, EXAMPLES.iter().map(|e| e.file).collect::<Vec<_>>());
        for e in EXAMPLES {
            let w = Workspace::from_json(e.json).unwrap_or_else(|err| panic!("{}: {err}", e.file));
            assert!(w.machines.len() >= 2, "{}", e.file);
            for m in &w.machines {
                let diags =
                    crate::components::machines::diagnostics_for(&m.definition, m.machine_type());
                assert!(
                    stepwise_asl::validate::is_valid(&diags),
                    "{} {}: {diags:?}",
                    e.file,
                    m.name
                );
            }
        }
    }
}
