//! Base64 data URLs, parsed more forgivingly than ITK-Wasm does.

use crate::{Code, Failure};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// Standard alphabet; padding optional when decoding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

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
/// whitespace, accepts the URL-safe alphabet and missing padding.
pub fn decode(text: &[u8]) -> Result<Vec<u8>, Failure> {
    let payload = strip_prefix(text)?;
    let mut clean = Vec::new();
    clean.try_reserve_exact(payload.len()).map_err(|_| {
        Failure::new(Code::LimitExceeded, "base64 text needs more memory than this call's limit allows")
    })?;
    for (i, &b) in payload.iter().enumerate() {
        match b {
            b'-' => clean.push(b'+'),
            b'_' => clean.push(b'/'),
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => {}
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => clean.push(b),
            _ => {
                return Err(Failure::new(
                    Code::InvalidData,
                    format!(
                        "invalid base64: byte 0x{b:02X} at offset {} is not in the base64 alphabet",
                        i + (text.len() - payload.len())
                    ),
                ))
            }
        }
    }
    // Tolerate extra or missing '=' at the end; padding is only a length hint.
    while clean.last() == Some(&b'=') {
        clean.pop();
    }
    LENIENT.decode(&clean).map_err(|e| Failure::new(Code::InvalidData, format!("invalid base64: {e}")))
}

/// The payload after a `data:[<media type>][;base64],` prefix, or the whole input.
fn strip_prefix(text: &[u8]) -> Result<&[u8], Failure> {
    let trimmed = text.trim_ascii_start();
    if trimmed.len() >= 5 && trimmed[..5].eq_ignore_ascii_case(b"data:") {
        let comma = trimmed
            .iter()
            .position(|&b| b == b',')
            .ok_or_else(|| Failure::new(Code::InvalidData, "data URL has no ',' between its header and payload"))?;
        let header = &trimmed[5..comma];
        if !header.ends_with(b";base64") && !header.ends_with(b"base64") {
            return Err(Failure::new(
                Code::Unsupported,
                format!("data URL is not base64-encoded (header '{}')", String::from_utf8_lossy(header)),
            ));
        }
        Ok(&trimmed[comma + 1..])
    } else {
        Ok(trimmed)
    }
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
    }

    #[test]
    fn rejects_garbage() {
        assert!(decode(b"KLUv*SAD").unwrap_err().message.contains("offset 4"));
        assert_eq!(decode(b"data:text/plain,hello").unwrap_err().code, Code::Unsupported);
        assert!(decode(b"A").is_err());
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
