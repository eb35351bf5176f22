//! `witk-codegen [--wit DIR] --out DIR`: writes the Python packages (`DIR/python/<dist>`)
//! and npm packages (`DIR/npm/<name>`) of every pipeline package in the WIT root (default:
//! the repository's `wit/`). The host and the Python extension generate their Rust in
//! their build scripts; this binary is for the packages that are not Rust.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut wit = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wit");
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--wit" => wit = args.next().map(PathBuf::from).unwrap_or(wit),
            "--out" => out = args.next().map(PathBuf::from),
            other => {
                eprintln!("witk-codegen: unknown argument {other:?}; usage: witk-codegen [--wit DIR] --out DIR");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: witk-codegen [--wit DIR] --out DIR");
        return ExitCode::from(2);
    };
    match witk_codegen::packages(&wit).and_then(|p| witk_codegen::packages_output(&p).write(&out)) {
        Ok(n) => {
            println!("witk-codegen: {n} file(s) written under {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("witk-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}
