//! Base64 data URLs, parsed more forgivingly than ITK-Wasm does.

use crate::{Code, Failure};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// `prefix` followed by the standard, padded base64 of `data`.
pub fn encode(prefix: &str, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let encoded_len = base64::encoded_len(data.len(), true)
        .ok_or_else(|| Failure::new(Code::LimitExceeded, "base64 output would overflow"))?;
    let mut out = Vec::new();
    out.try_reserve_exact(prefix.len() + encoded_len)
        .map_err(|_| Failure::new(Code::LimitExceeded, "data URL needs more memory than this call's limit allows"))?;
    out.extend_from_slice(prefix.as_bytes());
    let start = out.len();
    out.resize(start + encoded_len, 0);
    let written = STANDARD
        .encode_slice(data, &mut out[start..])
        .map_err(|e| Failure::new(Code::InvalidData, format!("base64 encoding failed: {e}")))?;
    out.truncate(start + written);
    Ok(out)
}

/// Decode a data URL or bare base64 text: strips a `data:...,` prefix, ignores ASCII
/// whitespace, accepts the URL-safe alphabet and missing or extra padding.
///
/// A table-driven decoder rather than the `base64` crate: it handles every forgiving
/// form in one pass over the input, with a fast path for runs of 4 plain symbols.
pub fn decode(text: &[u8]) -> Result<Vec<u8>, Failure> {
    let payload = strip_prefix(text)?;
    let offset = text.len() - payload.len();
    let mut out = Vec::new();
    out.try_reserve_exact(payload.len() / 4 * 3 + 3).map_err(|_| {
        Failure::new(Code::LimitExceeded, "decoded base64 needs more memory than this call's limit allows")
    })?;
    let (mut acc, mut n) = (0u32, 0u32);
    let mut i = 0;
    while i < payload.len() {
        if n == 0 && i + 4 <= payload.len() {
            let q = &payload[i..i + 4];
            let (a, b, c, d) =
                (DECODE[q[0] as usize], DECODE[q[1] as usize], DECODE[q[2] as usize], DECODE[q[3] as usize]);
            if (a | b | c | d) < 64 {
                let w = (a as u32) << 18 | (b as u32) << 12 | (c as u32) << 6 | d as u32;
                out.extend_from_slice(&[(w >> 16) as u8, (w >> 8) as u8, w as u8]);
                i += 4;
                continue;
            }
        }
        let b = payload[i];
        match DECODE[b as usize] {
            v @ 0..=63 => {
                acc = acc << 6 | v as u32;
                n += 1;
                if n == 4 {
                    out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                    (acc, n) = (0, 0);
                }
            }
            SPACE => {}
            PAD => {
                // Padding ends the data: only padding and whitespace may follow.
                if let Some(p) = payload[i..].iter().position(|&c| c != b'=' && DECODE[c as usize] != SPACE) {
                    return Err(invalid_symbol(payload[i + p], offset + i + p));
                }
                break;
            }
            _ => return Err(invalid_symbol(b, offset + i)),
        }
        i += 1;
    }
    match n {
        0 => {}
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {
            return Err(Failure::new(
                Code::InvalidData,
                "invalid base64: the text ends with a single symbol, which cannot encode a byte",
            ))
        }
    }
    Ok(out)
}

const SPACE: u8 = 0xFE;
const PAD: u8 = 0xFD;
const INVALID: u8 = 0xFF;

/// Symbol values of both alphabets; whitespace and padding marked.
const DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t[b'-' as usize] = 62;
    t[b'_' as usize] = 63;
    t[b'=' as usize] = PAD;
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[0x0c] = SPACE;
    t
};

fn invalid_symbol(b: u8, at: usize) -> Failure {
    Failure::new(
        Code::InvalidData,
        format!("invalid base64: byte 0x{b:02X} at offset {at} is not in the base64 alphabet"),
    )
}

/// The payload after a `data:<anything>,` prefix (whatever the header says, as ITK-Wasm
/// takes it), or the whole input.
fn strip_prefix(text: &[u8]) -> Result<&[u8], Failure> {
    let trimmed = text.trim_ascii_start();
    if trimmed.len() >= 5 && trimmed[..5].eq_ignore_ascii_case(b"data:") {
        let comma = trimmed
            .iter()
            .position(|&b| b == b',')
            .ok_or_else(|| Failure::new(Code::InvalidData, "data URL has no ',' between its header and payload"))?;
        Ok(&trimmed[comma + 1..])
    } else {
        Ok(trimmed)
    }
}

/// The base64 of a zstd frame's magic number, how every payload compress-stringify
/// writes begins.
const ZSTD_MAGIC_BASE64: &[u8] = b"KLUv/";

/// A zstd frame as compress-stringify wrote it, after any `data-url-prefix`: a data URL,
/// bare base64, or base64 after a prefix of any other form (`zstd:`, one with commas),
/// found by the base64 of the zstd magic number that starts the payload. A data URL whose
/// header does not say base64 and whose payload does not decode is `unsupported`.
pub fn decode_frame(text: &[u8]) -> Result<Vec<u8>, Failure> {
    const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
    let first = decode(text);
    if first.as_ref().is_ok_and(|f| f.starts_with(&MAGIC)) {
        return first;
    }
    // A prefix of base64 symbols (`abc`) decodes too, to bytes that are no frame.
    let starts = text.windows(ZSTD_MAGIC_BASE64.len()).enumerate().filter(|(_, w)| *w == ZSTD_MAGIC_BASE64);
    for (at, _) in starts {
        if let Ok(frame) = decode(&text[at..]) {
            if frame.starts_with(&MAGIC) {
                return Ok(frame);
            }
        }
    }
    let first = match first {
        Ok(bytes) => return Ok(bytes),
        Err(e) => e,
    };
    let trimmed = text.trim_ascii_start();
    if trimmed.len() >= 5 && trimmed[..5].eq_ignore_ascii_case(b"data:") {
        if let Some(comma) = trimmed.iter().position(|&b| b == b',') {
            let header = &trimmed[5..comma];
            if !header.ends_with(b"base64") {
                return Err(Failure::new(
                    Code::Unsupported,
                    format!("data URL is not base64-encoded (header '{}')", String::from_utf8_lossy(header)),
                ));
            }
        }
    }
    Err(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgiving_forms_decode_alike() {
        let want = vec![0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0x21, 0x2c, 0x37];
        for text in [
            "data:application/zstd;base64,KLUv/SADGQAAISw3",
            "data:base64,KLUv/SADGQAAISw3",
            "KLUv/SADGQAAISw3",
            "  KLUv/SAD\nGQAA ISw3\n",
            "KLUv_SADGQAAISw3",
        ] {
            assert_eq!(decode(text.as_bytes()).unwrap(), want, "{text}");
        }
        assert_eq!(decode(b"AQI").unwrap(), vec![1, 2]);
        assert_eq!(decode(b"AQI=").unwrap(), vec![1, 2]);
        assert_eq!(decode(b"AQI==").unwrap(), vec![1, 2]);
        assert_eq!(decode(b"").unwrap(), Vec::<u8>::new());
        let all: Vec<u8> = (0..=255).collect();
        for n in 0..all.len() {
            let text = STANDARD.encode(&all[..n]);
            assert_eq!(decode(text.as_bytes()).unwrap(), &all[..n]);
            assert_eq!(decode(text.trim_end_matches('=').as_bytes()).unwrap(), &all[..n]);
        }
    }

    /// Whatever prefix compress-stringify is given, its output parses back: data URLs of
    /// any header (ITK-Wasm takes what follows the first comma), prefixes without a comma
    /// or with several, and prefixes that hold base64 symbols themselves.
    #[test]
    fn every_prefix_reads_back() {
        let frame = [0x28u8, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0x21, 0x2c, 0x37];
        let fixed = ["data:x,", "zstd:", "data:application/zstd;base64,", "data:a,b,", "", "abc", "KLUv", "x KLUv/ y:"];
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut prefixes: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        for _ in 0..500 {
            let n = next() % 24;
            let p: String = (0..n).map(|_| (b' ' + (next() % 95) as u8) as char).collect();
            prefixes.push(p);
        }
        for p in &prefixes {
            let text = encode(p, &frame).unwrap();
            assert_eq!(decode_frame(&text).unwrap(), frame, "prefix {p:?}");
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(decode(b"KLUv*SAD").unwrap_err().message.contains("offset 4"));
        assert_eq!(decode_frame(b"data:text/plain,hello").unwrap_err().code, Code::Unsupported);
        assert!(decode(b"A").is_err());
        assert!(decode(b"AQ==AQ").unwrap_err().message.contains("offset 4"));
        assert!(decode(b"AQ==\n").is_ok());
    }

    #[test]
    fn encode_matches_reference() {
        let frame = [0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0x21, 0x2c, 0x37];
        assert_eq!(
            encode("data:application/zstd;base64,", &frame).unwrap(),
            b"data:application/zstd;base64,KLUv/SADGQAAISw3"
        );
    }
}
