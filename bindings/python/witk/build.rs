//! Generates the typed adapters (`OUT_DIR/generated.rs`) of every pipeline package found
//! in the repository's `wit/`: Python arguments to the host's typed calls, with the GIL
//! released. Adding a pipeline edits nothing here.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let wit = manifest.join("../../../wit");
    println!("cargo::rerun-if-changed={}", wit.display());
    let packages = witk_codegen::packages(&wit).unwrap_or_else(|e| panic!("witk-codegen: {e}"));
    for p in &packages {
        println!("cargo::rerun-if-changed={}", p.dir.display());
    }
    let mut out = witk_codegen::Output::default();
    out.add("generated.rs".into(), witk_codegen::native::generate(&packages));
    out.write(&PathBuf::from(std::env::var("OUT_DIR").unwrap())).unwrap_or_else(|e| panic!("{e}"));
}
