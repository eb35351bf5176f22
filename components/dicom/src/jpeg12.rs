//! 12-bit JPEG (extended sequential, process 4: transfer syntax 1.2.840.10008.1.2.4.51,
//! CT and MR from older scanners), which jpeg-decoder (dicom-rs's JPEG adapter) does not
//! decode: decoded here with libjpeg-turbo-rs, a pure-Rust port of libjpeg-turbo, into
//! 12-bit samples (0 to 4095), colour converted to RGB as libjpeg does.

use crate::attrs::int;
use crate::pixels::Samples;
use crate::{Code, Failure};
use dicom_core::value::Value;
use dicom_dictionary_std::tags;
use dicom_object::DefaultDicomObject;
use libjpeg_turbo_rs::{decompress_12bit_with_limits, DecodeLimits};

/// The sample precision of the first frame header (SOF0 to SOF2) in `data`, if any.
fn precision(data: &[u8]) -> Option<u8> {
    let mut at = data.windows(2).position(|w| w == [0xFF, 0xD8])? + 2;
    loop {
        // Markers may be padded with fill bytes (0xFF).
        while data.get(at) == Some(&0xFF) && data.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (&ff, &marker) = (data.get(at)?, data.get(at + 1)?);
        if ff != 0xFF {
            return None;
        }
        if matches!(marker, 0xC0..=0xC2) {
            return data.get(at + 4).copied();
        }
        if marker == 0xDA || marker == 0xD9 {
            return None; // a scan before any frame header
        }
        let len = u16::from_be_bytes([*data.get(at + 2)?, *data.get(at + 3)?]) as usize;
        at += 2 + len;
    }
}

/// Whether this decoder, not dicom-rs's, reads `obj`'s pixel data: DCT JPEG whose frame
/// header says 12 bits.
pub fn handles(obj: &DefaultDicomObject, ts: &str) -> bool {
    if ts != "1.2.840.10008.1.2.4.50" && ts != "1.2.840.10008.1.2.4.51" {
        return false;
    }
    let Some(Value::PixelSequence(seq)) = obj.get(tags::PIXEL_DATA).map(|e| e.value()) else { return false };
    seq.fragments().first().and_then(|f| precision(f)) == Some(12)
}

/// Every frame, decoded: 16-bit little-endian samples, a pixel's samples together.
pub fn decode(obj: &DefaultDicomObject, name: &str) -> Result<Samples, Failure> {
    let bad = |m: String| Failure::new(Code::InvalidData, format!("{name}: 12-bit JPEG: {m}"));
    let rows = int(obj, tags::ROWS).filter(|r| *r > 0).ok_or_else(|| bad("no Rows".into()))? as usize;
    let cols = int(obj, tags::COLUMNS).filter(|c| *c > 0).ok_or_else(|| bad("no Columns".into()))? as usize;
    let samples = int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1).max(1) as usize;
    let count = int(obj, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1) as usize;
    let stored = int(obj, tags::BITS_STORED).unwrap_or(12).clamp(1, 16) as u16;
    let signed = int(obj, tags::PIXEL_REPRESENTATION) == Some(1);
    let Some(Value::PixelSequence(seq)) = obj.get(tags::PIXEL_DATA).map(|e| e.value()) else {
        return Err(bad("the pixel data is not encapsulated".into()));
    };
    let parts = crate::jpegls::frames(seq.offset_table(), seq.fragments(), count)
        .ok_or_else(|| bad(format!("{} fragments cannot be split into {count} frames", seq.fragments().len())))?;
    let per_frame = rows * cols * samples;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(per_frame * count * 2).map_err(|_| {
        Failure::new(Code::LimitExceeded, format!("{name}: {count} frames of {cols}x{rows} do not fit in memory"))
    })?;
    // A frame larger than the attributes say is refused from its header, before decoding.
    let limits = DecodeLimits {
        max_width: cols,
        max_height: rows,
        max_pixels: (rows * cols) as u64,
        max_memory: Some(per_frame as u64 * 8 + (1 << 20)),
        ..DecodeLimits::default()
    };
    for (k, frame) in parts.iter().enumerate() {
        let data = if frame.len() == 1 { std::borrow::Cow::Borrowed(frame[0]) } else { frame.concat().into() };
        let image = decompress_12bit_with_limits(&data, &limits).map_err(|e| bad(format!("frame {}: {e}", k + 1)))?;
        if (image.width, image.height, image.num_components) != (cols, rows, samples) {
            return Err(bad(format!(
                "frame {} is {}x{} with {} components, not {cols}x{rows} with {samples}",
                k + 1,
                image.width,
                image.height,
                image.num_components
            )));
        }
        bytes.extend(image.data.iter().flat_map(|v| (*v as u16).to_le_bytes()));
    }
    Ok(Samples::raw(bytes, 16, stored, signed))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_frame_headers_precision_is_found_past_other_segments() {
        // SOI, APP0 (4 bytes of payload), a fill byte, SOF1 with precision 12.
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 6, 1, 2, 3, 4, 0xFF, 0xFF, 0xC1, 0, 11, 12, 0, 16];
        assert_eq!(super::precision(&jpeg), Some(12));
        assert_eq!(super::precision(&jpeg[..14]), None); // cut inside the header
        assert_eq!(super::precision(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), None);
        assert_eq!(super::precision(&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]), None);
        // a length past the end
    }
}
