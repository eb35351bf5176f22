//! Writing CBOR as ITK-Wasm's writer (libcbor) does: heads in their shortest form, and
//! the fixed-width encodings libcbor uses for its numbers (uint32, float64).

use crate::{BYTES, TAG, TEXT};
use witk_guest::Ctype;

/// A head of `major` type with the shortest encoding of `arg`.
pub fn put_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

/// An unsigned integer always in four bytes, as libcbor's `cbor_build_uint32`.
pub fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.push(0x1a);
    out.extend_from_slice(&v.to_be_bytes());
}

pub fn put_f64(out: &mut Vec<u8>, v: f64) {
    out.push(0xfb);
    out.extend_from_slice(&v.to_be_bytes());
}

pub fn put_text(out: &mut Vec<u8>, s: &str) {
    put_head(out, TEXT, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// The tag ITK-Wasm's writer puts on a typed array of each component type (64 for int8
/// and uint8, 73/74/75 for int16/32/64 even though RFC 8746 calls those big-endian).
pub fn itk_wasm_tag(c: Ctype) -> u64 {
    match c {
        Ctype::I8 | Ctype::U8 => 64,
        Ctype::I16 => 73,
        Ctype::U16 => 69,
        Ctype::I32 => 74,
        Ctype::U32 => 70,
        Ctype::I64 => 75,
        Ctype::U64 => 71,
        Ctype::F32 => 85,
        Ctype::F64 => 86,
    }
}

/// A typed array as ITK-Wasm writes one: its tag, then the little-endian values.
pub fn put_typed_array(out: &mut Vec<u8>, c: Ctype, le_bytes: &[u8]) {
    put_head(out, TAG, itk_wasm_tag(c));
    put_head(out, BYTES, le_bytes.len() as u64);
    out.extend_from_slice(le_bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ARRAY, MAP, NINT, TAG, UINT};

    fn bytes(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut out = Vec::new();
        f(&mut out);
        out
    }

    #[test]
    fn heads_are_shortest() {
        for (major, arg, want) in [
            (UINT, 0, &b"\x00"[..]),
            (UINT, 23, b"\x17"),
            (UINT, 24, b"\x18\x18"),
            (NINT, 255, b"\x38\xff"),
            (ARRAY, 256, b"\x99\x01\x00"),
            (MAP, 65535, b"\xb9\xff\xff"),
            (MAP, 65536, b"\xba\x00\x01\x00\x00"),
            (TAG, 0xffff_ffff, b"\xda\xff\xff\xff\xff"),
            (TEXT, 1 << 32, b"\x7b\x00\x00\x00\x01\x00\x00\x00\x00"),
            (UINT, u64::MAX, b"\x1b\xff\xff\xff\xff\xff\xff\xff\xff"),
        ] {
            assert_eq!(bytes(|o| put_head(o, major, arg)), want, "{major} {arg}");
        }
    }

    #[test]
    fn fixed_width_numbers_and_text() {
        assert_eq!(bytes(|o| put_u32(o, 2)), b"\x1a\x00\x00\x00\x02");
        assert_eq!(bytes(|o| put_f64(o, 1.5)), b"\xfb\x3f\xf8\x00\x00\x00\x00\x00\x00");
        assert_eq!(bytes(|o| put_text(o, "size")), b"\x64size");
        assert_eq!(bytes(|o| put_text(o, "")), b"\x60");
        let long = "x".repeat(300);
        assert_eq!(bytes(|o| put_text(o, &long))[..3], *b"\x79\x01\x2c");
    }
}
