//! Where the test corpora live: `tests/corpus/` of this repository (copied from the team's shared
//! data, see its README), or the folder named by `STEPWISE_CORPUS`.

use std::path::PathBuf;

/// The corpus folder: it holds `conformance/`, `validation-external/`, `jsonata-suite/` and
/// `jsonpath/`.
pub(crate) fn corpus() -> PathBuf {
    match std::env::var_os("STEPWISE_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus"),
    }
}
