//! The fixture files are the corpus' recordings written as the AWS CLI prints them
//! (`tests/common`); this checks they still are. `STEPWISE_BLESS=1` rewrites them.

mod common;

use common::*;

#[test]
fn fixtures_are_the_corpus_written_as_the_cli_prints_it() {
    let bless = std::env::var_os("STEPWISE_BLESS").is_some();
    for (dir, case_name, page) in FIXTURES {
        let folder = fixtures_dir().join(dir);
        for (file, text) in fixture_files(case_name, *page) {
            let path = folder.join(&file);
            if bless {
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(&path, &text).unwrap();
                continue;
            }
            let on_disk = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (STEPWISE_BLESS=1 writes it)", path.display()));
            assert!(
                on_disk == text,
                "{} is not what the corpus gives (STEPWISE_BLESS=1 rewrites it)",
                path.display()
            );
        }
    }
}
