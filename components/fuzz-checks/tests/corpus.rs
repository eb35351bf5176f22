//! The committed fuzz corpus (`fuzz/corpus/<target>/`: a set cover of what libFuzzer
//! found, by `scripts/fuzz.sh --merge`) replayed natively on every test run:
//! every input passes its target's checks, and gives the outcome recorded for it in
//! `fuzz/corpus/<target>.outcomes` (a line each: the input's file, the name it is read
//! as, the outcome), which the host's test checks the components in wasmtime against.
//! `WITK_BLESS=1` rewrites the outcome files (after a merge, or a deliberate change of
//! what a reader returns).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

/// Each input's file name and bytes, in name order.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus().join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_input_passes_its_checks_and_gives_its_recorded_outcome() {
    let bless = std::env::var_os("WITK_BLESS").is_some();
    let mut wrong = Vec::new();
    for target in witk_fuzz_checks::TARGETS {
        let files = inputs(target);
        assert!(files.len() >= 20, "{target}: only {} inputs in the corpus", files.len());
        let mut got = BTreeMap::new();
        for (name, data) in &files {
            witk_fuzz_checks::check(target, data);
            // (Escaped as Rust's Debug does: messages may quote a file's tabs and newlines.)
            let outcome = witk_fuzz_checks::outcome(target, data).escape_debug().to_string();
            let line = format!("{}\t{outcome}", witk_fuzz_checks::file_name(target, data));
            got.insert(name.clone(), line);
        }
        let path = corpus().join(format!("{target}.outcomes"));
        let text: String = got.iter().map(|(name, outcome)| format!("{name}\t{outcome}\n")).collect();
        if bless {
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let recorded = std::fs::read_to_string(&path).unwrap_or_default();
        if recorded != text {
            let recorded: BTreeMap<&str, &str> = recorded.lines().filter_map(|l| l.split_once('\t')).collect();
            for (name, outcome) in &got {
                if recorded.get(name.as_str()) != Some(&outcome.as_str()) {
                    wrong.push(format!("{target}/{name}: {outcome}, recorded {:?}", recorded.get(name.as_str())));
                }
            }
            if recorded.len() != got.len() {
                wrong.push(format!("{target}: {} recorded, {} inputs", recorded.len(), got.len()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "outcomes differ from fuzz/corpus/*.outcomes (WITK_BLESS=1 rewrites):\n{}",
        wrong.join("\n")
    );
}
