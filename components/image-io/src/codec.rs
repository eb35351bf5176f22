//! gzip/zlib with an exact expected size: a stream that inflates to more than the
//! header promised (a decompression bomb) or to less (truncation) is an error.

use crate::{Code, Failure};
use std::io::Read;

#[derive(Clone, Copy)]
pub enum Deflate {
    Gzip,
    Zlib,
}

/// Inflate `input`, which must hold exactly `expected` bytes of data.
pub fn inflate(kind: Deflate, input: &[u8], expected: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    out.try_reserve_exact(expected)
        .map_err(|_| Failure::new(Code::LimitExceeded, format!("{what}: {expected} bytes do not fit in memory")))?;
    // Read one byte past the expected size to detect streams that inflate to more.
    let limit = expected as u64 + 1;
    let result = match kind {
        Deflate::Gzip => flate2::read::MultiGzDecoder::new(input).take(limit).read_to_end(&mut out),
        Deflate::Zlib => flate2::read::ZlibDecoder::new(input).take(limit).read_to_end(&mut out),
    };
    result.map_err(|e| Failure::new(Code::InvalidData, format!("{what}: corrupt compressed data: {e}")))?;
    if out.len() != expected {
        let how = if out.len() > expected { "more" } else { "fewer" };
        return Err(Failure::new(
            Code::InvalidData,
            format!("{what}: compressed data holds {how} bytes than the header's {expected}"),
        ));
    }
    Ok(out)
}

pub fn deflate(kind: Deflate, input: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let level = flate2::Compression::new(6);
    match kind {
        Deflate::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
            e.write_all(input).expect("writing to a Vec");
            e.finish().expect("writing to a Vec")
        }
        Deflate::Zlib => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
            e.write_all(input).expect("writing to a Vec");
            e.finish().expect("writing to a Vec")
        }
    }
}

/// Split `key: value` / `key = value` header text; returns the trimmed parts.
pub fn split_field<'a>(line: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let (k, v) = line.split_once(sep)?;
    Some((k.trim(), v.trim()))
}

/// Parse whitespace- or comma-separated numbers.
pub fn numbers<T: std::str::FromStr>(text: &str, what: &str) -> Result<Vec<T>, Failure> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<T>().map_err(|_| Failure::new(Code::InvalidData, format!("{what}: '{t}' is not a number"))))
        .collect()
}

/// The pixel bytes to write for `image`: none for information only, else raw or deflated.
pub fn payload(
    image: &crate::model::Image,
    info_only: bool,
    compress: Option<Deflate>,
) -> Result<Option<Vec<u8>>, Failure> {
    if info_only {
        return Ok(None);
    }
    let data = image
        .data
        .as_deref()
        .ok_or_else(|| Failure::new(Code::InvalidArgument, "the image has no pixel data to write"))?;
    Ok(Some(match compress {
        Some(kind) => deflate(kind, data),
        None => data.to_vec(),
    }))
}
