//! Embeds the release builds of the guest components when they exist, so the `witk`
//! binary and library are self-contained. Build them first with
//! `scripts/build-components.sh`; without them the crate still builds and every
//! built-in pipeline reports how to build its component.

use std::path::PathBuf;

/// Pipelines whose components `scripts/build-components.sh` writes as `<name>.wasm`.
const COMPONENTS: &[&str] = &["compare-images", "compress-stringify", "downsample", "image-io"];

fn main() {
    for name in COMPONENTS {
        println!("cargo::rustc-check-cfg=cfg(witk_embed_{})", name.replace('-', "_"));
    }
    println!("cargo::rerun-if-env-changed=WITK_COMPONENTS_DIR");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = std::env::var_os("WITK_COMPONENTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../components/target/witk"));
    for name in COMPONENTS {
        let path = dir.join(format!("{name}.wasm"));
        println!("cargo::rerun-if-changed={}", path.display());
        if path.is_file() {
            let key = name.replace('-', "_");
            println!("cargo::rustc-cfg=witk_embed_{key}");
            println!("cargo::rustc-env=WITK_WASM_{}={}", key.to_uppercase(), path.display());
        }
    }
}
