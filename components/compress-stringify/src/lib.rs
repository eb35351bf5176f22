//! The compress-stringify pipeline as a WASI component.
//!
//! The logic lives in plain Rust modules (`codec`, `data_url`) so it can be unit
//! tested natively; this file only adapts it to the WIT exports.

pub mod codec;
pub mod data_url;

/// A failure with the WIT error code it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

/// Mirror of `witk:types/errors.error-code`, kept free of generated types so the
/// logic modules compile without the bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidArgument,
    InvalidData,
    LimitExceeded,
    Unsupported,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }
}

#[cfg(target_arch = "wasm32")]
mod component {
    use super::{codec, data_url, Code, Failure};

    wit_bindgen::generate!({
        path: "../../wit/compress-stringify",
        world: "witk:compress-stringify/compress-stringify",
        generate_all,
    });

    use exports::witk::compress_stringify::api::Guest;
    use witk::types::errors::{Error, ErrorCode};

    impl From<Failure> for Error {
        fn from(f: Failure) -> Self {
            let code = match f.code {
                Code::InvalidArgument => ErrorCode::InvalidArgument,
                Code::InvalidData => ErrorCode::InvalidData,
                Code::LimitExceeded => ErrorCode::LimitExceeded,
                Code::Unsupported => ErrorCode::Unsupported,
            };
            Error { code, message: f.message }
        }
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn compress_stringify(
            input: Vec<u8>,
            stringify: bool,
            compression_level: i32,
            data_url_prefix: String,
        ) -> Result<Vec<u8>, Error> {
            let frame = codec::compress(&input, compression_level)?;
            drop(input);
            if stringify {
                Ok(data_url::encode(&data_url_prefix, &frame)?)
            } else {
                Ok(frame)
            }
        }

        fn parse_string_decompress(input: Vec<u8>, parse_string: bool) -> Result<Vec<u8>, Error> {
            // Binary zstd data passed with parse-string is decompressed as is: its magic
            // byte '(' (0x28) can never start base64 text or a data URL.
            if parse_string && !codec::is_zstd(&input) {
                let frames = data_url::decode(&input)?;
                drop(input);
                Ok(codec::decompress(&frames)?)
            } else {
                Ok(codec::decompress(&input)?)
            }
        }
    }

    export!(Pipeline);
}
