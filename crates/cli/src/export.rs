//! `stepwise export [--format cloudformation|sam] [--yaml|--json] WORKSPACE.json`
//!
//! Reads a workspace file and returns the deployable template text (YAML unless `--json`).
//! `args` are the arguments after `export`. Wiring: `main.rs` declares `mod export;`, and the
//! CLI's Cargo.toml needs `stepwise-export.workspace = true`.

use stepwise_export::{export, to_json, to_yaml, Format, Options, Workspace};

pub const USAGE: &str =
    "usage: stepwise export [--format cloudformation|sam] [--yaml|--json] WORKSPACE.json";

pub fn run(args: &[String]) -> Result<String, String> {
    let mut format = Format::CloudFormation;
    let mut json = false;
    let mut path: Option<&str> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--format" | "-f" => {
                let value = it
                    .next()
                    .ok_or_else(|| format!("--format needs a value\n{USAGE}"))?;
                format = value.parse()?;
            }
            a if a.starts_with("--format=") => format = a["--format=".len()..].parse()?,
            "--yaml" => json = false,
            "--json" => json = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            a if a.starts_with('-') && a != "-" => {
                return Err(format!("unknown option {a}\n{USAGE}"))
            }
            a => {
                if let Some(first) = path {
                    return Err(format!(
                        "one workspace file expected, got {first} and {a}\n{USAGE}"
                    ));
                }
                path = Some(a);
            }
        }
    }
    let path = path.ok_or_else(|| format!("missing WORKSPACE.json\n{USAGE}"))?;
    let text = if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    let workspace = Workspace::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let options = Options {
        format,
        ..Options::default()
    };
    let template = export(&workspace, &options).map_err(|e| e.to_string())?;
    // What the template leaves to review (wildcard grants marked `TodoReviewPermissions`,
    // ARNs outside the workspace...) is said on stderr too, never only inside the template.
    let todo = template
        .pointer("/Metadata/Stepwise/Todo")
        .and_then(|t| t.as_array());
    for note in todo.into_iter().flatten().filter_map(|n| n.as_str()) {
        eprintln!("stepwise export: review: {note}");
    }
    if json {
        Ok(to_json(&template))
    } else {
        to_yaml(&template).map_err(|e| e.to_string())
    }
}
