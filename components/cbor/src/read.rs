//! Reading CBOR items: heads (past any tags), the items of arrays and maps, the chunks of
//! strings (definite or indefinite), keys and text, and skipping what a format does not
//! know. Counts and lengths are checked against the bytes that remain as they are read.

use crate::error::{bad, out_of_memory, too_deep, truncated};
use crate::source::Source;
use crate::{ARRAY, BREAK, BYTES, INDEFINITE, MAP, MAX_DEPTH, SIMPLE, TAG, TEXT};
use witk_guest::{Code, Failure};

#[derive(Clone, Copy, Debug)]
pub struct Head {
    pub major: u8,
    pub info: u8,
    /// The count, length, value or tag; meaningless when indefinite.
    pub arg: u64,
}

impl Head {
    pub fn indefinite(&self) -> bool {
        self.info == INDEFINITE
    }
}

pub fn head<S: Source>(src: &mut S) -> Result<Head, Failure> {
    let at = src.offset();
    let b = src.take(1)?[0];
    let (major, info) = (b >> 5, b & 0x1f);
    let arg = match info {
        0..=23 => info as u64,
        24..=27 => {
            let n = 1usize << (info - 24);
            src.take(n)?.iter().fold(0u64, |acc, &x| acc << 8 | x as u64)
        }
        INDEFINITE if matches!(major, BYTES | TEXT | ARRAY | MAP) => 0,
        INDEFINITE if major == SIMPLE => return Err(bad(&format!("unexpected CBOR break at byte {at}"))),
        _ => return Err(bad(&format!("malformed CBOR at byte {at} (initial byte 0x{b:02x})"))),
    };
    Ok(Head { major, info, arg })
}

/// The head of the next item past any tags, with the innermost tag.
pub fn tagged_head<S: Source>(src: &mut S) -> Result<(Option<u64>, Head), Failure> {
    let mut tag = None;
    for _ in 0..MAX_DEPTH {
        let h = head(src)?;
        if h.major != TAG {
            return Ok((tag, h));
        }
        tag = Some(h.arg);
    }
    Err(too_deep())
}

/// The elements of an array or the entries of a map, counted or up to a break.
pub struct Items {
    left: Option<u64>,
}

impl Items {
    /// `min` is the fewest bytes each item takes: a declared count is checked against it.
    pub fn new<S: Source>(src: &S, h: Head, min: u64) -> Result<Items, Failure> {
        if h.indefinite() {
            return Ok(Items { left: None });
        }
        if h.arg > src.left() / min {
            return Err(bad(&format!("a CBOR item declares {} entries but only {} bytes remain", h.arg, src.left())));
        }
        Ok(Items { left: Some(h.arg) })
    }

    /// Whether another item follows (consuming the break that ends an indefinite one).
    pub fn next<S: Source>(&mut self, src: &mut S) -> Result<bool, Failure> {
        match &mut self.left {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None if src.peek()? == BREAK => {
                src.take(1)?;
                Ok(false)
            }
            None => Ok(true),
        }
    }
}

/// The lengths of a string's chunks: one for a definite string, each chunk of an
/// indefinite one. Every length is checked against the bytes that remain.
pub struct Chunks {
    head: Option<Head>,
    indefinite: bool,
}

impl Chunks {
    pub fn new(h: Head) -> Chunks {
        Chunks { head: Some(h), indefinite: h.indefinite() }
    }

    /// The next chunk's length (its bytes are then the source's next), `None` at the end.
    pub fn next<S: Source>(&mut self, src: &mut S, major: u8) -> Result<Option<usize>, Failure> {
        let h = if self.indefinite {
            if src.peek()? == BREAK {
                src.take(1)?;
                return Ok(None);
            }
            let h = head(src)?;
            if h.major != major || h.indefinite() {
                return Err(bad("malformed CBOR: a chunk of an indefinite-length string is not a definite string"));
            }
            h
        } else {
            match self.head.take() {
                Some(h) => h,
                None => return Ok(None),
            }
        };
        if h.arg > src.left() {
            return Err(truncated(h.arg, src));
        }
        Ok(Some(h.arg as usize))
    }
}

pub fn skip<S: Source>(src: &mut S, depth: usize) -> Result<(), Failure> {
    let h = head(src)?;
    skip_body(src, h, depth)
}

/// Skip the rest of the item whose head is `h`, found `depth` levels down.
pub fn skip_body<S: Source>(src: &mut S, h: Head, depth: usize) -> Result<(), Failure> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    match h.major {
        BYTES | TEXT => {
            let mut parts = Chunks::new(h);
            while let Some(len) = parts.next(src, h.major)? {
                src.skip(len)?;
            }
        }
        ARRAY | MAP => {
            let per = if h.major == MAP { 2 } else { 1 };
            let mut items = Items::new(src, h, per)?;
            while items.next(src)? {
                for _ in 0..per {
                    skip(src, depth + 1)?;
                }
            }
        }
        TAG => skip(src, depth + 1)?,
        _ => {}
    }
    Ok(())
}

/// A map key: its text, or `None` for a key of another type (whose value is then skipped).
pub fn key<S: Source>(src: &mut S, depth: usize) -> Result<Option<String>, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major == TEXT {
        return Ok(Some(text_body(src, h, "a map key")?));
    }
    skip_body(src, h, depth)?;
    Ok(None)
}

pub fn text<S: Source>(src: &mut S, what: &str) -> Result<String, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != TEXT {
        return Err(bad(&format!("{what} is not a text string")));
    }
    text_body(src, h, what)
}

pub fn text_body<S: Source>(src: &mut S, h: Head, what: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let mut parts = Chunks::new(h);
    while let Some(len) = parts.next(src, TEXT)? {
        let chunk = src.take(len)?;
        bytes.try_reserve(len).map_err(|_| out_of_memory(len))?;
        bytes.extend_from_slice(chunk);
    }
    String::from_utf8(bytes).map_err(|_| bad(&format!("{what} is not valid UTF-8")))
}

/// The whole of a (small) byte string, at most `limit` bytes.
pub fn byte_string<S: Source>(src: &mut S, h: Head, limit: u64, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let mut parts = Chunks::new(h);
    while let Some(len) = parts.next(src, BYTES)? {
        if (bytes.len() + len) as u64 > limit {
            return Err(Failure::new(Code::LimitExceeded, format!("{what} is longer than {limit} bytes")));
        }
        bytes.extend_from_slice(src.take(len)?);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Slice;
    use crate::write::{put_head, put_text};
    use crate::{NINT, UINT};

    fn head_of(bytes: &[u8]) -> Result<Head, Failure> {
        head(&mut Slice::new(bytes))
    }

    #[test]
    fn heads_of_every_width() {
        for (bytes, major, info, arg) in [
            (&b"\x00"[..], UINT, 0, 0),
            (b"\x17", UINT, 23, 23),
            (b"\x18\x18", UINT, 24, 24),
            (b"\x39\x01\x00", NINT, 25, 256),
            (b"\x5a\x00\x01\x00\x00", BYTES, 26, 65536),
            (b"\x7b\x01\x02\x03\x04\x05\x06\x07\x08", TEXT, 27, 0x0102030405060708),
            (b"\x9f", ARRAY, 31, 0),
            (b"\xbf", MAP, 31, 0),
            (b"\xd8\x56", TAG, 24, 86),
            (b"\xf9\x3c\x00", SIMPLE, 25, 0x3c00),
        ] {
            let h = head_of(bytes).unwrap();
            assert_eq!((h.major, h.info, h.arg), (major, info, arg), "{bytes:x?}");
            assert_eq!(h.indefinite(), info == INDEFINITE);
        }
        // What the writer writes, read back.
        for arg in [0, 23, 24, 255, 256, 65535, 65536, u32::MAX as u64, u32::MAX as u64 + 1, u64::MAX] {
            let mut out = Vec::new();
            put_head(&mut out, ARRAY, arg);
            let mut src = Slice::new(&out);
            let h = head(&mut src).unwrap();
            assert_eq!((h.major, h.arg), (ARRAY, arg));
            src.finish().unwrap();
        }
    }

    #[test]
    fn malformed_heads() {
        assert_eq!(head_of(b"\xff").unwrap_err().message, "unexpected CBOR break at byte 0");
        let mut src = Slice::new(b"\x00\x1c");
        head(&mut src).unwrap();
        assert_eq!(head(&mut src).unwrap_err().message, "malformed CBOR at byte 1 (initial byte 0x1c)");
        // Indefinite integers and tags do not exist.
        assert!(head_of(b"\x1f").is_err());
        assert!(head_of(b"\xdf").is_err());
        // The argument's bytes are missing.
        assert!(head_of(b"\x19\x01").unwrap_err().message.starts_with("truncated: 2 more bytes needed at byte 1"));
        assert!(head_of(b"").is_err());
    }

    #[test]
    fn tags_are_passed_keeping_the_innermost() {
        let (tag, h) = tagged_head(&mut Slice::new(b"\xd9\xd9\xf7\xd8\x48\x41\x00")).unwrap();
        assert_eq!((tag, h.major, h.arg), (Some(72), BYTES, 1));
        let (tag, _) = tagged_head(&mut Slice::new(b"\x01")).unwrap();
        assert_eq!(tag, None);
        let mut deep = vec![0xc1; MAX_DEPTH];
        deep.push(0);
        let f = tagged_head(&mut Slice::new(&deep)).unwrap_err();
        assert_eq!((f.code, f.message.as_str()), (Code::LimitExceeded, "CBOR items are nested more than 64 deep"));
        deep.drain(..1);
        assert!(tagged_head(&mut Slice::new(&deep)).is_ok());
    }

    #[test]
    fn items_counted_or_to_a_break() {
        let mut src = Slice::new(b"\x82\x01\x02");
        let h = head(&mut src).unwrap();
        let mut items = Items::new(&src, h, 1).unwrap();
        let mut n = 0;
        while items.next(&mut src).unwrap() {
            skip(&mut src, 1).unwrap();
            n += 1;
        }
        assert_eq!(n, 2);
        src.finish().unwrap();
        let mut src = Slice::new(b"\xbf\x01\x02\x03\x04\xff");
        let h = head(&mut src).unwrap();
        let mut items = Items::new(&src, h, 2).unwrap();
        let mut n = 0;
        while items.next(&mut src).unwrap() {
            skip(&mut src, 1).unwrap();
            skip(&mut src, 1).unwrap();
            n += 1;
        }
        assert_eq!(n, 2);
        src.finish().unwrap();
        // A count the remaining bytes cannot hold is refused before anything is read.
        let mut src = Slice::new(b"\xa3\x01\x02\x03\x04\x05");
        let h = head(&mut src).unwrap();
        let f = Items::new(&src, h, 2).err().unwrap();
        assert_eq!(f.message, "a CBOR item declares 3 entries but only 5 bytes remain");
        // An indefinite array that never breaks.
        let mut src = Slice::new(b"\x9f\x01");
        let h = head(&mut src).unwrap();
        let mut items = Items::new(&src, h, 1).unwrap();
        assert!(items.next(&mut src).unwrap());
        skip(&mut src, 1).unwrap();
        assert!(items.next(&mut src).unwrap_err().message.starts_with("truncated"));
    }

    #[test]
    fn chunked_strings() {
        // "abc" as an indefinite text string of two chunks, then an empty one.
        let mut src = Slice::new(b"\x7f\x61a\x62bc\xff\x7f\xff");
        assert_eq!(text(&mut src, "t").unwrap(), "abc");
        assert_eq!(text(&mut src, "t").unwrap(), "");
        src.finish().unwrap();
        let mut src = Slice::new(b"\x5f\x42\x01\x02\x41\x03\xff");
        let h = head(&mut src).unwrap();
        assert_eq!(byte_string(&mut src, h, 3, "b").unwrap(), [1, 2, 3]);
        // A chunk of another type, or itself indefinite.
        for bad_chunk in [&b"\x7f\x41a\xff"[..], b"\x7f\x7f\xff\xff"] {
            let f = text(&mut Slice::new(bad_chunk), "t").unwrap_err();
            assert_eq!(f.message, "malformed CBOR: a chunk of an indefinite-length string is not a definite string");
        }
        // A chunk longer than what remains.
        let f = text(&mut Slice::new(b"\x7f\x7a\x00\x01\x00\x00a\xff"), "t").unwrap_err();
        assert_eq!(f.message, "truncated: 65536 more bytes needed at byte 6 of the CBOR data, at most 2 remain");
        // Over the limit, chunk by chunk.
        let mut src = Slice::new(b"\x5f\x42\x01\x02\x42\x03\x04\xff");
        let h = head(&mut src).unwrap();
        let f = byte_string(&mut src, h, 3, "b").unwrap_err();
        assert_eq!((f.code, f.message.as_str()), (Code::LimitExceeded, "b is longer than 3 bytes"));
    }

    #[test]
    fn keys_and_text() {
        let mut m = vec![0xa3];
        put_text(&mut m, "k");
        m.push(0x01);
        m.extend_from_slice(b"\x82\x01\x02\x03"); // an array key: skipped, then its value
        m.extend_from_slice(b"\xc1\x01\x00"); // a tagged integer key
        let mut src = Slice::new(&m);
        let h = head(&mut src).unwrap();
        let mut entries = Items::new(&src, h, 2).unwrap();
        let mut keys = Vec::new();
        while entries.next(&mut src).unwrap() {
            keys.push(key(&mut src, 1).unwrap());
            skip(&mut src, 1).unwrap();
        }
        assert_eq!(keys, [Some("k".to_string()), None, None]);
        src.finish().unwrap();
        assert_eq!(text(&mut Slice::new(b"\x01"), "name").unwrap_err().message, "name is not a text string");
        assert_eq!(text(&mut Slice::new(b"\x61\xff"), "name").unwrap_err().message, "name is not valid UTF-8");
        assert_eq!(key(&mut Slice::new(b"\x62\xc3\xa9"), 1).unwrap().as_deref(), Some("é"));
    }

    #[test]
    fn skipping_lands_after_the_item() {
        let mut item = b"\xd8\x40\xbf\x61a\x9f\x01\x5f\x41\x00\xff\xa1\x00\x80\xff\x7f\x61x\xff\xfb".to_vec();
        item.extend_from_slice(&1.5f64.to_be_bytes());
        item.push(0xff);
        item.push(0x07);
        let mut src = Slice::new(&item);
        skip(&mut src, 0).unwrap();
        assert_eq!(head(&mut src).unwrap().arg, 7);
        src.finish().unwrap();
        // Nesting deeper than the limit, in arrays and in tags.
        for opener in [0x81, 0xc1] {
            let mut deep = vec![opener; 100_000];
            deep.push(0);
            let f = skip(&mut Slice::new(&deep), 1).unwrap_err();
            assert_eq!(f.code, Code::LimitExceeded);
            let mut ok = vec![opener; MAX_DEPTH - 1];
            ok.push(0);
            skip(&mut Slice::new(&ok), 1).unwrap();
        }
        // Skipping never reads past the end.
        assert!(skip(&mut Slice::new(b"\x5a\xff\xff\xff\xff\x00"), 0).unwrap_err().message.starts_with("truncated"));
    }
}
