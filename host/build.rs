//! Generates the typed pipeline modules from `wit/` and joins each with its folder under
//! `components/` (see witk-codegen's `host` module): every pipeline package found in
//! `wit/` becomes `witk::pipelines::<name>`, so adding a pipeline edits nothing here.
//!
//! Release builds of the components are embedded when they exist, so the `witk` binary
//! and library are self-contained: build them first with `scripts/build-components.sh`;
//! without them the crate still builds and each pipeline reports how to build it.

use std::path::PathBuf;
use witk_codegen::host::{self, Parts};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap().to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let wasm_dir = std::env::var_os("WITK_COMPONENTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("components/target/witk"));
    println!("cargo::rerun-if-env-changed=WITK_COMPONENTS_DIR");
    // New or removed pipelines change these folders' listings.
    for dir in [root.join("wit"), root.join("components"), wasm_dir.clone()] {
        println!("cargo::rerun-if-changed={}", dir.display());
    }

    let packages = witk_codegen::packages(&root.join("wit")).unwrap_or_else(|e| panic!("witk-codegen: {e}"));
    let mut parts = Vec::new();
    let mut files = witk_codegen::Output::default();
    for p in &packages {
        println!("cargo::rerun-if-changed={}", p.dir.display());
        let found = Parts::find(&root.join("components"), &wasm_dir, &p.name);
        for path in [&found.module, &found.cli, &found.wasm].into_iter().flatten() {
            println!("cargo::rerun-if-changed={}", path.display());
        }
        if let Some(dir) = found.module.as_ref().and_then(|m| m.parent()) {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
        files.add(format!("pipelines/{}.rs", p.snake()), host::generate(p));
        parts.push(found);
    }
    files.add("pipelines.rs".into(), host::registry(&packages, &parts));
    files.write(&out).unwrap_or_else(|e| panic!("writing generated code: {e}"));
}
