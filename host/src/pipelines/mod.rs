//! Typed pipeline APIs: one module per WIT package found in `wit/`, generated at build
//! time (`host/build.rs`, witk-codegen) over `bindgen!`, joined with the hand-written
//! parts in the pipeline's `components/<name>/host/` folder (`mod.rs`, `cli.rs`).

use crate::error::{Error, ErrorCode};
use crate::runtime::Runtime;

include!(concat!(env!("OUT_DIR"), "/pipelines.rs"));

/// Generated bindings for `witk:types`, shared by every pipeline's `bindgen!` through `with`.
pub mod types {
    wasmtime::component::bindgen!({
        path: "../wit/types",
        world: "witk:types/types",
        additional_derives: [PartialEq],
    });
    pub use self::witk::types::errors::{Error, ErrorCode};
}

/// What a binding that loads pipelines by name (the Python extension) does after loading
/// one: downsample, for example, installs its parallel slab plan as overrides. A pipeline
/// without a `host/mod.rs` gets the default (nothing); one with it implements this there.
pub trait Setup {
    fn setup(&self, _runtime: &Runtime) {}
}

impl From<types::ErrorCode> for ErrorCode {
    fn from(c: types::ErrorCode) -> Self {
        match c {
            types::ErrorCode::InvalidArgument => ErrorCode::InvalidArgument,
            types::ErrorCode::InvalidData => ErrorCode::InvalidData,
            types::ErrorCode::LimitExceeded => ErrorCode::LimitExceeded,
            types::ErrorCode::Unsupported => ErrorCode::Unsupported,
            types::ErrorCode::Internal => ErrorCode::Internal,
        }
    }
}

/// Convert a component's error into a witk [`Error`].
pub(crate) fn pipeline_error(pipeline: &str, code: impl Into<ErrorCode>, message: String) -> Error {
    Error::Pipeline { pipeline: pipeline.to_string(), code: code.into(), message }
}
