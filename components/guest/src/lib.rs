//! Code every witk guest component shares.
//!
//! - [`Failure`] and [`Code`]: the error a pipeline returns, kept free of generated types
//!   so each crate's logic compiles and unit-tests natively without bindings;
//! - [`Ctype`], [`Pixel`] and [`Pixels`]: the typed pixel model ([`Ctype`], [`Pixel`] and
//!   [`Geometry`] are `witk-spatial`'s, shared with the host);
//! - on wasm32, [`wit`]: the `witk:types` bindings, generated once here (each component's
//!   `wit_bindgen::generate!` maps `witk:types/errors` and `witk:types/spatial` to them
//!   with `with`), and the conversions between them and the model.

pub mod pixels;
#[cfg(target_arch = "wasm32")]
pub mod wit;

pub use pixels::{Ctype, Pixel, Pixels};

pub use witk_spatial::{check_dimension, check_fields, identity, Geometry, Parameterization};

/// A failure with the WIT error code it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

/// Mirror of `witk:types/errors.error-code`, so the logic compiles without bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidArgument,
    InvalidData,
    LimitExceeded,
    Unsupported,
    Internal,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }
}

/// A file's failure: invalid data, with the format named (`"PLY: ..."`).
pub fn bad(format: &str, message: impl std::fmt::Display) -> Failure {
    Failure::new(Code::InvalidData, format!("{format}: {message}"))
}
