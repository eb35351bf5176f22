//! `witk-codegen [--wit DIR] --out DIR [--components DIR [--jco PROGRAM]]`: writes the
//! Python packages (`DIR/python/<dist>`) and npm packages (`DIR/npm/<name>`) of every
//! pipeline package in the WIT root (default: the repository's `wit/`) and, with
//! `--components`, puts each `<name>.wasm` in them (jco-transpiled for npm and Pyodide).
//! The host and the Python extension generate their Rust in their build scripts; this
//! binary is for the packages that are not Rust (`witk bindgen` is the same for a
//! pipeline project).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: witk-codegen [--wit DIR] --out DIR [--components DIR [--jco PROGRAM]]";

fn main() -> ExitCode {
    let mut wit = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wit");
    let (mut out, mut components, mut jco) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().map(PathBuf::from);
        match (a.as_str(), value) {
            ("--wit", Some(v)) => wit = v,
            ("--out", Some(v)) => out = Some(v),
            ("--components", Some(v)) => components = Some(v),
            ("--jco", Some(v)) => jco = Some(vec![v.display().to_string()]),
            _ => {
                eprintln!("witk-codegen: bad argument {a:?}; {USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match witk_codegen::bindgen(&wit, &out, components.as_deref(), jco.as_ref()) {
        Ok((_, n)) => {
            println!("witk-codegen: {n} file(s) written under {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("witk-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}
