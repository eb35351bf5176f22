//! Zstandard frames with the reference C library.

use crate::{Code, Failure};
use zstd::zstd_safe::{self, CCtx, CParameter, DCtx, DParameter, InBuffer, OutBuffer};

/// Largest output a wasm32 guest can hold; larger declared sizes are refused up front.
const ADDRESS_SPACE: u64 = 1 << 32;
/// Accept frames that need up to a 1 GiB window (zstd's default decoder limit is 128 MiB,
/// which would refuse frames written with `--long` by the zstd CLI).
const WINDOW_LOG_MAX: u32 = 30;
const ZSTD_MAGIC: u32 = 0xFD2F_B528;
const SKIPPABLE_MAGIC_MASK: u32 = 0xFFFF_FFF0;
const SKIPPABLE_MAGIC: u32 = 0x184D_2A50;

/// Compress `input` into one frame that records its content size.
///
/// Level 0 selects zstd's default (3); the accepted range is zstd's own.
pub fn compress(input: &[u8], level: i32) -> Result<Vec<u8>, Failure> {
    let (min, max) = (zstd_safe::min_c_level(), zstd_safe::max_c_level());
    if level < min || level > max {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("compression-level {level} is out of range: zstd accepts {min} to {max} (0 means the default, 3)"),
        ));
    }
    let bound = zstd_safe::compress_bound(input.len());
    let mut out = try_alloc(bound as u64, "compressed output")?;
    let mut cctx = CCtx::create();
    // The content size is recorded by default for one-shot compression; set it explicitly
    // since interchange with ITK-Wasm depends on it.
    cctx.set_parameter(CParameter::ContentSizeFlag(true)).map_err(zstd_error)?;
    cctx.set_parameter(CParameter::CompressionLevel(level)).map_err(zstd_error)?;
    cctx.compress2(&mut out, input).map_err(zstd_error)?;
    Ok(out)
}

/// Decompress one or more concatenated frames (skippable frames are skipped).
pub fn decompress(input: &[u8]) -> Result<Vec<u8>, Failure> {
    check_magic(input)?;
    let declared = declared_size(input)?;
    let mut out = try_alloc(declared.unwrap_or(input.len() as u64 * 4), "decompressed output")?;
    let mut dctx = DCtx::create();
    dctx.set_parameter(DParameter::WindowLogMax(WINDOW_LOG_MAX)).map_err(zstd_error)?;
    let mut src = InBuffer::around(input);
    let mut hint = 1;
    while src.pos() < input.len() {
        if out.len() == out.capacity() {
            grow(&mut out)?;
        }
        let start = out.len();
        // Writes into the spare capacity after `start`; the Vec's length follows.
        let mut dst = OutBuffer::around_pos(&mut out, start);
        hint = dctx.decompress_stream(&mut dst, &mut src).map_err(zstd_error)?;
    }
    if hint != 0 {
        return Err(Failure::new(Code::InvalidData, "truncated Zstandard frame: the input ends before the frame does"));
    }
    Ok(out)
}

/// Sum of the content sizes the frames declare, or `None` if any frame omits it.
fn declared_size(input: &[u8]) -> Result<Option<u64>, Failure> {
    let mut total: u64 = 0;
    let mut rest = input;
    while !rest.is_empty() {
        let frame_len = zstd_safe::find_frame_compressed_size(rest).map_err(|code| {
            // A window larger than this build can address is a limit, not corruption (in
            // wasm32 zstd says so here; natively the declared size below does: the fuzz
            // corpus's native-against-wasm test found the codes differing).
            let name = zstd_safe::get_error_name(code);
            Failure::new(
                if name.contains("too much memory") { Code::LimitExceeded } else { Code::InvalidData },
                format!(
                    "corrupt or truncated Zstandard frame at byte {}: {}",
                    input.len() - rest.len(),
                    zstd_safe::get_error_name(code)
                ),
            )
        })?;
        if !is_skippable(rest) {
            match zstd_safe::get_frame_content_size(rest) {
                Ok(Some(size)) => total = total.saturating_add(size),
                Ok(None) => return Ok(None),
                Err(_) => {
                    return Err(Failure::new(Code::InvalidData, "corrupt Zstandard frame header"));
                }
            }
        }
        rest = &rest[frame_len..];
    }
    if total >= ADDRESS_SPACE {
        return Err(Failure::new(
            Code::LimitExceeded,
            format!("the frames declare {total} bytes of content, more than a 4 GiB WebAssembly memory can hold"),
        ));
    }
    Ok(Some(total))
}

/// Whether `input` starts like Zstandard data (a frame or a skippable frame).
pub fn is_zstd(input: &[u8]) -> bool {
    magic(input) == Some(ZSTD_MAGIC) || is_skippable(input)
}

fn magic(input: &[u8]) -> Option<u32> {
    input.get(..4).map(|m| u32::from_le_bytes([m[0], m[1], m[2], m[3]]))
}

fn is_skippable(input: &[u8]) -> bool {
    magic(input).is_some_and(|m| m & SKIPPABLE_MAGIC_MASK == SKIPPABLE_MAGIC)
}

fn check_magic(input: &[u8]) -> Result<(), Failure> {
    match magic(input) {
        Some(ZSTD_MAGIC) => Ok(()),
        Some(_) if is_skippable(input) => Ok(()),
        Some(m) => Err(Failure::new(
            Code::InvalidData,
            format!("input is not Zstandard data: it starts with 0x{m:08X}, not the frame magic 0xFD2FB528 (for a data URL or base64 text, set parse-string)"),
        )),
        None => Err(Failure::new(
            Code::InvalidData,
            format!("input is not Zstandard data: {} bytes is shorter than a frame header", input.len()),
        )),
    }
}

/// Allocate without trapping: a failed allocation inside the guest would abort the
/// instance, so memory-limit failures are reported as errors instead.
fn try_alloc(capacity: u64, what: &str) -> Result<Vec<u8>, Failure> {
    let mut v = Vec::new();
    let cap = usize::try_from(capacity).map_err(|_| too_big(capacity, what))?;
    v.try_reserve_exact(cap).map_err(|_| too_big(capacity, what))?;
    Ok(v)
}

fn grow(v: &mut Vec<u8>) -> Result<(), Failure> {
    let extra = v.capacity().max(1 << 16);
    v.try_reserve(extra).map_err(|_| too_big((v.capacity() + extra) as u64, "decompressed output"))
}

fn too_big(bytes: u64, what: &str) -> Failure {
    Failure::new(Code::LimitExceeded, format!("{what} needs {bytes} bytes, more than this call's memory limit allows"))
}

fn zstd_error(code: usize) -> Failure {
    let name = zstd_safe::get_error_name(code);
    let kind = if name.contains("allocation") || name.contains("too much memory") {
        Code::LimitExceeded
    } else {
        Code::InvalidData
    };
    Failure::new(kind, format!("Zstandard: {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vector() {
        let frame = compress(&[33, 44, 55], 3).unwrap();
        assert_eq!(frame, [0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0x21, 0x2c, 0x37]);
        assert_eq!(decompress(&frame).unwrap(), [33, 44, 55]);
    }

    #[test]
    fn concatenated_and_sizeless_frames() {
        let a = compress(b"hello ", 1).unwrap();
        let b = compress(b"world", 19).unwrap();
        let mut both = a.clone();
        both.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9]); // skippable frame
        both.extend_from_slice(&b);
        assert_eq!(decompress(&both).unwrap(), b"hello world");
        // A frame written by a streaming encoder has no content size.
        let mut cctx = CCtx::create();
        cctx.set_parameter(CParameter::ContentSizeFlag(false)).unwrap();
        let data = vec![7u8; 1 << 20];
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(data.len()));
        cctx.compress2(&mut out, &data).unwrap();
        assert_eq!(zstd_safe::get_frame_content_size(&out).unwrap(), None);
        assert_eq!(decompress(&out).unwrap(), data);
    }

    #[test]
    fn errors() {
        assert_eq!(compress(b"x", 23).unwrap_err().code, Code::InvalidArgument);
        assert!(compress(b"x", -7).is_ok());
        assert_eq!(decompress(b"").unwrap_err().code, Code::InvalidData);
        assert_eq!(decompress(b"not zstd").unwrap_err().code, Code::InvalidData);
        let frame = compress(&[5u8; 1000], 3).unwrap();
        assert_eq!(decompress(&frame[..frame.len() - 1]).unwrap_err().code, Code::InvalidData);
    }
}
