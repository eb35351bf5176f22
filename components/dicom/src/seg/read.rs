//! read-segmentation and read-overlapping-segmentation: the frames of a SEG placed on the
//! slice grid their positions span (as dcmqi does: the volume covers the frames the SEG
//! holds, not the whole referenced series), segments grouped into components.

use super::*;
use crate::attrs::{cross, dot, floats, group_floats, int, item, text, three};
use crate::open::parse;
use crate::pixels::Samples;
use crate::{Code, Failure};
use dicom_core::value::Value as DicomValue;
use dicom_core::VR;
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;
use serde_json::{json, Map, Value};
use witk_guest::{Geometry, Pixel, Pixels};

/// What a SEG's pixel values mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One bit per pixel: in the frame's segment or not.
    Binary,
    /// The fraction (0..=max) of the pixel in the frame's segment.
    Fractional { max: u32 },
    /// The pixel's segment number (0: none); no per-frame segment.
    LabelMap,
}

/// How to lay the segments out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One scalar label image; overlapping segments are an error.
    Labels,
    /// One component per segment.
    PerSegment,
    /// As few components as hold the segments without overlap (first fit, as dcmqi).
    Merged,
}

/// A segmentation read from a SEG.
pub struct Segmentation {
    pub geometry: Geometry,
    pub pixels: Pixels,
    /// 1 for `Layout::Labels`, else the number of components.
    pub components: usize,
    pub pixel: Pixel,
    /// dcmqi's metadata JSON: series fields and `segmentAttributes`, one list per component.
    pub meta_info: String,
}

/// The stored values of every frame, read one frame at a time.
enum Frames {
    /// Native 1-bit data: frames packed back to back, least significant bit first
    /// (byte pairs swapped when explicit VR big endian stored them as OW words).
    Bits {
        bytes: Vec<u8>,
        swap: bool,
    },
    Decoded(Samples),
}

impl Frames {
    /// Frame `f`'s `len` stored values into `out`.
    fn frame(&self, f: usize, len: usize, out: &mut Vec<u32>) -> Result<(), Failure> {
        out.clear();
        let missing =
            || Failure::new(Code::InvalidData, format!("SEG: frame {} is missing from the pixel data", f + 1));
        match self {
            Frames::Bits { bytes, swap } => {
                let start = f * len;
                if (start + len).div_ceil(8) > bytes.len() {
                    return Err(missing());
                }
                out.extend((start..start + len).map(|g| {
                    let byte = if *swap { (g / 8) ^ 1 } else { g / 8 };
                    (bytes.get(byte).copied().unwrap_or(0) >> (g % 8) & 1) as u32
                }));
            }
            Frames::Decoded(s) => s.each(f, len, |v| out.push(v.max(0) as u32)).ok_or_else(missing)?,
        }
        Ok(())
    }
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::new(Code::InvalidData, format!("SEG: {}", message.into()))
}

/// One code item as dcmqi writes it.
fn code_json(item: &InMemDicomObject) -> Value {
    let mut m = Map::new();
    for (name, tag) in CODE_FIELDS {
        m.insert(name.into(), Value::String(text(item, tag).unwrap_or_default()));
    }
    Value::Object(m)
}

/// A segment's dcmqi attributes.
fn segment_json(seg: &InMemDicomObject, number: u32) -> Value {
    let mut m = Map::new();
    m.insert("labelID".into(), json!(number));
    for (name, tag) in SEGMENT_TEXT {
        m.insert(name.into(), Value::String(text(seg, tag).unwrap_or_default()));
    }
    for (name, tag) in SEGMENT_OPTIONAL_TEXT {
        if let Some(v) = text(seg, tag) {
            m.insert(name.into(), Value::String(v));
        }
    }
    for (name, tag) in SEGMENT_CODES {
        if let Some(code) = item(seg, tag) {
            m.insert(name.into(), code_json(code));
        }
    }
    let lab = seg
        .get(RECOMMENDED_DISPLAY_CIELAB)
        .and_then(|e| e.to_multi_int::<u16>().ok())
        .filter(|v| v.len() == 3)
        .map(|v| [v[0], v[1], v[2]])
        .unwrap_or(DEFAULT_CIELAB);
    m.insert("recommendedDisplayRGBValue".into(), json!(cielab_to_rgb(lab)));
    Value::Object(m)
}

/// The segmentation in the SEG file `bytes` (named `name` in errors).
pub fn read_segmentation(bytes: &[u8], name: &str, layout: Layout) -> Result<Segmentation, Failure> {
    let file = parse(bytes, name, None)?.file;
    let obj: &InMemDicomObject = &file;
    let class = text(obj, tags::SOP_CLASS_UID).unwrap_or_default();
    let modality = text(obj, tags::MODALITY).unwrap_or_default();
    if class != SEG_STORAGE && class != LABEL_MAP_SEG_STORAGE && modality != "SEG" {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("{name}: not a DICOM Segmentation (SOP class {class}, modality {modality})"),
        ));
    }
    let kind = match text(obj, SEGMENTATION_TYPE).as_deref() {
        Some("BINARY") | None => Kind::Binary,
        Some("FRACTIONAL") => {
            Kind::Fractional { max: int(obj, MAXIMUM_FRACTIONAL_VALUE).filter(|m| *m > 0).unwrap_or(255) as u32 }
        }
        Some("LABELMAP") => Kind::LabelMap,
        Some(other) => return Err(Failure::new(Code::Unsupported, format!("{name}: Segmentation Type {other}"))),
    };
    let rows = int(obj, tags::ROWS).filter(|r| *r > 0).ok_or_else(|| invalid("no Rows"))? as usize;
    let cols = int(obj, tags::COLUMNS).filter(|c| *c > 0).ok_or_else(|| invalid("no Columns"))? as usize;
    let frames = int(obj, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1) as usize;
    let plane = rows * cols;
    let bits = int(obj, tags::BITS_ALLOCATED).unwrap_or(1);
    // Each frame needs at least one bit per pixel: counts the data cannot hold are lies.
    let data_len = match obj.get(tags::PIXEL_DATA).map(|e| e.value()) {
        Some(DicomValue::PixelSequence(seq)) => seq.fragments().iter().map(|f| f.len()).sum(),
        Some(v) => v.to_bytes().map_or(0, |b| b.len()),
        None => 0,
    };
    if data_len == 0 {
        return Err(invalid("no Pixel Data"));
    }
    let ts = file.meta().transfer_syntax().trim_end_matches('\0').to_string();
    let native = obj.get(tags::PIXEL_DATA).is_some_and(|e| !matches!(e.value(), DicomValue::PixelSequence(_)));
    if native && (frames as u128 * plane as u128).div_ceil(8) > data_len as u128 {
        return Err(invalid(format!(
            "{frames} frames of {rows}x{cols} need more than the {data_len} bytes of pixel data"
        )));
    }
    // Items past Number of Frames (files cut down to fewer frames keep them) are unused.
    let per_frame: Vec<&InMemDicomObject> = obj
        .get(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE)
        .and_then(|e| e.items())
        .map(|i| i.iter().take(frames).collect())
        .unwrap_or_default();
    if per_frame.len() < frames {
        return Err(invalid(format!(
            "{frames} frames but {} items in the Per-frame Functional Groups Sequence",
            per_frame.len()
        )));
    }
    let first = per_frame.first().copied();
    let orientation = group_floats(obj, first, tags::PLANE_ORIENTATION_SEQUENCE, tags::IMAGE_ORIENTATION_PATIENT)
        .or_else(|| floats(obj, tags::IMAGE_ORIENTATION_PATIENT))
        .unwrap_or_else(|| vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    if orientation.len() != 6 || orientation.iter().any(|v| !v.is_finite()) {
        return Err(invalid("Image Orientation (Patient) needs 6 numbers"));
    }
    let measure = |tag| group_floats(obj, first, tags::PIXEL_MEASURES_SEQUENCE, tag);
    let pixel_spacing = measure(tags::PIXEL_SPACING).unwrap_or_else(|| vec![1.0, 1.0]);
    if pixel_spacing.len() != 2 || pixel_spacing.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return Err(invalid("Pixel Spacing needs 2 positive numbers"));
    }
    let (row, col) = (three(&orientation[..3]), three(&orientation[3..]));
    let normal = cross(row, col);
    // Each frame: its position and its segment.
    let mut placed = Vec::with_capacity(frames);
    for (f, item_f) in per_frame.iter().enumerate() {
        let position = item(item_f, tags::PLANE_POSITION_SEQUENCE)
            .and_then(|p| floats(p, tags::IMAGE_POSITION_PATIENT))
            .filter(|p| p.len() == 3 && p.iter().all(|v| v.is_finite()))
            .ok_or_else(|| invalid(format!("frame {} has no Image Position (Patient)", f + 1)))?;
        let segment = match kind {
            Kind::LabelMap => 0,
            _ => item(item_f, SEGMENT_IDENTIFICATION_SEQUENCE)
                .or_else(|| {
                    item(obj, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE)
                        .and_then(|s| item(s, SEGMENT_IDENTIFICATION_SEQUENCE))
                })
                .and_then(|s| int(s, REFERENCED_SEGMENT_NUMBER))
                .ok_or_else(|| invalid(format!("frame {} names no segment", f + 1)))? as u32,
        };
        placed.push((three(&position), segment));
    }
    // The slice grid: the frames' distances along the normal, stepped by Spacing Between
    // Slices (else the smallest gap between distinct distances).
    let at: Vec<f64> = placed.iter().map(|(p, _)| dot(*p, normal)).collect();
    let mut distinct = at.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup_by(|a, b| (*a - *b).abs() < 1e-3);
    let step = measure(tags::SPACING_BETWEEN_SLICES)
        .and_then(|v| v.first().copied())
        .filter(|s| s.is_finite() && *s > 0.0)
        .or_else(|| distinct.windows(2).map(|w| w[1] - w[0]).min_by(f64::total_cmp))
        .or_else(|| measure(tags::SLICE_THICKNESS).and_then(|v| v.first().copied()).filter(|s| *s > 0.0))
        .unwrap_or(1.0);
    let low = distinct[0];
    let mut slice_of = Vec::with_capacity(frames);
    for (f, d) in at.iter().enumerate() {
        let k = (d - low) / step;
        if (k - k.round()).abs() > 0.01 {
            return Err(invalid(format!(
                "frame {} lies between slices ({k:.3} steps of {step} from the first): not a regular grid",
                f + 1
            )));
        }
        slice_of.push(k.round() as usize);
    }
    let depth = slice_of.iter().max().map_or(1, |m| m + 1);
    let voxels = depth.checked_mul(plane).filter(|v| *v <= 1 << 31).ok_or_else(|| {
        Failure::new(Code::LimitExceeded, format!("SEG: {depth} slices of {rows}x{cols} is too large a volume"))
    })?;
    let origin_frame = at.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i);
    let origin = placed[origin_frame].0;

    // The segments, by number.
    let mut segments: Vec<(u32, &InMemDicomObject)> = obj
        .get(SEGMENT_SEQUENCE)
        .and_then(|e| e.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| int(s, SEGMENT_NUMBER).map(|n| (n as u32, s)))
        // A label map may describe its background as segment 0: it is no segment.
        .filter(|(n, _)| *n != 0)
        .collect();
    segments.sort_by_key(|s| s.0);
    if segments.is_empty() {
        return Err(invalid("the Segment Sequence is empty"));
    }
    for (_, s) in &placed {
        if kind != Kind::LabelMap && !segments.iter().any(|(n, _)| n == s) {
            return Err(invalid(format!("a frame refers to segment {s}, which the Segment Sequence lacks")));
        }
    }

    let source = if native && bits == 1 {
        let element = obj.get(tags::PIXEL_DATA).expect("checked above");
        let swap = ts == "1.2.840.10008.1.2.2" && element.vr() == VR::OW;
        let bytes = element.to_bytes().map_err(|e| invalid(format!("pixel data: {e}")))?.into_owned();
        Frames::Bits { bytes, swap }
    } else {
        Frames::Decoded(crate::series::decode_samples(&file, name)?)
    };

    // Which stored values put a pixel in its segment, and the value written for it.
    let value_of = |stored: u32, segment: u32, labels: bool| -> Option<u32> {
        match kind {
            Kind::Binary => (stored != 0).then_some(segment),
            // A label image takes a fractional pixel at half or more; components keep the
            // stored fraction, as ITK-Wasm returns it.
            Kind::Fractional { max } if labels => (stored * 2 >= max && stored > 0).then_some(segment),
            Kind::Fractional { .. } => (stored != 0).then_some(stored),
            Kind::LabelMap => (stored == segment).then_some(segment),
        }
    };
    let labels_only = layout == Layout::Labels;
    // The frames of each segment (a label map's frames hold every segment).
    let frames_of = |segment: u32| -> Vec<usize> {
        (0..frames).filter(|&f| kind == Kind::LabelMap || placed[f].1 == segment).collect()
    };
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut buf = Vec::with_capacity(plane);
    let new_volume = || -> Result<Vec<u32>, Failure> {
        let mut v = Vec::new();
        v.try_reserve_exact(voxels)
            .map_err(|_| Failure::new(Code::LimitExceeded, format!("SEG: {voxels} voxels do not fit in memory")))?;
        v.resize(voxels, 0);
        Ok(v)
    };
    for &(number, _) in &segments {
        let own = frames_of(number);
        // First fit: the first component where none of this segment's pixels are taken.
        let fits = |g: &Vec<u32>, buf: &mut Vec<u32>| -> Result<bool, Failure> {
            for &f in &own {
                source.frame(f, plane, buf)?;
                let base = slice_of[f] * plane;
                if buf.iter().enumerate().any(|(i, &s)| value_of(s, number, labels_only).is_some() && g[base + i] != 0)
                {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        let mut target = None;
        if layout != Layout::PerSegment {
            for (gi, g) in groups.iter().enumerate() {
                if fits(g, &mut buf)? {
                    target = Some(gi);
                    break;
                }
            }
        }
        let gi = match target {
            Some(gi) => gi,
            None => {
                if labels_only && !groups.is_empty() {
                    return Err(Failure::new(
                        Code::InvalidArgument,
                        format!(
                            "{name}: segment {number} overlaps segments {:?}: one label image cannot hold them; use read-overlapping-segmentation",
                            members[0]
                        ),
                    ));
                }
                groups.push(new_volume()?);
                members.push(Vec::new());
                groups.len() - 1
            }
        };
        members[gi].push(number);
        for &f in &own {
            source.frame(f, plane, &mut buf)?;
            let base = slice_of[f] * plane;
            let g = &mut groups[gi];
            for (i, &s) in buf.iter().enumerate() {
                if let Some(v) = value_of(s, number, labels_only) {
                    g[base + i] = v;
                }
            }
        }
    }
    // Interleave the components into the smallest signed type ITK-Wasm's int16 allows.
    let components = groups.len();
    let max = groups.iter().flat_map(|g| g.iter()).copied().max().unwrap_or(0);
    let interleave = |put: &mut dyn FnMut(u32)| {
        for v in 0..voxels {
            for g in &groups {
                put(g[v]);
            }
        }
    };
    let pixels = if max <= i16::MAX as u32 {
        let mut out = Vec::with_capacity(voxels * components);
        interleave(&mut |x| out.push(x as i16));
        Pixels::I16(out)
    } else {
        let mut out = Vec::with_capacity(voxels * components);
        interleave(&mut |x| out.push(x as i32));
        Pixels::I32(out)
    };

    let mut meta = Map::new();
    for (field, tag) in SERIES_FIELDS {
        meta.insert(field.into(), Value::String(text(obj, tag).unwrap_or_default()));
    }
    let by_number = |n: u32| segments.iter().find(|(m, _)| *m == n).map(|(_, s)| *s).expect("listed above");
    let attributes: Vec<Value> =
        members.iter().map(|m| Value::Array(m.iter().map(|&n| segment_json(by_number(n), n)).collect())).collect();
    meta.insert("segmentAttributes".into(), Value::Array(attributes));

    // Always 3-D, as ITK-Wasm returns a SEG (one frame is one slice).
    let size = vec![cols as u64, rows as u64, depth as u64];
    let geometry = Geometry {
        origin: origin.to_vec(),
        spacing: vec![pixel_spacing[1], pixel_spacing[0], step],
        direction: vec![row[0], col[0], normal[0], row[1], col[1], normal[1], row[2], col[2], normal[2]],
        size,
    };
    Ok(Segmentation {
        geometry,
        pixels,
        components: if labels_only { 1 } else { components },
        pixel: if labels_only { Pixel::Scalar } else { Pixel::VariableLengthVector },
        meta_info: Value::Object(meta).to_string(),
    })
}
