//! Components embedded in this build of the crate (see `build.rs`).

use crate::error::{Error, Result};

/// The names of every pipeline this crate knows (found in `wit/`), embedded or not.
pub const PIPELINES: &[&str] = crate::pipelines::PIPELINES;

/// The embedded `.wasm` of `pipeline`, or an error that says how to build it.
pub fn wasm(pipeline: &str) -> Result<&'static [u8]> {
    crate::pipelines::embedded(pipeline).ok_or_else(|| Error::Load {
        what: pipeline.to_string(),
        message: if PIPELINES.contains(&pipeline) {
            "this build of witk has no embedded component for it: run scripts/build-components.sh, then rebuild".into()
        } else {
            format!("no such pipeline; known pipelines: {}", PIPELINES.join(", "))
        },
    })
}
