//! CBOR (RFC 8949) for ITK-Wasm's file formats: `.iwi.cbor` images today, the
//! `.iwm.cbor` meshes and `.iwt.cbor` transforms of other pipelines later. Each format
//! maps its own keys; what they share is here:
//!
//! - [`source`]: where the bytes come from ([`source::Slice`], a file in memory), and
//!   [`zstd_io`]: a zstd frame decompressed as it is parsed, and the frame writer;
//! - [`read`]: item heads, array and map items, (chunked) strings, skipping;
//! - [`number`]: numbers of any width, lists of them, RFC 8746 typed arrays;
//! - [`json`]: a metadata map to and from JSON text, bounded;
//! - [`write`]: the encodings ITK-Wasm's libcbor writer uses;
//! - [`error`]: the failures, all [`witk_guest::Failure`]s.
//!
//! Files are untrusted: every declared length or count is checked against the bytes that
//! remain before anything is allocated for it, and nesting is bounded by [`MAX_DEPTH`].

pub mod error;
pub mod json;
pub mod number;
pub mod read;
pub mod source;
pub mod write;
pub mod zstd_io;

// CBOR's major types (the top three bits of an item's first byte) and special values.
pub const UINT: u8 = 0;
pub const NINT: u8 = 1;
pub const BYTES: u8 = 2;
pub const TEXT: u8 = 3;
pub const ARRAY: u8 = 4;
pub const MAP: u8 = 5;
pub const TAG: u8 = 6;
pub const SIMPLE: u8 = 7;
/// The byte that ends an indefinite-length item.
pub const BREAK: u8 = 0xff;
/// The additional information of an indefinite-length head.
pub const INDEFINITE: u8 = 31;

/// Deepest nesting of arrays, maps and tags accepted (keeps hostile files off the stack).
pub const MAX_DEPTH: usize = 64;
