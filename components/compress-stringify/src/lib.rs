//! The compress-stringify pipeline as a WASI component.
//!
//! The logic lives in plain Rust modules (`codec`, `data_url`) so it can be unit
//! tested natively; this file only adapts it to the WIT exports.

pub mod codec;
pub mod data_url;

pub use witk_guest::{Code, Failure};

/// `parse-string-decompress`: a data URL (or bare base64) decoded, then its Zstandard
/// frames decompressed; binary Zstandard data as is. Binary zstd data passed with
/// `parse_string` is decompressed as is: its magic byte '(' (0x28) can never start base64
/// text or a data URL.
pub fn parse_string_decompress(input: Vec<u8>, parse_string: bool) -> Result<Vec<u8>, Failure> {
    if parse_string && !codec::is_zstd(&input) {
        let frames = data_url::decode_frame(&input)?;
        drop(input);
        codec::decompress(&frames)
    } else {
        codec::decompress(&input)
    }
}

#[cfg(target_arch = "wasm32")]
mod component {
    use super::{codec, data_url};

    wit_bindgen::generate!({
        path: "../../wit/compress-stringify",
        world: "witk:compress-stringify/compress-stringify",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
        },
    });

    use exports::witk::compress_stringify::api::Guest;
    use witk_guest::wit::errors::Error;

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
            Ok(super::parse_string_decompress(input, parse_string)?)
        }
    }

    export!(Pipeline);
}
