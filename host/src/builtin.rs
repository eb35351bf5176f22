//! Components embedded in this build of the crate (see `build.rs`).

use crate::error::{Error, Result};

/// The names of every pipeline this crate knows, embedded or not.
pub const PIPELINES: &[&str] = &["compare-images", "compress-stringify", "downsample", "image-io"];

/// The embedded `.wasm` of `pipeline`, or an error that says how to build it.
pub fn wasm(pipeline: &str) -> Result<&'static [u8]> {
    let bytes: Option<&'static [u8]> = match pipeline {
        #[cfg(witk_embed_compare_images)]
        "compare-images" => Some(include_bytes!(env!("WITK_WASM_COMPARE_IMAGES"))),
        #[cfg(witk_embed_compress_stringify)]
        "compress-stringify" => Some(include_bytes!(env!("WITK_WASM_COMPRESS_STRINGIFY"))),
        #[cfg(witk_embed_downsample)]
        "downsample" => Some(include_bytes!(env!("WITK_WASM_DOWNSAMPLE"))),
        #[cfg(witk_embed_image_io)]
        "image-io" => Some(include_bytes!(env!("WITK_WASM_IMAGE_IO"))),
        _ => None,
    };
    bytes.ok_or_else(|| Error::Load {
        what: pipeline.to_string(),
        message: if PIPELINES.contains(&pipeline) {
            "this build of witk has no embedded component for it: run scripts/build-components.sh, then rebuild".into()
        } else {
            format!("no such pipeline; known pipelines: {}", PIPELINES.join(", "))
        },
    })
}
