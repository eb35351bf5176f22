//! Where a reader's bytes come from: [`Slice`], a file in memory, or
//! [`crate::zstd_io::Stream`], a zstd frame decompressed as it is parsed. The reader asks
//! for bytes only after checking the length it was given against [`Source::left`], so a
//! declared length is never trusted with an allocation.

use crate::error::{bad, truncated};
use witk_guest::Failure;

/// Bytes set aside until they can be used (say, pixels met before the header that sizes
/// them), then copied once into their place.
pub enum Held {
    /// A range of the file.
    At(usize, usize),
    /// Bytes decompressed into their own buffer.
    Owned(Vec<u8>),
}

impl Held {
    pub fn len(&self) -> usize {
        match self {
            Held::At(_, n) => *n,
            Held::Owned(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub trait Source {
    /// The next `n` bytes (`n` already checked against `left`), valid until the next call.
    fn take(&mut self, n: usize) -> Result<&[u8], Failure>;
    fn peek(&mut self) -> Result<u8, Failure>;
    /// Fill `out` with the next bytes.
    fn fill(&mut self, out: &mut [u8]) -> Result<(), Failure>;
    fn skip(&mut self, n: usize) -> Result<(), Failure>;
    /// The most bytes that can remain.
    fn left(&self) -> u64;
    /// Offset of the next byte, for messages.
    fn offset(&self) -> u64;
    /// Set the next `n` bytes aside.
    fn hold(&mut self, n: usize) -> Result<Held, Failure>;
    fn held<'s>(&'s self, h: &'s Held) -> &'s [u8];
    /// Whether large payloads (pixels) should go into their buffer as soon as they are met
    /// (a stream), or be held where they are until the whole header has been read (a file
    /// in memory).
    fn streaming(&self) -> bool;
    /// Check nothing follows the top-level item.
    fn finish(&mut self) -> Result<(), Failure>;
}

/// A file in memory.
pub struct Slice<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Slice<'a> {
    pub fn new(bytes: &'a [u8]) -> Slice<'a> {
        Slice { bytes, pos: 0 }
    }
}

impl Source for Slice<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Failure> {
        if n > self.bytes.len() - self.pos {
            return Err(truncated(n as u64, self));
        }
        self.pos += n;
        Ok(&self.bytes[self.pos - n..self.pos])
    }

    fn peek(&mut self) -> Result<u8, Failure> {
        self.bytes.get(self.pos).copied().ok_or_else(|| truncated(1, self))
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), Failure> {
        out.copy_from_slice(self.take(out.len())?);
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<(), Failure> {
        self.take(n).map(|_| ())
    }

    fn left(&self) -> u64 {
        (self.bytes.len() - self.pos) as u64
    }

    fn offset(&self) -> u64 {
        self.pos as u64
    }

    fn hold(&mut self, n: usize) -> Result<Held, Failure> {
        let at = self.pos;
        self.take(n)?;
        Ok(Held::At(at, n))
    }

    fn held<'s>(&'s self, h: &'s Held) -> &'s [u8] {
        match h {
            Held::At(at, n) => &self.bytes[*at..at + n],
            Held::Owned(v) => v,
        }
    }

    fn streaming(&self) -> bool {
        false
    }

    fn finish(&mut self) -> Result<(), Failure> {
        match self.left() {
            0 => Ok(()),
            n => Err(bad(&format!("{n} bytes follow the CBOR map"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use witk_guest::Code;

    #[test]
    fn slice_reads_holds_and_finishes() {
        let mut s = Slice::new(b"abcdefg");
        assert!(!s.streaming());
        assert_eq!(s.peek().unwrap(), b'a');
        assert_eq!(s.take(2).unwrap(), b"ab");
        let held = s.hold(3).unwrap();
        assert_eq!((held.len(), held.is_empty()), (3, false));
        let mut out = [0u8; 1];
        s.fill(&mut out).unwrap();
        assert_eq!(&out, b"f");
        assert_eq!((s.offset(), s.left()), (6, 1));
        assert_eq!(s.held(&held), b"cde");
        let f = s.finish().unwrap_err();
        assert_eq!(f, Failure::new(Code::InvalidData, "1 bytes follow the CBOR map"));
        s.skip(1).unwrap();
        s.finish().unwrap();
    }

    #[test]
    fn slice_past_the_end_is_truncated() {
        let mut s = Slice::new(b"abc");
        s.take(1).unwrap();
        let f = s.take(5).unwrap_err();
        assert_eq!(f.code, Code::InvalidData);
        assert_eq!(f.message, "truncated: 5 more bytes needed at byte 1 of the CBOR data, at most 2 remain");
        assert!(s.skip(3).is_err());
        assert!(s.hold(3).is_err());
        assert!(s.fill(&mut [0; 3]).is_err());
        s.skip(2).unwrap();
        assert!(s.peek().unwrap_err().message.starts_with("truncated: 1 more bytes needed at byte 3"));
    }
}
