//! ISO 2022 code extensions in text values (Specific Character Set "ISO 2022 IR 87",
//! "IR 159", "IR 149", ...): dicom-rs leaves the escape sequences and the bytes after
//! them as they are, one character per byte; this decodes those runs (with the
//! `encoding` crate's ISO-2022-JP and EUC-KR decoders), keeping what dicom-rs decoded.

use encoding::all::{ISO_2022_JP, WINDOWS_949};
use encoding::{DecoderTrap, Encoding};

const ESC: char = '\u{1b}';

/// `text` with every ISO 2022 run after an escape sequence decoded.
pub fn decode(text: &str) -> String {
    if !text.contains(ESC) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut run: Vec<u8> = Vec::new();
    for c in text.chars() {
        // Characters dicom-rs decoded already (beyond one byte) end a run.
        if (c as u32) > 0xff {
            flush(&mut run, &mut out);
            out.push(c);
        } else {
            run.push(c as u32 as u8);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut Vec<u8>, out: &mut String) {
    if run.is_empty() {
        return;
    }
    out.push_str(&decode_run(run));
    run.clear();
}

/// Bytes with escape sequences: KS X 1001 in G1 (`ESC $ ) C`) is EUC-KR; the JIS sets
/// (`ESC $ B`, `ESC ( J`, `ESC ( B`) are ISO-2022-JP.
fn decode_run(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\x1b$)C") {
            let start = i + 4;
            let end = bytes[start..].iter().position(|&b| b == 0x1b).map_or(bytes.len(), |p| start + p);
            out.push_str(&WINDOWS_949.decode(&bytes[start..end], DecoderTrap::Replace).unwrap_or_default());
            i = end;
        } else {
            let end = bytes[i + 1..].windows(4).position(|w| w == b"\x1b$)C").map_or(bytes.len(), |p| i + 1 + p);
            out.push_str(&ISO_2022_JP.decode(&bytes[i..end], DecoderTrap::Replace).unwrap_or_default());
            i = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn japanese_and_korean_runs() {
        let jp = "Yamada^Tarou=\u{1b}$B;3ED\u{1b}(B^\u{1b}$BB@O:\u{1b}(B";
        assert_eq!(super::decode(jp), "Yamada^Tarou=山田^太郎");
        // EUC-KR bytes as dicom-rs leaves them, one character per byte.
        let kr: String = b"Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7".iter().map(|&b| b as char).collect();
        assert_eq!(super::decode(&kr), "Hong^Gildong=洪^吉洞");
        assert_eq!(super::decode("plain"), "plain");
    }
}
