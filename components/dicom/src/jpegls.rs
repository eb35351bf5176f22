//! JPEG-LS pixel data (transfer syntaxes 1.2.840.10008.1.2.4.80 lossless and .81
//! near-lossless), which dicom-rs decodes only through CharLS (C++, not buildable inside
//! the component): decoded here with `pure_jpegls`, a T.87-conformant pure-Rust codec
//! checked against CharLS. It decodes single-component images; colour JPEG-LS stays an
//! `unsupported` error.

use crate::attrs::int;
use crate::pixels::Samples;
use crate::{Code, Failure};
use dicom_core::value::Value;
use dicom_dictionary_std::tags;
use dicom_object::DefaultDicomObject;

pub const LOSSLESS: &str = "1.2.840.10008.1.2.4.80";
pub const NEAR_LOSSLESS: &str = "1.2.840.10008.1.2.4.81";

/// The fragments of each frame: one per fragment when there are as many as frames, else
/// grouped by the Basic Offset Table, else all of them for a single frame.
pub(crate) fn frames<'a>(offsets: &[u32], fragments: &'a [Vec<u8>], count: usize) -> Option<Vec<Vec<&'a [u8]>>> {
    if fragments.len() == count {
        return Some(fragments.iter().map(|f| vec![f.as_slice()]).collect());
    }
    if count == 1 {
        return Some(vec![fragments.iter().map(Vec::as_slice).collect()]);
    }
    if offsets.len() != count {
        return None;
    }
    // Offsets count bytes of fragment items: each fragment adds an 8-byte item header.
    let mut out: Vec<Vec<&[u8]>> = vec![Vec::new(); count];
    let mut at = 0u64;
    for f in fragments {
        let frame = offsets.iter().rposition(|&o| u64::from(o) <= at)?;
        out[frame].push(f.as_slice());
        at += f.len() as u64 + 8;
    }
    Some(out)
}

/// Every frame of `obj`'s JPEG-LS pixel data, decoded.
pub fn decode(obj: &DefaultDicomObject, name: &str) -> Result<Samples, Failure> {
    let bad = |m: String| Failure::new(Code::InvalidData, format!("{name}: JPEG-LS: {m}"));
    let samples = int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1);
    if samples != 1 {
        return Err(Failure::new(
            Code::Unsupported,
            format!(
                "{name}: transfer syntax {} (JPEG-LS) with {samples} samples per pixel cannot be decoded here (one sample only)",
                obj.meta().transfer_syntax().trim_end_matches('\0')
            ),
        ));
    }
    let rows = int(obj, tags::ROWS).filter(|r| *r > 0).ok_or_else(|| bad("no Rows".into()))? as u32;
    let cols = int(obj, tags::COLUMNS).filter(|c| *c > 0).ok_or_else(|| bad("no Columns".into()))? as u32;
    let count = int(obj, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1) as usize;
    let bits = int(obj, tags::BITS_ALLOCATED).unwrap_or(16) as u16;
    let stored = int(obj, tags::BITS_STORED).unwrap_or(bits as i64) as u16;
    let signed = int(obj, tags::PIXEL_REPRESENTATION) == Some(1);
    let Some(Value::PixelSequence(seq)) = obj.get(tags::PIXEL_DATA).map(|e| e.value()) else {
        return Err(bad("the pixel data is not encapsulated".into()));
    };
    let parts = frames(seq.offset_table(), seq.fragments(), count)
        .ok_or_else(|| bad(format!("{} fragments cannot be split into {count} frames", seq.fragments().len())))?;
    let width = if bits <= 8 { 1 } else { 2 };
    let plane = rows as usize * cols as usize;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(plane * count * width).map_err(|_| {
        Failure::new(Code::LimitExceeded, format!("{name}: {count} frames of {cols}x{rows} do not fit in memory"))
    })?;
    for (k, frame) in parts.iter().enumerate() {
        let data = if frame.len() == 1 { std::borrow::Cow::Borrowed(frame[0]) } else { frame.concat().into() };
        let (values, w, h) = jpegls::decode(&data, cols, rows).map_err(|e| match e {
            jpegls::CodecError::Unsupported(m) => {
                let ts = obj.meta().transfer_syntax().trim_end_matches('\0');
                Failure::new(Code::Unsupported, format!("{name}: frame {}: transfer syntax {ts} (JPEG-LS): {m}", k + 1))
            }
            other => bad(format!("frame {}: {other}", k + 1)),
        })?;
        if (w, h) != (cols, rows) || values.len() != plane {
            return Err(bad(format!("frame {} is {w}x{h}, not {cols}x{rows}", k + 1)));
        }
        if width == 1 {
            bytes.extend(values.iter().map(|&v| v as u8));
        } else {
            bytes.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        }
    }
    Ok(Samples::raw(bytes, bits, stored, signed))
}
