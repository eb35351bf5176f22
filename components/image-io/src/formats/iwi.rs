//! ITK-Wasm's own image files: `.iwi.cbor` (the image as one CBOR map, pixels as an
//! RFC 8746 typed-array tag) and `.iwi.cbor.zst` (the same, zstd-compressed).

use crate::model::Image;
use crate::{Code, Failure};

/// The zstd frame magic number, which starts every `.iwi.cbor.zst`.
pub const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Whether `bytes` start like an `.iwi.cbor` image.
pub fn looks_like(_bytes: &[u8]) -> bool {
    false
}

pub fn read(_bytes: &[u8], _info_only: bool, what: &str) -> Result<Image, Failure> {
    Err(Failure::new(Code::Unsupported, format!("{what}: .iwi.cbor is not supported yet")))
}

pub fn read_zstd(_bytes: &[u8], _info_only: bool, what: &str) -> Result<Image, Failure> {
    Err(Failure::new(Code::Unsupported, format!("{what}: .iwi.cbor.zst is not supported yet")))
}

pub fn write(_image: &Image, _info_only: bool) -> Result<Vec<u8>, Failure> {
    Err(Failure::new(Code::Unsupported, ".iwi.cbor is not supported yet"))
}

pub fn write_zstd(_image: &Image, _info_only: bool) -> Result<Vec<u8>, Failure> {
    Err(Failure::new(Code::Unsupported, ".iwi.cbor.zst is not supported yet"))
}
