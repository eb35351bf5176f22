//! A check dicom-rs's JPEG adapter (baseline, extended, lossless: jpeg-decoder) does not
//! make, done before it runs: it copies each decoded frame into a buffer sized from Rows,
//! Columns, Samples per Pixel and Bits Allocated, unchecked, so a JPEG frame larger than
//! those declare panics (found by fuzzing; in the component a panic is a trap). Every place
//! a frame can start (an SOI marker: it cannot occur inside entropy-coded data, where 0xFF
//! is stuffed) whose header jpeg-decoder itself reads must decode to at most one frame's
//! bytes.

use crate::attrs::int;
use crate::{Code, Failure};
use dicom_core::value::Value;
use dicom_dictionary_std::tags;
use dicom_object::DefaultDicomObject;

/// The transfer syntaxes dicom-rs decodes with jpeg-decoder.
pub const SYNTAXES: [&str; 4] =
    ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"];

pub fn check_frames(obj: &DefaultDicomObject, name: &str) -> Result<(), Failure> {
    let Some(Value::PixelSequence(seq)) = obj.get(tags::PIXEL_DATA).map(|e| e.value()) else { return Ok(()) };
    let bytes = match int(obj, tags::BITS_ALLOCATED) {
        Some(8) => 1,
        Some(16) => 2,
        _ => return Ok(()), // dicom-rs refuses other depths itself
    };
    let frame = int(obj, tags::ROWS).unwrap_or(0) as usize
        * int(obj, tags::COLUMNS).unwrap_or(0) as usize
        * int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(0) as usize
        * bytes;
    // The adapter decodes from the fragments joined, as here.
    let data: Vec<u8> = seq.fragments().iter().flatten().copied().collect();
    for at in data.windows(2).enumerate().filter(|(_, w)| w == &[0xFF, 0xD8]).map(|(i, _)| i) {
        let mut decoder = jpeg_decoder::Decoder::new(&data[at..]);
        if decoder.read_info().is_err() {
            continue; // the adapter's decode fails there too
        }
        let Some(info) = decoder.info() else { continue };
        let decoded = info.width as usize * info.height as usize * info.pixel_format.pixel_bytes();
        if decoded > frame {
            return Err(Failure::new(
                Code::InvalidData,
                format!(
                    "{name}: a JPEG frame of {}x{} ({:?}) is larger than the {frame} bytes Rows, Columns, \
                     Samples per Pixel and Bits Allocated give a frame",
                    info.width, info.height, info.pixel_format
                ),
            ));
        }
    }
    Ok(())
}
