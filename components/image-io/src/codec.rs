//! gzip/zlib with an exact expected size: a stream that inflates to more than the
//! header promised (a decompression bomb) or to less (truncation) is an error.

use crate::model::{Ctype, Pixels};
use crate::{Code, Failure};
use std::borrow::Cow;
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
    out.resize(expected, 0);
    inflate_into(kind, input, &mut out, what)?;
    Ok(out)
}

/// Inflate `input` into pixels of `ctype`, which must fill exactly `expected` bytes.
pub fn inflate_pixels(
    kind: Deflate,
    input: &[u8],
    ctype: Ctype,
    expected: usize,
    what: &str,
) -> Result<Pixels, Failure> {
    let mut out = Pixels::zeroed(ctype, expected)?;
    inflate_into(kind, input, &mut out, what)?;
    Ok(out)
}

/// Inflate `input` to exactly fill `out`.
fn inflate_into(kind: Deflate, input: &[u8], out: &mut [u8], what: &str) -> Result<(), Failure> {
    let corrupt = |e: std::io::Error| Failure::new(Code::InvalidData, format!("{what}: corrupt compressed data: {e}"));
    let mut reader: Box<dyn Read + '_> = match kind {
        Deflate::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
        Deflate::Zlib => Box::new(flate2::read::ZlibDecoder::new(input)),
    };
    let mut filled = 0;
    while filled < out.len() {
        match reader.read(&mut out[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(corrupt(e)),
        }
    }
    // One byte more would mean the stream inflates past what the header promised.
    let mut extra = [0u8; 1];
    let more = loop {
        match reader.read(&mut extra) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(corrupt(e)),
        }
    };
    if filled != out.len() || more != 0 {
        let how = if more != 0 { "more" } else { "fewer" };
        return Err(Failure::new(
            Code::InvalidData,
            format!("{what}: compressed data holds {how} bytes than the header's {}", out.len()),
        ));
    }
    Ok(())
}

pub fn deflate(kind: Deflate, input: &[u8]) -> Vec<u8> {
    deflate_parts(kind, &[input])
}

/// One compressed stream of `parts` in order, without joining them first.
pub fn deflate_parts(kind: Deflate, parts: &[&[u8]]) -> Vec<u8> {
    use std::io::Write;
    let level = flate2::Compression::new(6);
    fn all<W: Write>(mut w: W, parts: &[&[u8]]) -> W {
        for p in parts {
            w.write_all(p).expect("writing to a Vec");
        }
        w
    }
    match kind {
        Deflate::Gzip => all(flate2::write::GzEncoder::new(Vec::new(), level), parts).finish(),
        Deflate::Zlib => all(flate2::write::ZlibEncoder::new(Vec::new(), level), parts).finish(),
    }
    .expect("writing to a Vec")
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

/// The pixel bytes to write for `image`: none for information only, else raw (borrowed)
/// or deflated.
pub fn payload(
    image: &crate::model::Image,
    info_only: bool,
    compress: Option<Deflate>,
) -> Result<Option<Cow<'_, [u8]>>, Failure> {
    if info_only {
        return Ok(None);
    }
    let data = image
        .data
        .as_deref()
        .ok_or_else(|| Failure::new(Code::InvalidArgument, "the image has no pixel data to write"))?;
    Ok(Some(match compress {
        Some(kind) => Cow::Owned(deflate(kind, data)),
        None => Cow::Borrowed(data),
    }))
}

/// `header` followed by `payload`, in one allocation of the final size.
pub fn concat(header: &[u8], payload: Option<&[u8]>) -> Vec<u8> {
    let payload = payload.unwrap_or_default();
    let mut out = Vec::with_capacity(header.len() + payload.len());
    out.extend_from_slice(header);
    out.extend_from_slice(payload);
    out
}
