//! witk-codegen: every language binding's per-function code, generated from `wit/`.
//!
//! `cargo run -p witk-codegen` rewrites the generated files; `--check` fails (exit 1)
//! when any of them differs from what the WIT says, which CI runs so generated code
//! can never drift from its source.

mod host;
mod js;
mod model;
mod native;
mod python;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Generated files, relative to the repository root.
#[derive(Default)]
pub struct Output {
    files: Vec<(PathBuf, String)>,
}

impl Output {
    pub fn add(&mut self, path: String, contents: String) {
        self.files.push((PathBuf::from(path), contents));
    }
}

/// Format generated Rust as the repository does (rustfmt.toml), so `cargo fmt --check`
/// and the generated files agree.
pub fn rustfmt(code: String) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rustfmt.toml");
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--config-path"])
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("running rustfmt (rustup component add rustfmt)");
    child.stdin.take().unwrap().write_all(code.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "rustfmt rejected generated code:\n{code}");
    String::from_utf8(out.stdout).unwrap()
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match run(&root, check) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(stale) => {
            eprintln!("witk-codegen: {stale} generated file(s) are out of date; run `cargo run -p witk-codegen`");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("witk-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, check: bool) -> Result<usize, String> {
    let mut packages = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("wit"))
        .map_err(|e| format!("wit/: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("deps").is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        packages.push(model::Package::load(&dir)?);
    }
    let mut out = Output::default();
    for p in &packages {
        python::generate(p, &mut out);
        js::generate(p, &mut out);
        host::generate(p, &mut out);
    }
    native::generate(&packages, &mut out);

    let mut stale = 0;
    for (rel, contents) in &out.files {
        let path = root.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        stale += 1;
        if check {
            eprintln!("out of date: {}", rel.display());
        } else {
            std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| format!("{}: {e}", rel.display()))?;
            std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", rel.display()))?;
            println!("wrote {}", rel.display());
        }
    }
    Ok(if check { stale } else { 0 })
}
