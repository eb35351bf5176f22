//! A check dicom-rs's JPEG 2000 adapter (openjp2) does not make, done before it runs: it
//! writes each decoded component's samples into a frame sized from Rows, Columns, Samples
//! per Pixel and Bits Allocated, unchecked, so a codestream larger than those declare, or
//! with more components, panics (found by fuzzing; in the component a panic is a trap).
//! Every codestream header in the pixel data (SOC then SIZ: FF4F FF51, bare or inside a
//! JP2 box) must fit the frame.

use crate::attrs::int;
use crate::{Code, Failure};
use dicom_core::value::Value;
use dicom_dictionary_std::tags;
use dicom_object::DefaultDicomObject;

/// The transfer syntaxes dicom-rs decodes with openjp2 (JPEG 2000 and HTJ2K).
pub const SYNTAXES: [&str; 5] = [
    "1.2.840.10008.1.2.4.90",
    "1.2.840.10008.1.2.4.91",
    "1.2.840.10008.1.2.4.201",
    "1.2.840.10008.1.2.4.202",
    "1.2.840.10008.1.2.4.203",
];

fn be32(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 4).map(|v| u64::from(u32::from_be_bytes([v[0], v[1], v[2], v[3]])))
}

pub fn check_frames(obj: &DefaultDicomObject, name: &str) -> Result<(), Failure> {
    let Some(Value::PixelSequence(seq)) = obj.get(tags::PIXEL_DATA).map(|e| e.value()) else { return Ok(()) };
    let plane = int(obj, tags::ROWS).unwrap_or(0) as u64 * int(obj, tags::COLUMNS).unwrap_or(0) as u64;
    let samples = int(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(0) as u64;
    let bad = |m: String| Failure::new(Code::InvalidData, format!("{name}: JPEG 2000: {m}"));
    for f in seq.fragments() {
        for at in f.windows(4).enumerate().filter(|(_, w)| w == &[0xFF, 0x4F, 0xFF, 0x51]).map(|(i, _)| i) {
            // SIZ after its marker: Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, 4 tile fields, Csiz,
            // then Ssiz, XRsiz, YRsiz per component.
            let siz = at + 4;
            let (Some(x), Some(y), Some(x0), Some(y0)) =
                (be32(f, siz + 4), be32(f, siz + 8), be32(f, siz + 12), be32(f, siz + 16))
            else {
                continue; // a header cut short: openjp2 fails there too
            };
            let Some(c) = f.get(siz + 36..siz + 38).map(|v| u64::from(u16::from_be_bytes([v[0], v[1]]))) else {
                continue;
            };
            if c > samples {
                return Err(bad(format!("{c} components; Samples per Pixel is {samples}")));
            }
            for k in 0..c as usize {
                let Some(r) = f.get(siz + 38 + 3 * k + 1..siz + 38 + 3 * k + 3) else { break };
                let (dx, dy) = (u64::from(r[0].max(1)), u64::from(r[1].max(1)));
                let count =
                    (x.div_ceil(dx).saturating_sub(x0.div_ceil(dx))) * (y.div_ceil(dy).saturating_sub(y0.div_ceil(dy)));
                if count > plane {
                    return Err(bad(format!(
                        "component {k} holds {count} samples, more than Rows x Columns ({plane})"
                    )));
                }
            }
        }
    }
    Ok(())
}
