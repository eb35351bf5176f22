//! read-image-dicom-file-series: files grouped by series, slices sorted along the normal,
//! ITK's geometry, pixels decoded by dicom-pixeldata and rescaled with GDCM's type rule.

use crate::attrs::{cross, dot, floats, group_floats, int, text, three};
use crate::open::parse;
use crate::pixels::{self, Samples};
use crate::{Code, Failure};
use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, InMemDicomObject};
use dicom_pixeldata::PixelDecoder;
use witk_guest::{Ctype, Geometry, Pixel, Pixels};

/// A volume read from a series.
#[derive(Debug)]
pub struct Volume {
    pub geometry: Geometry,
    pub ctype: Ctype,
    pub pixel: Pixel,
    pub components: usize,
    pub pixels: Pixels,
    /// The files read, in slice order (a multi-frame file once).
    pub sorted: Vec<String>,
}

/// The format every slice of a series must share.
#[derive(Debug, Clone, PartialEq)]
struct Format {
    rows: u32,
    columns: u32,
    samples: u16,
    bits_allocated: u16,
    bits_stored: u16,
    signed: bool,
}

/// One slice (a single-frame file, or one frame of a multi-frame file).
struct Slice {
    file: usize,
    frame: u32,
    position: [f64; 3],
    rescale: (f64, f64),
    instance: i64,
}

/// One parsed file with what the geometry needs.
struct File {
    name: String,
    /// Its index among the inputs.
    input: usize,
    obj: DefaultDicomObject,
    series: String,
    orientation: [f64; 6],
    spacing: [f64; 2],
    format: Format,
}

const TOLERANCE: f64 = 1e-3;

/// The file's header (everything before Pixel Data, so `bytes` may be cut anywhere after
/// that): the pixels are parsed and decoded only when the volume is filled.
fn open(name: &str, bytes: &[u8]) -> Result<File, Failure> {
    let obj = parse(bytes, name, Some(tags::PIXEL_DATA))?.file;
    let what = |m: &str| Failure::new(Code::InvalidData, format!("{name}: {m}"));
    let per_frame = obj.get(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE).and_then(|e| e.items()).and_then(|i| i.first());
    let orientation = floats(&obj, tags::IMAGE_ORIENTATION_PATIENT)
        .or_else(|| group_floats(&obj, per_frame, tags::PLANE_ORIENTATION_SEQUENCE, tags::IMAGE_ORIENTATION_PATIENT))
        .unwrap_or_else(|| vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    if orientation.len() != 6 || orientation.iter().any(|v| !v.is_finite()) {
        return Err(what("Image Orientation (Patient) needs 6 numbers"));
    }
    let spacing = floats(&obj, tags::PIXEL_SPACING)
        .or_else(|| group_floats(&obj, per_frame, tags::PIXEL_MEASURES_SEQUENCE, tags::PIXEL_SPACING))
        .or_else(|| floats(&obj, tags::IMAGER_PIXEL_SPACING))
        .unwrap_or_else(|| vec![1.0, 1.0]);
    if spacing.len() != 2 || spacing.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return Err(what("Pixel Spacing needs 2 positive numbers"));
    }
    let need = |tag: Tag, name: &str| int(&obj, tag).ok_or_else(|| what(&format!("no {name} (it has no image)")));
    let format = Format {
        rows: need(tags::ROWS, "Rows")? as u32,
        columns: need(tags::COLUMNS, "Columns")? as u32,
        samples: int(&obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1) as u16,
        bits_allocated: need(tags::BITS_ALLOCATED, "Bits Allocated")? as u16,
        bits_stored: int(&obj, tags::BITS_STORED).or(int(&obj, tags::BITS_ALLOCATED)).unwrap_or(0) as u16,
        signed: int(&obj, tags::PIXEL_REPRESENTATION) == Some(1),
    };
    let series = text(&obj, tags::SERIES_INSTANCE_UID).unwrap_or_default();
    let mut o = [0.0; 6];
    o.copy_from_slice(&orientation);
    Ok(File {
        name: name.to_string(),
        input: 0,
        obj,
        series,
        orientation: o,
        spacing: [spacing[0], spacing[1]],
        format,
    })
}

/// The slices of `f` (index `file`): its frames with their positions and rescale.
fn slices(f: &File, file: usize, normal: [f64; 3]) -> Result<Vec<Slice>, Failure> {
    let obj: &InMemDicomObject = &f.obj;
    let frames = int(obj, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1);
    if frames > 1 << 20 {
        return Err(Failure::new(
            Code::InvalidData,
            format!("{}: {frames} frames is not a plausible Number of Frames", f.name),
        ));
    }
    let per_frame: Vec<&InMemDicomObject> = obj
        .get(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE)
        .and_then(|e| e.items())
        .map(|i| i.iter().collect())
        .unwrap_or_default();
    let instance = int(obj, tags::INSTANCE_NUMBER).unwrap_or(0);
    let rescale_of = |frame: Option<&InMemDicomObject>| {
        let slope = floats(obj, tags::RESCALE_SLOPE)
            .or_else(|| group_floats(obj, frame, tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE, tags::RESCALE_SLOPE))
            .and_then(|v| v.first().copied())
            .unwrap_or(1.0);
        let intercept = floats(obj, tags::RESCALE_INTERCEPT)
            .or_else(|| group_floats(obj, frame, tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE, tags::RESCALE_INTERCEPT))
            .and_then(|v| v.first().copied())
            .unwrap_or(0.0);
        (slope, intercept)
    };
    let first = floats(obj, tags::IMAGE_POSITION_PATIENT)
        .or_else(|| {
            group_floats(obj, per_frame.first().copied(), tags::PLANE_POSITION_SEQUENCE, tags::IMAGE_POSITION_PATIENT)
        })
        .filter(|p| p.len() == 3)
        .unwrap_or_else(|| vec![0.0; 3]);
    // Frames without their own positions are stacked along the normal.
    let step = floats(obj, tags::SPACING_BETWEEN_SLICES)
        .or_else(|| floats(obj, tags::SLICE_THICKNESS))
        .and_then(|v| v.first().copied())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0);
    // RT Dose stacks its frames at the offsets of Grid Frame Offset Vector.
    let offsets = floats(obj, tags::GRID_FRAME_OFFSET_VECTOR).filter(|o| o.len() == frames as usize);
    let mut out = Vec::with_capacity(frames as usize);
    for k in 0..frames as u32 {
        let item = per_frame.get(k as usize).copied();
        let own = item
            .and_then(|i| crate::attrs::item(i, tags::PLANE_POSITION_SEQUENCE))
            .and_then(|p| floats(p, tags::IMAGE_POSITION_PATIENT));
        let position = match own.filter(|p| p.len() == 3) {
            Some(p) => three(&p),
            None => {
                let t = offsets.as_ref().map_or(k as f64 * step, |o| o[k as usize]);
                [first[0] + t * normal[0], first[1] + t * normal[1], first[2] + t * normal[2]]
            }
        };
        out.push(Slice { file, frame: k, position, rescale: rescale_of(item), instance });
    }
    Ok(out)
}

/// Whether `bytes` hold the Pixel Data element's tag (little or big endian): a file's
/// beginning given for its header must reach it.
pub fn reaches_pixel_data(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == [0xE0, 0x7F, 0x10, 0x00] || w == [0x7F, 0xE0, 0x00, 0x10])
}

/// How a series is read: its files' headers, the slices in order and the volume's
/// geometry and type; no pixel data is needed for it.
pub struct Plan {
    files: Vec<File>,
    slices: Vec<Slice>,
    pub geometry: Geometry,
    pub ctype: Ctype,
    pub pixel: Pixel,
    pub components: usize,
    /// The files read, in slice order (a multi-frame file once).
    pub sorted: Vec<String>,
    frame_values: usize,
}

/// The plan for the files `headers` (name, bytes: whole files, or their beginnings up to
/// Pixel Data).
pub fn plan_series(headers: &[(String, &[u8])], single_sorted: bool) -> Result<Plan, Failure> {
    if headers.is_empty() {
        return Err(Failure::new(Code::InvalidArgument, "input-images is empty: give at least one DICOM file"));
    }
    let mut parsed = Vec::with_capacity(headers.len());
    for (input, (name, bytes)) in headers.iter().enumerate() {
        parsed.push(File { input, ..open(name, bytes)? });
    }
    // The largest series, ties to the smallest UID; the others are left out.
    if !single_sorted {
        let mut uids: Vec<&str> = parsed.iter().map(|f| f.series.as_str()).collect();
        uids.sort_unstable();
        uids.dedup();
        let count = |u: &str| parsed.iter().filter(|f| f.series == u).count();
        let pick = uids.iter().copied().max_by(|a, b| count(a).cmp(&count(b)).then(b.cmp(a))).unwrap_or("").to_string();
        parsed.retain(|f| f.series == pick);
    }
    let first = &parsed[0];
    let row = three(&first.orientation[..3]);
    let col = three(&first.orientation[3..]);
    let normal = cross(row, col);
    for f in &parsed[1..] {
        if f.format != first.format {
            return Err(Failure::new(
                Code::InvalidData,
                format!(
                    "{} is {:?} but {} is {:?}: a series needs slices of one size and pixel format",
                    f.name, f.format, first.name, first.format
                ),
            ));
        }
        if f.orientation.iter().zip(&first.orientation).any(|(a, b)| (a - b).abs() > TOLERANCE) {
            return Err(Failure::new(
                Code::InvalidData,
                format!("{} and {} have different orientations", f.name, first.name),
            ));
        }
    }
    let mut all = Vec::new();
    for (i, f) in parsed.iter().enumerate() {
        all.extend(slices(f, i, normal)?);
    }
    if !single_sorted {
        all.sort_by(|a, b| {
            dot(a.position, normal)
                .total_cmp(&dot(b.position, normal))
                .then(a.instance.cmp(&b.instance))
                .then(a.frame.cmp(&b.frame))
        });
    }
    let spacing_z = slice_spacing(&all, normal, &parsed)?;
    let fmt = first.format.clone();
    // Always 3-D, a single slice too (one deep), as ITK's GDCM reader and ITK-Wasm give it.
    // Columns of the direction matrix: the row direction, the column direction, the normal.
    let geometry = Geometry {
        origin: all[0].position.to_vec(),
        spacing: vec![first.spacing[1], first.spacing[0], spacing_z],
        direction: vec![row[0], col[0], normal[0], row[1], col[1], normal[1], row[2], col[2], normal[2]],
        size: vec![fmt.columns as u64, fmt.rows as u64, all.len() as u64],
    };
    let ctype = pixels::output_type(&fmt_samples(&fmt), all.iter().map(|s| s.rescale));
    let mut sorted: Vec<String> = Vec::new();
    for s in &all {
        let name = &parsed[s.file].name;
        if sorted.last() != Some(name) {
            sorted.push(name.clone());
        }
    }
    let pixel = match fmt.samples {
        3 => Pixel::Rgb,
        1 => Pixel::Scalar,
        _ => Pixel::VariableLengthVector,
    };
    Ok(Plan {
        geometry,
        ctype,
        pixel,
        components: fmt.samples as usize,
        sorted,
        frame_values: fmt.rows as usize * fmt.columns as usize * fmt.samples as usize,
        files: parsed,
        slices: all,
    })
}

pub fn read_series(files: Vec<(String, Vec<u8>)>, single_sorted: bool) -> Result<Volume, Failure> {
    let headers: Vec<(String, &[u8])> = files.iter().map(|(n, b)| (n.clone(), b.as_slice())).collect();
    let plan = plan_series(&headers, single_sorted)?;
    drop(headers);
    let Plan { files: parsed, slices: all, geometry, ctype, pixel, components, sorted, frame_values } = plan;
    let mut bytes: Vec<Option<Vec<u8>>> = files.into_iter().map(|(_, data)| Some(data)).collect();
    let mut out = pixels::Output::new(ctype, frame_values * all.len())?;
    // Each file is parsed with its pixels and decoded when its first slice is needed, and
    // dropped (its input bytes too) after its last: memory stays near the volume plus one
    // file beyond the inputs not yet read.
    let mut last = vec![0; parsed.len()];
    for (i, s) in all.iter().enumerate() {
        last[s.file] = i;
    }
    let mut decoded: Vec<Option<Samples>> = (0..parsed.len()).map(|_| None).collect();
    for (i, s) in all.iter().enumerate() {
        let f = &parsed[s.file];
        if decoded[s.file].is_none() {
            let data = bytes[f.input].take().ok_or_else(|| Failure::new(Code::Internal, "a file decoded twice"))?;
            let full = parse(&data, &f.name, None)?.file;
            drop(data);
            decoded[s.file] = Some(decode_samples(&full, &f.name)?);
        }
        let samples = decoded[s.file].as_ref().expect("decoded above");
        out.push_frame(samples, s.frame as usize, frame_values, s.rescale)?;
        if last[s.file] == i {
            decoded[s.file] = None;
        }
    }
    Ok(Volume { geometry, ctype, pixel, components, pixels: out.finish(), sorted })
}

fn fmt_samples(f: &Format) -> pixels::Stored {
    pixels::Stored { bits_allocated: f.bits_allocated, bits_stored: f.bits_stored, signed: f.signed }
}

/// The distance between slices along the normal; all gaps must agree.
fn slice_spacing(all: &[Slice], normal: [f64; 3], files: &[File]) -> Result<f64, Failure> {
    if all.len() < 2 {
        // GDCM's rule for one slice: Spacing Between Slices, else 1 (not Slice Thickness).
        let f: &InMemDicomObject = &files[0].obj;
        return Ok(floats(f, tags::SPACING_BETWEEN_SLICES)
            .and_then(|v| v.first().copied())
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(1.0));
    }
    let at: Vec<f64> = all.iter().map(|s| dot(s.position, normal)).collect();
    let gaps: Vec<f64> = at.windows(2).map(|w| w[1] - w[0]).collect();
    let first = gaps[0];
    for (i, g) in gaps.iter().enumerate() {
        let name = |k: usize| &files[all[k].file].name;
        if g.abs() < 1e-6 {
            return Err(Failure::new(
                Code::InvalidData,
                format!("{} and {} are at the same position along the slice normal", name(i), name(i + 1)),
            ));
        }
        if (g - first).abs() > TOLERANCE * first.abs().max(1.0) {
            return Err(Failure::new(
                Code::InvalidData,
                format!(
                    "slices are not equally spaced: {} to {} is {g:.4} but the first gap is {first:.4}; read the parts separately",
                    name(i),
                    name(i + 1)
                ),
            ));
        }
    }
    Ok((at[at.len() - 1] - at[0]).abs() / (at.len() - 1) as f64)
}

/// Every frame's samples of `obj` (named `name` in errors), decoded, RGB interleaved; a
/// transfer syntax without a decoder here is `unsupported`, naming its UID.
pub fn decode_samples(obj: &DefaultDicomObject, name: &str) -> Result<Samples, Failure> {
    let ts = obj.meta().transfer_syntax().trim_end_matches('\0').to_string();
    if ts == crate::jpegls::LOSSLESS || ts == crate::jpegls::NEAR_LOSSLESS {
        return crate::jpegls::decode(obj, name);
    }
    if crate::rle::handles(obj, &ts) {
        return crate::rle::decode(obj, name);
    }
    if crate::jpeg12::handles(obj, &ts) {
        return crate::jpeg12::decode(obj, name);
    }
    if ts == crate::rle::RLE_LOSSLESS {
        crate::rle::check_segments(obj, name)?;
    }
    if crate::jpeg::SYNTAXES.contains(&ts.as_str()) {
        crate::jpeg::check_frames(obj, name)?;
    }
    if crate::jpeg2k::SYNTAXES.contains(&ts.as_str()) {
        crate::jpeg2k::check_frames(obj, name)?;
    }
    let px = obj.decode_pixel_data().map_err(|e| {
        // The whole chain: the codec's own words (an unsupported JPEG precision) are at the end.
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg = format!("{msg}: {s}");
            source = s.source();
        }
        if ["nsupported", "not supported", "nknown transfer syntax", "no decoder"].iter().any(|m| msg.contains(m)) {
            Failure::new(Code::Unsupported, format!("{name}: transfer syntax {ts} cannot be decoded here: {msg}"))
        } else {
            Failure::new(Code::InvalidData, format!("{name}: its pixel data cannot be decoded: {msg}"))
        }
    })?;
    // Explicit VR big endian pixel data is read as 16-bit words: 32-bit samples come out
    // with their halves swapped.
    let big_endian = ts == "1.2.840.10008.1.2.2";
    pixels::samples(px, name, big_endian)
}
