//! Where the AWS-recorded test data lives: `../shared` next to the repository, or the folder
//! named by `STEPWISE_SHARED`. Tests built on it skip, saying so, when it is absent, so that a
//! checkout without the data still builds and tests everything else.

use std::path::PathBuf;

pub(crate) fn shared() -> Option<PathBuf> {
    let dir = match std::env::var_os("STEPWISE_SHARED") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("test data not found at {}: skipped", dir.display());
        None
    }
}
