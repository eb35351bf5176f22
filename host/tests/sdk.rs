//! `witk new`, `witk build`, `witk bindgen` as a user meets them: files, refusals and exit
//! codes. (Building and calling the scaffolded pipelines, in Rust and Python, is
//! tests/python/test_sdk_guide.py, which walks docs/write-a-pipeline.md.)

use std::path::Path;
use std::process::{Command, Output};

fn witk(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_witk")).args(args).current_dir(cwd).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn new_writes_a_project_for_each_language() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, guest) in [("rust", "src/lib.rs"), ("python", "app.py")] {
        let name = format!("edge-{lang}");
        let out = witk(&["new", &name, "--lang", lang], dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
        let project = dir.path().join(&name);
        let world = std::fs::read_to_string(project.join(format!("wit/{name}/world.wit"))).unwrap();
        assert!(world.contains(&format!("package witk:{name}@0.1.0;")) && world.contains(&format!("world {name} {{")));
        // witk:types is vendored byte for byte, so the project builds without this repository.
        for file in ["errors.wit", "spatial.wit", "world.wit"] {
            let vendored = std::fs::read(project.join(format!("wit/{name}/deps/types/{file}"))).unwrap();
            let ours = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit/types").join(file)).unwrap();
            assert_eq!(vendored, ours, "{file}");
        }
        let guest = std::fs::read_to_string(project.join(guest)).unwrap();
        assert!(!guest.contains("{{"), "an unfilled placeholder in {name}'s guest");
        assert!(project.join(format!("tests/test_edge_{lang}.py")).is_file() && project.join("README.md").is_file());
        // The generator reads the project's WIT as it reads this repository's.
        let out = witk(&["bindgen", &name, "--no-component"], dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
        let snake = name.replace('-', "_");
        let wrapper = project.join(format!("bindings/python/witk-{name}/witk_{snake}/histogram.py"));
        assert!(std::fs::read_to_string(wrapper).unwrap().contains("bins: int = 10"));
        assert!(std::fs::read_to_string(project.join(format!("bindings/npm/{name}/index.d.ts")))
            .unwrap()
            .contains("export function binaryThreshold("));
    }
}

#[test]
fn the_rust_template_uses_the_guests_wit_bindgen() {
    // A new Rust project builds from the crates the repository's guests already use.
    let components =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../components/Cargo.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert!(witk(&["new", "pin-check"], dir.path()).status.success());
    let cargo = std::fs::read_to_string(dir.path().join("pin-check/Cargo.toml")).unwrap();
    let version = |text: &str| {
        let line = text.lines().find(|l| l.starts_with("wit-bindgen =")).unwrap().to_string();
        line.split("version = \"").nth(1).unwrap().split('"').next().unwrap().to_string()
    };
    assert_eq!(version(&cargo), version(&components));
}

#[test]
fn refusals_are_clear_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (name, says) in [
        ("Bad_Name", "not a pipeline name"),
        ("9lives", "not a pipeline name"),
        ("trailing-", "not a pipeline name"),
        ("record", "WIT keyword"),
        ("image-io", "one of witk's own packages"),
        ("types", "one of witk's own packages"),
    ] {
        let out = witk(&["new", name], dir.path());
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains(says), "{name}: {}", stderr(&out));
        assert!(!dir.path().join(name).exists());
    }
    // Nothing is overwritten.
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    std::fs::write(dir.path().join("taken/notes.txt"), "mine").unwrap();
    let out = witk(&["new", "taken"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists and is not empty"));
    assert_eq!(std::fs::read_to_string(dir.path().join("taken/notes.txt")).unwrap(), "mine");
    // Not a project; a project without a guest; bindgen before build.
    let out = witk(&["build", "taken"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a pipeline project: no wit/ folder"), "{}", stderr(&out));
    assert!(witk(&["new", "no-guest", "--lang", "python"], dir.path()).status.success());
    std::fs::remove_file(dir.path().join("no-guest/app.py")).unwrap();
    let out = witk(&["build", "no-guest"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("neither Cargo.toml (Rust) nor app.py (Python)"));
    let out = witk(&["bindgen", "no-guest"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("build it first: witk build"), "{}", stderr(&out));
}
