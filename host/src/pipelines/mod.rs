//! Typed pipeline APIs: one module per WIT package, over `bindgen!`-generated glue.

pub mod compare_images;
pub mod compress_stringify;
pub mod downsample;
pub mod downsample_parallel;
pub mod image_io;

use crate::error::{Error, ErrorCode};

/// Generated bindings for `witk:types`, shared by every pipeline's `bindgen!` through `with`.
pub mod types {
    wasmtime::component::bindgen!({
        path: "../wit/types",
        world: "witk:types/types",
        additional_derives: [PartialEq],
    });
    pub use self::witk::types::errors::{Error, ErrorCode};
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
