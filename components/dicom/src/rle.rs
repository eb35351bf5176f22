//! RLE Lossless (1.2.840.10008.1.2.5) with 32 bits allocated, which dicom-rs's RLE
//! decoder does not take (it does 8 and 16): each frame is one fragment of byte-plane
//! segments (PS3.5 Annex G: each sample's four bytes, most significant first, samples in
//! order), each PackBits-coded. One sample per pixel (RT Dose grids) or three (RGB),
//! given back interleaved, as every decoder here gives colour.

use crate::attrs::{int, text};
use crate::pixels::Samples;
use crate::{Code, Failure};
use dicom_core::value::Value;
use dicom_dictionary_std::tags;
use dicom_object::DefaultDicomObject;

pub const RLE_LOSSLESS: &str = "1.2.840.10008.1.2.5";

/// Whether this decoder, not dicom-rs's, reads `obj`'s pixel data.
pub fn handles(obj: &DefaultDicomObject, ts: &str) -> bool {
    ts == RLE_LOSSLESS
        && int(obj, tags::BITS_ALLOCATED) == Some(32)
        && matches!(int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1), 1 | 3)
}

/// Checks dicom-rs's RLE decoder (8 and 16 bits) does not make, done before it runs: it
/// indexes its header and segments unchecked, and a segment that decodes to fewer bytes
/// than a plane panics (found by fuzzing; in the component a panic is a trap). Each frame
/// must hold a 64-byte header naming at least samples x bytes-per-sample segments, each
/// within the fragment and decoding to a whole plane.
pub fn check_segments(obj: &DefaultDicomObject, name: &str) -> Result<(), Failure> {
    let bad = |m: String| Failure::new(Code::InvalidData, format!("{name}: RLE: {m}"));
    let plane = int(obj, tags::ROWS).unwrap_or(0) as usize * int(obj, tags::COLUMNS).unwrap_or(0) as usize;
    let bytes = match int(obj, tags::BITS_ALLOCATED) {
        Some(8) => 1,
        Some(16) => 2,
        _ => return Ok(()), // dicom-rs refuses other depths itself
    };
    let needed = bytes * int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1).max(1) as usize;
    let Some(Value::PixelSequence(seq)) = obj.get(tags::PIXEL_DATA).map(|e| e.value()) else { return Ok(()) };
    for (k, f) in seq.fragments().iter().enumerate() {
        let header = |i: usize| f.get(i * 4..i * 4 + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        if f.len() < 64 {
            return Err(bad(format!("frame {}: {} bytes, less than the 64-byte header", k + 1, f.len())));
        }
        let count = header(0).unwrap_or(0);
        if !(needed..=15).contains(&count) {
            return Err(bad(format!("frame {}: {count} segments, not {needed}", k + 1)));
        }
        for s in 0..needed {
            let start = header(s + 1).unwrap_or(0);
            let end = if s + 1 < count { header(s + 2).unwrap_or(0) } else { f.len() };
            let segment =
                f.get(start..end).ok_or_else(|| bad(format!("frame {}: segment {} is past its end", k + 1, s + 1)))?;
            let mut out = Vec::new();
            packbits(segment, plane, &mut out);
            if out.len() < plane {
                return Err(bad(format!("frame {}: segment {} holds fewer than {plane} bytes", k + 1, s + 1)));
            }
        }
    }
    Ok(())
}

/// One PackBits segment, decoded into `out` (at most `len` bytes).
fn packbits(data: &[u8], len: usize, out: &mut Vec<u8>) {
    let (start, mut i) = (out.len(), 0);
    while i < data.len() && out.len() - start < len {
        let n = data[i] as i8;
        i += 1;
        if n >= 0 {
            let run = (n as usize + 1).min(data.len() - i);
            out.extend_from_slice(&data[i..i + run]);
            i += run;
        } else if n != -128 {
            if let Some(&b) = data.get(i) {
                out.extend(std::iter::repeat_n(b, (1 - n as isize) as usize));
            }
            i += 1;
        }
    }
    out.truncate(start + len);
}

pub fn decode(obj: &DefaultDicomObject, name: &str) -> Result<Samples, Failure> {
    let bad = |m: String| Failure::new(Code::InvalidData, format!("{name}: RLE: {m}"));
    let rows = int(obj, tags::ROWS).filter(|r| *r > 0).ok_or_else(|| bad("no Rows".into()))? as usize;
    let cols = int(obj, tags::COLUMNS).filter(|c| *c > 0).ok_or_else(|| bad("no Columns".into()))? as usize;
    let frames = int(obj, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1) as usize;
    let stored = int(obj, tags::BITS_STORED).unwrap_or(32) as u16;
    let signed = int(obj, tags::PIXEL_REPRESENTATION) == Some(1);
    let Some(Value::PixelSequence(seq)) = obj.get(tags::PIXEL_DATA).map(|e| e.value()) else {
        return Err(bad("the pixel data is not encapsulated".into()));
    };
    if seq.fragments().len() != frames {
        return Err(bad(format!("{} fragments for {frames} frames", seq.fragments().len())));
    }
    let samples = int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1) as usize;
    if samples == 3 && text(obj, tags::PHOTOMETRIC_INTERPRETATION).as_deref() != Some("RGB") {
        return Err(Failure::new(
            Code::Unsupported,
            format!(
                "{name}: transfer syntax {RLE_LOSSLESS} (RLE) with 32-bit colour other than RGB cannot be decoded here"
            ),
        ));
    }
    let (plane, segments) = (rows * cols, 4 * samples);
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(plane * frames * segments).map_err(|_| {
        Failure::new(Code::LimitExceeded, format!("{name}: {frames} frames of {cols}x{rows} do not fit in memory"))
    })?;
    let mut planes = Vec::with_capacity(plane * segments);
    for (k, f) in seq.fragments().iter().enumerate() {
        let header = |i: usize| f.get(i * 4..i * 4 + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        if header(0) != Some(segments) {
            return Err(bad(format!(
                "frame {} has {:?} segments, not {segments} (32 bits, {samples} sample{})",
                k + 1,
                header(0),
                if samples == 1 { "" } else { "s" }
            )));
        }
        let offsets: Vec<usize> = (1..=segments).map(|i| header(i).unwrap_or(0)).collect();
        planes.clear();
        for s in 0..segments {
            let end = if s + 1 < segments { offsets[s + 1] } else { f.len() };
            let segment =
                f.get(offsets[s]..end).ok_or_else(|| bad(format!("frame {}: a segment past its end", k + 1)))?;
            let before = planes.len();
            packbits(segment, plane, &mut planes);
            if planes.len() - before != plane {
                return Err(bad(format!("frame {}: segment {} holds fewer than {plane} bytes", k + 1, s + 1)));
            }
        }
        // Each sample's segments hold its most significant byte first: little-endian
        // samples back, a pixel's samples together.
        for i in 0..plane {
            for c in 0..samples {
                let p = |b: usize| planes[(4 * c + b) * plane + i];
                bytes.extend_from_slice(&[p(3), p(2), p(1), p(0)]);
            }
        }
    }
    Ok(Samples::raw(bytes, 32, stored, signed))
}

#[cfg(test)]
mod tests {
    /// Found by fuzzing (fuzz/): a run count computed as `1 - n as usize` overflowed (it
    /// wrapped to the right count in release builds only).
    #[test]
    fn packbits_runs_and_literals() {
        let mut out = Vec::new();
        super::packbits(&[0xFE, 7, 1, 9, 8, 0x81, 5], 6, &mut out);
        assert_eq!(out, [7, 7, 7, 9, 8, 5]);
    }
}
