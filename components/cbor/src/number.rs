//! Numbers as other writers write them: integers, float16/32/64, and lists of numbers as
//! CBOR arrays or as RFC 8746 typed arrays (with ITK-Wasm's reading of the tags).

use crate::error::bad;
use crate::read::{byte_string, tagged_head, Head, Items};
use crate::source::Source;
use crate::{ARRAY, BYTES, NINT, SIMPLE, UINT};
use witk_guest::{Code, Failure};

/// A CBOR number, as written.
#[derive(Clone, Copy, Debug)]
pub enum Num {
    U(u64),
    /// -1 - n
    N(u64),
    F(f64),
}

impl Num {
    pub fn f64(self) -> f64 {
        match self {
            Num::U(u) => u as f64,
            Num::N(n) => -1.0 - n as f64,
            Num::F(f) => f,
        }
    }

    pub fn u64(self) -> Option<u64> {
        match self {
            Num::U(u) => Some(u),
            Num::F(f) if (0.0..18446744073709551616.0).contains(&f) && f.fract() == 0.0 => Some(f as u64),
            _ => None,
        }
    }
}

pub fn number<S: Source>(src: &mut S, what: &str) -> Result<Num, Failure> {
    let (_, h) = tagged_head(src)?;
    number_body(h).ok_or_else(|| bad(&format!("{what} is not a number")))
}

/// The number an item's head holds, if it is one.
pub fn number_body(h: Head) -> Option<Num> {
    match (h.major, h.info) {
        (UINT, _) => Some(Num::U(h.arg)),
        (NINT, _) => Some(Num::N(h.arg)),
        (SIMPLE, 25) => Some(Num::F(f16(h.arg as u16))),
        (SIMPLE, 26) => Some(Num::F(f32::from_bits(h.arg as u32) as f64)),
        (SIMPLE, 27) => Some(Num::F(f64::from_bits(h.arg))),
        _ => None,
    }
}

/// An IEEE 754 half-precision float's value.
pub fn f16(h: u16) -> f64 {
    let (exp, man) = ((h >> 10) & 0x1f, (h & 0x3ff) as f64);
    let v = match exp {
        0 => man * 2f64.powi(-24),
        31 if man == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (man + 1024.0) * 2f64.powi(exp as i32 - 25),
    };
    if h & 0x8000 != 0 {
        -v
    } else {
        v
    }
}

pub fn uint<S: Source>(src: &mut S, what: &str) -> Result<u64, Failure> {
    number(src, what)?.u64().ok_or_else(|| bad(&format!("{what} is not a non-negative integer")))
}

/// A list of at most `max` numbers, as float64.
pub fn floats<S: Source>(src: &mut S, what: &str, max: u64) -> Result<Vec<f64>, Failure> {
    Ok(numbers(src, what, max)?.into_iter().map(Num::f64).collect())
}

/// A list of at most `max` non-negative integers.
pub fn uints<S: Source>(src: &mut S, what: &str, max: u64) -> Result<Vec<u64>, Failure> {
    numbers(src, what, max)?
        .into_iter()
        .map(|n| n.u64().ok_or_else(|| bad(&format!("{what} holds {n:?}, not a non-negative integer"))))
        .collect()
}

/// A list of at most `max` numbers: a CBOR array, or a typed array (an untagged byte
/// string is float64, as ITK-Wasm's `direction`).
pub fn numbers<S: Source>(src: &mut S, what: &str, max: u64) -> Result<Vec<Num>, Failure> {
    let (tag, h) = tagged_head(src)?;
    let too_many = |n: u64| Failure::new(Code::LimitExceeded, format!("{what} has {n} values, more than {max}"));
    match h.major {
        ARRAY => {
            let mut out = Vec::new();
            let mut items = Items::new(src, h, 1)?;
            while items.next(src)? {
                if out.len() as u64 >= max {
                    return Err(too_many(out.len() as u64 + 1));
                }
                out.push(number(src, what)?);
            }
            Ok(out)
        }
        BYTES => {
            let bytes = byte_string(src, h, max * 8, what)?;
            let (width, kind, big) = tag.and_then(typed_array).unwrap_or((8, Kind::F, false));
            if bytes.len() % width != 0 {
                return Err(bad(&format!(
                    "{what}: {} bytes are not a whole number of {width}-byte values",
                    bytes.len()
                )));
            }
            Ok(bytes.chunks_exact(width).map(|b| element(b, kind, big)).collect())
        }
        _ => Err(bad(&format!("{what} is not an array of numbers"))),
    }
}

/// What a typed array's elements are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    U,
    I,
    F,
}

/// (element width, kind, big-endian) of an RFC 8746 typed-array tag, as ITK-Wasm uses them.
pub fn typed_array(tag: u64) -> Option<(usize, Kind, bool)> {
    Some(match tag {
        64 | 68 => (1, Kind::U, false),
        72 => (1, Kind::I, false),
        65 => (2, Kind::U, true),
        66 => (4, Kind::U, true),
        67 => (8, Kind::U, true),
        69 => (2, Kind::U, false),
        70 => (4, Kind::U, false),
        71 => (8, Kind::U, false),
        // RFC 8746 has these big-endian; ITK-Wasm writes little-endian signed pixels with them.
        73 | 77 => (2, Kind::I, false),
        74 | 78 => (4, Kind::I, false),
        75 | 79 => (8, Kind::I, false),
        80 => (2, Kind::F, true),
        81 => (4, Kind::F, true),
        82 => (8, Kind::F, true),
        84 => (2, Kind::F, false),
        85 => (4, Kind::F, false),
        86 => (8, Kind::F, false),
        _ => return None,
    })
}

/// One typed-array element, `b` being its bytes.
pub fn element(b: &[u8], kind: Kind, big: bool) -> Num {
    let mut v = [0u8; 8];
    v[..b.len()].copy_from_slice(b);
    if big {
        v[..b.len()].reverse();
    }
    let raw = u64::from_le_bytes(v);
    let bits = 64 - 8 * b.len() as u32;
    match (kind, b.len()) {
        (Kind::U, _) => Num::U(raw),
        (Kind::I, _) => {
            let i = ((raw << bits) as i64) >> bits;
            if i < 0 {
                Num::N(!(i as u64))
            } else {
                Num::U(i as u64)
            }
        }
        (Kind::F, 2) => Num::F(f16(raw as u16)),
        (Kind::F, 4) => Num::F(f32::from_bits(raw as u32) as f64),
        (Kind::F, _) => Num::F(f64::from_bits(raw)),
    }
}

/// `count` values of `ctype` (a mesh's points, cells or data): a byte string of their
/// little-endian bytes, tagged or not (a big-endian RFC 8746 tag is honoured), or an
/// array of numbers (other writers' choice). The length is checked against the bytes
/// that remain before anything is allocated.
pub fn typed_values<S: Source>(
    src: &mut S,
    ctype: witk_guest::Ctype,
    count: u64,
    what: &str,
) -> Result<witk_guest::Pixels, Failure> {
    typed(src, ctype, count, what, false)
}

/// [`typed_values`], taking the first `count` values of a byte string that may hold
/// more (a writer that sized the string by another count).
pub fn typed_values_at_least<S: Source>(
    src: &mut S,
    ctype: witk_guest::Ctype,
    count: u64,
    what: &str,
) -> Result<witk_guest::Pixels, Failure> {
    typed(src, ctype, count, what, true)
}

fn typed<S: Source>(
    src: &mut S,
    ctype: witk_guest::Ctype,
    count: u64,
    what: &str,
    longer: bool,
) -> Result<witk_guest::Pixels, Failure> {
    use crate::read::Chunks;
    let want = count.checked_mul(ctype.size() as u64).ok_or_else(|| bad(&format!("{what}: {count} values")))?;
    let (tag, h) = tagged_head(src)?;
    if want > src.left() {
        return Err(crate::error::truncated(want, src));
    }
    match h.major {
        BYTES => {
            if !h.indefinite() && (h.arg < want || (h.arg > want && !longer)) {
                return Err(bad(&format!("{what} holds {} bytes; {count} {} values need {want}", h.arg, ctype.name())));
            }
            let mut out = witk_guest::Pixels::zeroed(ctype, want as usize)?;
            let mut at = 0usize;
            let mut parts = Chunks::new(h);
            while let Some(len) = parts.next(src, BYTES)? {
                let take = len.min(out.len() - at);
                if take < len && !longer {
                    return Err(bad(&format!("{what} holds more than {want} bytes")));
                }
                src.fill(&mut out[at..at + take])?;
                src.skip(len - take)?;
                at += take;
            }
            if at != out.len() {
                return Err(bad(&format!("{what} holds {at} bytes; {count} {} values need {want}", ctype.name())));
            }
            if let Some((width, _, true)) = tag.and_then(typed_array) {
                if width == ctype.size() && width > 1 {
                    for v in out.chunks_exact_mut(width) {
                        v.reverse();
                    }
                }
            }
            Ok(out)
        }
        ARRAY => {
            let mut items = Items::new(src, h, 1)?;
            let mut values = Vec::new();
            while items.next(src)? {
                if values.len() as u64 >= count {
                    return Err(bad(&format!("{what} holds more than {count} values")));
                }
                values.push(number(src, what)?);
            }
            if values.len() as u64 != count {
                return Err(bad(&format!("{what} holds {} values; {count} are needed", values.len())));
            }
            let mut out = witk_guest::Pixels::zeroed(ctype, want as usize)?;
            witk_guest::with_pixels!(&mut out, v => {
                for (o, n) in v.iter_mut().zip(&values) {
                    *o = match *n {
                        Num::U(u) => u as _,
                        Num::N(m) => (-1 - m as i64) as _,
                        Num::F(f) => f as _,
                    };
                }
            });
            Ok(out)
        }
        _ => Err(bad(&format!("{what} is not a typed array"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Slice;
    use crate::write::{put_f64, put_head};

    fn list(bytes: &[u8], max: u64) -> Result<Vec<f64>, Failure> {
        let mut src = Slice::new(bytes);
        let v = floats(&mut src, "list", max)?;
        src.finish()?;
        Ok(v)
    }

    #[test]
    fn f16_values() {
        for (bits, want) in [
            (0x0000, 0.0),
            (0x3c00, 1.0),
            (0x3e00, 1.5),
            (0xc000, -2.0),
            (0x7bff, 65504.0),
            (0x0400, 2f64.powi(-14)),
            (0x0001, 2f64.powi(-24)),
            (0x03ff, 1023.0 * 2f64.powi(-24)),
            (0x7c00, f64::INFINITY),
            (0xfc00, f64::NEG_INFINITY),
        ] {
            assert_eq!(f16(bits), want, "{bits:#06x}");
        }
        assert!(f16(0x7e00).is_nan() && f16(0xfe01).is_nan());
        assert!(f16(0x8000) == 0.0 && f16(0x8000).is_sign_negative());
    }

    #[test]
    fn numbers_of_every_encoding() {
        let mut b = vec![0x86, 0x05, 0x38, 0x63, 0xf9, 0x3e, 0x00, 0xfa];
        b.extend_from_slice(&0.25f32.to_be_bytes());
        put_f64(&mut b, -0.125);
        put_head(&mut b, UINT, u64::MAX);
        assert_eq!(list(&b, 6).unwrap(), [5.0, -100.0, 1.5, 0.25, -0.125, u64::MAX as f64]);
        let mut src = Slice::new(b"\xc1\x18\x2a");
        assert_eq!(uint(&mut src, "n").unwrap(), 42);
        for (bytes, ok) in
            [(&b"\xfb\x40\x45\x00\x00\x00\x00\x00\x00"[..], Some(42)), (b"\xf9\x3e\x00", None), (b"\x20", None)]
        {
            assert_eq!(number(&mut Slice::new(bytes), "n").unwrap().u64(), ok, "{bytes:x?}");
        }
        assert_eq!(uint(&mut Slice::new(b"\x20"), "n").unwrap_err().message, "n is not a non-negative integer");
        assert_eq!(number(&mut Slice::new(b"\x60"), "n").unwrap_err().message, "n is not a number");
        let f = uints(&mut Slice::new(b"\x82\x01\x20"), "size", 4).unwrap_err();
        assert_eq!(f.message, "size holds N(0), not a non-negative integer");
        assert_eq!(uints(&mut Slice::new(b"\x82\x01\xf9\x40\x00"), "size", 4).unwrap(), [1, 2]);
        assert_eq!(list(b"\xa0", 4).unwrap_err().message, "list is not an array of numbers");
    }

    #[test]
    fn typed_arrays() {
        let tagged = |tag: u8, bytes: &[u8]| {
            let mut b = vec![0xd8, tag];
            put_head(&mut b, BYTES, bytes.len() as u64);
            b.extend_from_slice(bytes);
            b
        };
        // Untagged: float64, little-endian.
        let mut le = Vec::new();
        for v in [1.0f64, -2.5] {
            le.extend_from_slice(&v.to_le_bytes());
        }
        let mut untagged = Vec::new();
        put_head(&mut untagged, BYTES, 16);
        untagged.extend_from_slice(&le);
        assert_eq!(list(&untagged, 2).unwrap(), [1.0, -2.5]);
        assert_eq!(list(&tagged(86, &le), 2).unwrap(), [1.0, -2.5]);
        assert_eq!(list(&tagged(82, &[0x3f, 0xf0, 0, 0, 0, 0, 0, 0]), 2).unwrap(), [1.0]);
        assert_eq!(list(&tagged(85, &1.5f32.to_le_bytes()), 2).unwrap(), [1.5]);
        assert_eq!(list(&tagged(84, &[0x00, 0x3c]), 2).unwrap(), [1.0]);
        assert_eq!(list(&tagged(80, &[0x3c, 0x00]), 2).unwrap(), [1.0]);
        assert_eq!(list(&tagged(72, &[0xff, 0x7f]), 2).unwrap(), [-1.0, 127.0]);
        assert_eq!(list(&tagged(64, &[0xff, 0x7f]), 2).unwrap(), [255.0, 127.0]);
        // ITK-Wasm's little-endian signed tags, and RFC 8746's big-endian unsigned ones.
        assert_eq!(list(&tagged(73, &[0xfe, 0xff, 0x01, 0x00]), 2).unwrap(), [-2.0, 1.0]);
        assert_eq!(list(&tagged(77, &[0xfe, 0xff]), 2).unwrap(), [-2.0]);
        assert_eq!(list(&tagged(65, &[0x01, 0x02]), 2).unwrap(), [258.0]);
        assert_eq!(list(&tagged(69, &[0x01, 0x02]), 2).unwrap(), [513.0]);
        assert_eq!(list(&tagged(75, &(-5i64).to_le_bytes()), 2).unwrap(), [-5.0]);
        assert_eq!(list(&tagged(67, &7u64.to_be_bytes()), 2).unwrap(), [7.0]);
        assert_eq!(typed_array(76), None);
        assert_eq!(typed_array(83), None);
        assert_eq!(typed_array(66), Some((4, Kind::U, true)));
        let f = list(&tagged(85, &[0; 6]), 2).unwrap_err();
        assert_eq!(f.message, "list: 6 bytes are not a whole number of 4-byte values");
        assert!(matches!(element(&i32::MIN.to_le_bytes(), Kind::I, false), Num::N(n) if n == i32::MAX as u64));
    }

    #[test]
    fn list_limits() {
        let mut b = vec![0x9f];
        b.extend_from_slice(&[0x01; 5]);
        b.push(0xff);
        assert_eq!(list(&b, 5).unwrap(), [1.0; 5]);
        let f = list(&b, 4).unwrap_err();
        assert_eq!((f.code, f.message.as_str()), (Code::LimitExceeded, "list has 5 values, more than 4"));
        let mut typed = Vec::new();
        put_head(&mut typed, BYTES, 40);
        typed.extend_from_slice(&[0; 40]);
        assert_eq!(list(&typed, 5).unwrap(), [0.0; 5]);
        let f = list(&typed, 4).unwrap_err();
        assert_eq!((f.code, f.message.as_str()), (Code::LimitExceeded, "list is longer than 32 bytes"));
        // A count larger than the bytes that remain is refused before reading.
        assert!(list(b"\x9b\x00\x00\x01\x00\x00\x00\x00\x00", 4).unwrap_err().message.contains("declares"));
    }
}
