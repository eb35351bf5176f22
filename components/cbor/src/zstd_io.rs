//! zstd-compressed CBOR (ITK-Wasm's `.cbor.zst` files): [`Stream`], a [`Source`] that
//! decompresses the frame as it is parsed, so a large payload goes straight from the
//! decompressor into its buffer, and [`compress`], which writes one frame of several
//! borrowed parts without joining them first.

use crate::error::{bad, out_of_memory, truncated};
use crate::source::{Held, Source};
use witk_guest::{Code, Failure};
use zstd::zstd_safe::{self, zstd_sys, CCtx, CParameter, DCtx, DParameter, InBuffer, OutBuffer, WriteBuf};

/// The zstd frame magic number, which starts every `.cbor.zst`.
pub const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Most bytes a `.cbor.zst` may decompress to: what a wasm32 memory can address.
const MAX_DECOMPRESSED: u64 = 1 << 32;
/// Accept frames that need up to a 1 GiB window (zstd's default limit is 128 MiB).
const WINDOW_LOG_MAX: u32 = 30;

/// One zstd frame at `level` holding `parts` one after the other, with its content size.
pub fn compress(parts: &[&[u8]], level: i32) -> Result<Vec<u8>, Failure> {
    let parts = if parts.is_empty() { &[&[][..]][..] } else { parts };
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut cctx = CCtx::create();
    cctx.set_parameter(CParameter::CompressionLevel(level)).map_err(zstd_error)?;
    // ITK-Wasm's reader sizes its buffer from the frame's content size: always record it.
    cctx.set_parameter(CParameter::ContentSizeFlag(true)).map_err(zstd_error)?;
    cctx.set_pledged_src_size(Some(total as u64)).map_err(zstd_error)?;
    // The parts (a header and the borrowed pixels) go through one frame, without being joined first.
    let mut out = Vec::new();
    let start = (total / 8).max(1 << 12).min(zstd_safe::compress_bound(total));
    out.try_reserve_exact(start).map_err(|_| out_of_memory(start))?;
    for (i, &part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut input = InBuffer::around(part);
        loop {
            if out.len() == out.capacity() {
                let extra = out.capacity().max(1 << 16);
                out.try_reserve(extra).map_err(|_| out_of_memory(out.capacity() + extra))?;
            }
            let pos = out.len();
            let mut dst = OutBuffer::around_pos(&mut out, pos);
            let op = if last {
                zstd_sys::ZSTD_EndDirective::ZSTD_e_end
            } else {
                zstd_sys::ZSTD_EndDirective::ZSTD_e_continue
            };
            let pending = cctx.compress_stream2(&mut dst, &mut input, op).map_err(zstd_error)?;
            let done = if last { pending == 0 } else { input.pos() == part.len() };
            if done {
                break;
            }
        }
    }
    Ok(out)
}

/// The decompressor: zstd frames in, bytes out, no more than `limit` of them.
struct Inflate<'a> {
    dctx: DCtx<'static>,
    input: &'a [u8],
    in_pos: usize,
    produced: u64,
    limit: u64,
    /// Whether the last call ended a frame.
    frame_done: bool,
}

impl Inflate<'_> {
    /// Decompress into the free part of `dst`; 0 bytes means the input is all decoded.
    fn produce<C: WriteBuf + ?Sized>(&mut self, dst: &mut OutBuffer<'_, C>) -> Result<usize, Failure> {
        let start = dst.pos();
        loop {
            if self.in_pos == self.input.len() && self.frame_done {
                return Ok(0);
            }
            let mut src = InBuffer::around(self.input);
            src.set_pos(self.in_pos);
            let hint = self.dctx.decompress_stream(dst, &mut src).map_err(zstd_error)?;
            let consumed = src.pos() - self.in_pos;
            self.in_pos = src.pos();
            self.frame_done = hint == 0;
            let n = dst.pos() - start;
            self.produced += n as u64;
            if self.produced > self.limit {
                return Err(match self.limit {
                    MAX_DECOMPRESSED => Failure::new(
                        Code::LimitExceeded,
                        format!("the zstd data decompresses to more than {MAX_DECOMPRESSED} bytes"),
                    ),
                    limit => {
                        bad(&format!("the zstd data decompresses to more than the {limit} bytes its frame declares"))
                    }
                });
            }
            if n > 0 {
                return Ok(n);
            }
            if self.in_pos == self.input.len() && !self.frame_done {
                return Err(bad("truncated zstd data: the input ends before the frame does"));
            }
            if consumed == 0 && !self.frame_done {
                return Err(bad("corrupt zstd data: the decompressor makes no progress"));
            }
        }
    }
}

/// A zstd frame as a [`Source`]: bounded by the content size the frame declares (or, when
/// it declares none, by what a wasm32 memory holds), so [`Source::left`] checks lengths
/// as for a file in memory.
pub struct Stream<'a> {
    z: Inflate<'a>,
    /// Decompressed bytes not yet handed out start at `buf[start]`.
    buf: Vec<u8>,
    start: usize,
    consumed: u64,
}

impl<'a> Stream<'a> {
    pub fn new(input: &'a [u8]) -> Result<Stream<'a>, Failure> {
        if !input.starts_with(ZSTD_MAGIC) {
            return Err(bad("not zstd data (no frame magic)"));
        }
        let limit = match zstd_safe::get_frame_content_size(input) {
            Ok(Some(n)) if n > MAX_DECOMPRESSED => {
                return Err(Failure::new(
                    Code::LimitExceeded,
                    format!("the zstd frame declares {n} bytes, more than a 4 GiB WebAssembly memory can hold"),
                ))
            }
            Ok(Some(n)) => n,
            // No declared size: decompress as a stream, up to what a wasm32 memory holds.
            Ok(None) => MAX_DECOMPRESSED,
            Err(_) => return Err(bad("corrupt zstd frame header")),
        };
        let mut dctx = DCtx::create();
        dctx.set_parameter(DParameter::WindowLogMax(WINDOW_LOG_MAX)).map_err(zstd_error)?;
        let z = Inflate { dctx, input, in_pos: 0, produced: 0, limit, frame_done: false };
        Ok(Stream { z, buf: Vec::new(), start: 0, consumed: 0 })
    }

    fn available(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Decompress until `n` bytes are available, growing the buffer with what arrives
    /// (not with what a length declares).
    fn want(&mut self, n: usize) -> Result<(), Failure> {
        if self.available() >= n {
            return Ok(());
        }
        self.buf.drain(..self.start);
        self.start = 0;
        while self.buf.len() < n {
            if self.buf.len() == self.buf.capacity() {
                let extra = (n - self.buf.len()).clamp(1 << 16, self.buf.capacity().max(1 << 16));
                self.buf.try_reserve(extra).map_err(|_| out_of_memory(self.buf.len() + extra))?;
            }
            let pos = self.buf.len();
            if self.z.produce(&mut OutBuffer::around_pos(&mut self.buf, pos))? == 0 {
                return Err(truncated(n as u64, self));
            }
        }
        Ok(())
    }
}

impl Source for Stream<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Failure> {
        self.want(n)?;
        self.start += n;
        self.consumed += n as u64;
        Ok(&self.buf[self.start - n..self.start])
    }

    fn peek(&mut self) -> Result<u8, Failure> {
        self.want(1)?;
        Ok(self.buf[self.start])
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), Failure> {
        let k = self.available().min(out.len());
        out[..k].copy_from_slice(&self.buf[self.start..self.start + k]);
        self.start += k;
        let mut at = k;
        while at < out.len() {
            let n = self.z.produce(&mut OutBuffer::around(&mut out[at..]))?;
            if n == 0 {
                return Err(truncated((out.len() - at) as u64, self));
            }
            at += n;
        }
        self.consumed += out.len() as u64;
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<(), Failure> {
        let k = self.available().min(n);
        self.start += k;
        self.consumed += k as u64;
        let mut rest = n - k;
        while rest > 0 {
            // The buffer is empty: decompress into it as scratch, keeping what is not skipped.
            self.buf.clear();
            self.start = 0;
            if self.buf.capacity() < 1 << 16 {
                self.buf.try_reserve(1 << 16).map_err(|_| out_of_memory(1 << 16))?;
            }
            let got = self.z.produce(&mut OutBuffer::around_pos(&mut self.buf, 0))?;
            if got == 0 {
                return Err(truncated(rest as u64, self));
            }
            let used = got.min(rest);
            self.start = used;
            self.consumed += used as u64;
            rest -= used;
        }
        Ok(())
    }

    fn left(&self) -> u64 {
        self.z.limit.saturating_sub(self.consumed)
    }

    fn offset(&self) -> u64 {
        self.consumed
    }

    fn hold(&mut self, n: usize) -> Result<Held, Failure> {
        let mut v = Vec::new();
        while v.len() < n {
            let step = (n - v.len()).min(v.len().max(1 << 20));
            v.try_reserve_exact(step).map_err(|_| out_of_memory(v.len() + step))?;
            let at = v.len();
            v.resize(at + step, 0);
            self.fill(&mut v[at..])?;
        }
        Ok(Held::Owned(v))
    }

    fn held<'s>(&'s self, h: &'s Held) -> &'s [u8] {
        match h {
            Held::Owned(v) => v,
            Held::At(..) => unreachable!("a stream holds its own bytes"),
        }
    }

    fn streaming(&self) -> bool {
        true
    }

    fn finish(&mut self) -> Result<(), Failure> {
        let mut extra = self.available();
        if extra == 0 {
            // The frame must end (a truncated one is an error), with nothing after the map.
            let mut scratch = [0u8; 64];
            extra = self.z.produce(&mut OutBuffer::around(&mut scratch[..]))?;
        }
        match extra {
            0 => Ok(()),
            _ => Err(bad("bytes follow the CBOR map in the decompressed data")),
        }
    }
}

fn zstd_error(code: usize) -> Failure {
    let name = zstd_safe::get_error_name(code);
    let kind = if name.contains("allocation") { Code::LimitExceeded } else { Code::InvalidData };
    Failure::new(kind, format!("zstd: {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that do not compress to nothing, so the stream needs several calls.
    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 37 % 251) as u8 ^ (i >> 10) as u8).collect()
    }

    #[test]
    fn parts_make_one_frame_of_their_concatenation() {
        let (a, b) = (data(1000), data(300_000));
        let z = compress(&[&a, &b], 3).unwrap();
        assert!(z.starts_with(ZSTD_MAGIC));
        assert_eq!(zstd_safe::get_frame_content_size(&z).unwrap(), Some(301_000));
        let joined = [&a[..], &b[..]].concat();
        let mut back = Vec::with_capacity(joined.len());
        zstd_safe::decompress(&mut back, &z).unwrap();
        assert_eq!(back, joined);
        // The same bytes as compressing the joined data in one part.
        assert_eq!(compress(&[&joined], 3).unwrap(), z);
        // Nothing at all is still a frame (of no bytes).
        let empty = compress(&[], 3).unwrap();
        assert_eq!(zstd_safe::get_frame_content_size(&empty).unwrap(), Some(0));
        Stream::new(&empty).unwrap().finish().unwrap();
    }

    #[test]
    fn stream_takes_fills_skips_and_holds() {
        let d = data(400_000);
        let z = compress(&[&d], 3).unwrap();
        let mut s = Stream::new(&z).unwrap();
        assert!(s.streaming());
        assert_eq!(s.left(), 400_000);
        assert_eq!(s.peek().unwrap(), d[0]);
        assert_eq!(s.take(10).unwrap(), &d[..10]);
        s.skip(150_000).unwrap();
        assert_eq!(s.offset(), 150_010);
        let mut out = vec![0u8; 100_000];
        s.fill(&mut out).unwrap();
        assert_eq!(out, &d[150_010..250_010]);
        let held = s.hold(149_990).unwrap();
        assert_eq!(s.held(&held), &d[250_010..]);
        assert_eq!(s.left(), 0);
        s.finish().unwrap();
    }

    #[test]
    fn stream_errors() {
        let d = data(100_000);
        let z = compress(&[&d], 3).unwrap();
        // More than the frame holds.
        let mut s = Stream::new(&z).unwrap();
        s.skip(99_990).unwrap();
        assert!(s.take(11).unwrap_err().message.starts_with("truncated: 11 more bytes needed at byte 99990"));
        // Bytes left over.
        let mut s = Stream::new(&z).unwrap();
        s.skip(99_999).unwrap();
        assert_eq!(s.finish().unwrap_err().message, "bytes follow the CBOR map in the decompressed data");
        // A frame cut short.
        let mut s = Stream::new(&z[..z.len() / 2]).unwrap();
        let f = s.skip(100_000).unwrap_err();
        assert_eq!(f.code, Code::InvalidData);
        assert_eq!(f.message, "truncated zstd data: the input ends before the frame does");
        // Not zstd, or a broken frame header.
        assert_eq!(Stream::new(b"\xa0").err().unwrap().message, "not zstd data (no frame magic)");
        assert_eq!(Stream::new(ZSTD_MAGIC).err().unwrap().message, "corrupt zstd frame header");
    }
}
