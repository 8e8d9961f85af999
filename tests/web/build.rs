//! Bundles the AWS-recorded conformance corpus (`tests/corpus/conformance/cases`) into one JSON array, so the browser tests can run it without file access.
//! When the corpus is absent the bundle is empty and the corpus test says so.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let cases = manifest.join("../corpus/conformance/cases");
    println!("cargo:rerun-if-changed={}", cases.display());
    let mut files = Vec::new();
    collect(&cases, &mut files);
    let mut bundle = String::from("[");
    for (i, f) in files.iter().enumerate() {
        if let Ok(text) = std::fs::read_to_string(f) {
            if i > 0 {
                bundle.push(',');
            }
            bundle.push_str(&text);
        }
    }
    bundle.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("corpus.json");
    if let Err(e) = std::fs::write(&out, bundle) {
        panic!("cannot write {}: {e}", out.display());
    }
}
