//! Golden tests of the generators, the way wasmtime tests `bindgen!`: the outputs for the
//! small fixture packages in `tests/fixtures/` are compared with the files committed
//! under `tests/expected/<fixture>/`. After an intended change to a generator, run
//! `WITK_BLESS=1 cargo test -p witk-codegen --test golden` and review the diff.

use std::path::{Path, PathBuf};
use witk_codegen::host::{self, Parts};
use witk_codegen::{native, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every generator's output for the fixture packages, with paths made machine-independent.
fn generate() -> Output {
    let packages = witk_codegen::packages(&fixtures()).expect("fixtures parse");
    assert_eq!(packages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["threshold"]);
    let mut out = witk_codegen::packages_output(&packages);
    let root = fixtures().display().to_string();
    for p in &packages {
        out.add(format!("host/pipelines/{}.rs", p.snake()), host::generate(p).replace(&root, "$FIXTURES"));
    }
    // The registry as the host's build.rs makes it for a pipeline with every part.
    let parts = vec![Parts {
        module: Some(PathBuf::from("/repo/components/threshold/host/mod.rs")),
        cli: Some(PathBuf::from("/repo/components/threshold/host/cli.rs")),
        wasm: Some(PathBuf::from("/repo/components/target/witk/threshold.wasm")),
    }];
    out.add("host/pipelines.rs".into(), host::registry(&packages, &parts));
    out.add("native/generated.rs".into(), native::generate(&packages));
    out
}

#[test]
fn outputs_match_the_committed_expectations() {
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/threshold");
    let out = generate();
    if std::env::var_os("WITK_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&expected);
        out.write(&expected).unwrap();
        return;
    }
    let mut stale = Vec::new();
    for (rel, contents) in &out.files {
        match std::fs::read_to_string(expected.join(rel)) {
            Ok(want) if want == *contents => {}
            Ok(_) => stale.push(format!("differs: {}", rel.display())),
            Err(_) => stale.push(format!("missing: {}", rel.display())),
        }
    }
    // A file the generators no longer make must not linger among the expectations.
    let made: Vec<PathBuf> = out.files.iter().map(|(p, _)| expected.join(p)).collect();
    for file in walk(&expected) {
        if !made.contains(&file) {
            stale.push(format!("no longer generated: {}", file.display()));
        }
    }
    assert!(stale.is_empty(), "golden outputs are out of date (WITK_BLESS=1 to update):\n{}", stale.join("\n"));
}

/// The same WIT generates the same bytes: nothing depends on hash order or the clock.
#[test]
fn generation_is_deterministic() {
    let (a, b) = (generate(), generate());
    assert_eq!(a.files, b.files);
}

/// A parameter default or doc change in the WIT shows in every binding.
#[test]
fn defaults_and_docs_reach_every_binding() {
    let out = generate();
    let file = |rel: &str| &out.files.iter().find(|(p, _)| p == Path::new(rel)).unwrap().1;
    assert!(file("host/pipelines/threshold.rs").contains("pub const DEFAULT_UPPER: f64 = 255.0;"));
    assert!(file("python/witk-threshold/witk_threshold/threshold.py").contains("upper: float = 255.0"));
    assert!(file("npm/threshold/index.d.ts").contains("Highest value inside"));
    assert!(file("python/witk-threshold/witk_threshold/__init__.py").contains("binarize"));
}

/// Every generated Python module parses (Python 3.9's grammar is the oldest the packages
/// declare; `ast` of the interpreter at hand is the check available here).
#[test]
fn generated_python_parses() {
    use std::io::Write;
    let out = generate();
    let modules: Vec<_> = out.files.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "py")).collect();
    assert!(modules.len() > 10);
    for (path, text) in modules {
        let mut child = std::process::Command::new("python3")
            .args(["-c", "import ast, sys; ast.parse(sys.stdin.read(), sys.argv[1])", &path.display().to_string()])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "{} does not parse", path.display());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
