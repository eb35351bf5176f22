//! write-segmentation: a label image and dcmqi's metadata JSON to a binary DICOM SEG
//! (explicit VR little endian) that references the series the image was segmented from.
//!
//! A component has no clock and no random source, so the new UIDs are derived from the
//! content (2.25 UIDs from a 128-bit hash of the frames, the metadata and the referenced
//! instances) and Content Date/Time come from the metadata (`ContentDate`, `ContentTime`)
//! or else from the referenced series.

use super::*;
use crate::attrs::{cross, dot, floats, text, three};
use crate::open::parse;
use crate::{Code, Failure};
use dicom_core::value::{DataSetSequence, PrimitiveValue};
use dicom_core::{DataElement, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use serde_json::Value;
use witk_guest::{with_pixels, Pixels};

/// A label image to encode: ITK geometry (3-D; 2-D is one slice), scalar or with one
/// label map per component.
pub struct LabelImage {
    pub origin: Vec<f64>,
    pub spacing: Vec<f64>,
    pub direction: Vec<f64>,
    pub size: Vec<u64>,
    pub components: usize,
    pub pixels: Pixels,
}

/// What the SEG needs of each referenced image.
struct Reference {
    class: String,
    instance: String,
    position: Option<[f64; 3]>,
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::new(Code::InvalidArgument, format!("write-segmentation: {}", message.into()))
}

type Obj = InMemDicomObject;

fn put(o: &mut Obj, tag: Tag, vr: VR, v: impl Into<PrimitiveValue>) {
    o.put(DataElement::new(tag, vr, v.into()));
}

fn put_strs(o: &mut Obj, tag: Tag, vr: VR, values: &[String]) {
    o.put(DataElement::new(tag, vr, PrimitiveValue::Strs(values.iter().cloned().collect())));
}

fn put_seq(o: &mut Obj, tag: Tag, items: Vec<Obj>) {
    o.put(DataElement::new(tag, VR::SQ, DataSetSequence::from(items)));
}

/// A decimal string DICOM accepts (16 characters at most).
fn ds(v: f64) -> String {
    let s = format!("{v}");
    if s.len() <= 16 {
        return s;
    }
    let e = format!("{v:.9e}");
    let mut digits = 9;
    loop {
        let t = format!("{v:.digits$}");
        if t.len() <= 16 || digits == 0 {
            return if t.len() <= 16 { t } else { e };
        }
        digits -= 1;
    }
}

fn code_item(value: &Value, field: &str) -> Result<Obj, Failure> {
    let mut o = Obj::new_empty();
    for (name, tag) in CODE_FIELDS {
        let v =
            value.get(name).and_then(Value::as_str).ok_or_else(|| invalid(format!("{field} needs a string {name}")))?;
        put(&mut o, tag, if name == "CodeMeaning" { VR::LO } else { VR::SH }, v);
    }
    Ok(o)
}

/// 128 bits of FNV-1a over `parts`, as a 2.25 UID.
fn uid(parts: &[&[u8]]) -> String {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for part in parts {
        for &b in part.iter().chain(&[0xff]) {
            h ^= b as u128;
            h = h.wrapping_mul(0x0000000001000000000000000000013B);
        }
    }
    format!("2.25.{h}")
}

/// The SEG encoding `image` with the segments `meta_info` describes, referencing
/// `references` (name, bytes).
pub fn write_segmentation(
    image: &LabelImage,
    meta_info: &str,
    references: &[(String, Vec<u8>)],
    skip_empty_slices: bool,
    use_label_id_as_segment_number: bool,
) -> Result<Vec<u8>, Failure> {
    let meta: Value = serde_json::from_str(meta_info).map_err(|e| invalid(format!("meta-info is not JSON: {e}")))?;
    // segmentAttributes: dcmqi's list of lists (one per component); a flat list is taken too.
    let groups = meta
        .get("segmentAttributes")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("meta-info needs segmentAttributes, a list of lists of segments (dcmqi's format)"))?;
    let entries: Vec<&Value> =
        groups.iter().flat_map(|g| g.as_array().map(|a| a.iter().collect()).unwrap_or_else(|| vec![g])).collect();
    if entries.is_empty() {
        return Err(invalid("segmentAttributes lists no segments"));
    }
    let mut labels = Vec::with_capacity(entries.len());
    for e in &entries {
        let id = e
            .get("labelID")
            .and_then(Value::as_u64)
            .filter(|v| (1..=65535).contains(v))
            .ok_or_else(|| invalid(format!("each segment needs a labelID from 1 to 65535: {e}")))?;
        if labels.contains(&id) {
            return Err(invalid(format!("labelID {id} is given twice")));
        }
        labels.push(id);
    }
    let numbers: Vec<u64> = if use_label_id_as_segment_number {
        let mut sorted = labels.clone();
        sorted.sort_unstable();
        if sorted.iter().enumerate().any(|(i, &l)| l != i as u64 + 1) {
            return Err(invalid(format!(
                "use-labelid-as-segmentnumber needs label IDs numbered 1, 2, ... without gaps; they are {sorted:?}"
            )));
        }
        labels.clone()
    } else {
        (1..=labels.len() as u64).collect()
    };

    // The image grid.
    let d = image.size.len();
    if !(2..=3).contains(&d) || image.spacing.len() != d || image.origin.len() != d || image.direction.len() != d * d {
        return Err(invalid(format!("seg-image must be a 2-D or 3-D image with its geometry; it has {d} dimensions")));
    }
    let (cols, rows) = (image.size[0] as usize, image.size[1] as usize);
    let depth = if d == 3 { image.size[2] as usize } else { 1 };
    if rows == 0 || cols == 0 || rows > 65535 || cols > 65535 {
        return Err(invalid(format!("{cols}x{rows} pixels per slice cannot be a DICOM frame")));
    }
    let plane = rows * cols;
    let comps = image.components.max(1);
    if image.pixels.count() != plane * depth * comps {
        return Err(invalid(format!(
            "seg-image holds {} values but {cols}x{rows}x{depth} pixels of {comps} components need {}",
            image.pixels.count(),
            plane * depth * comps
        )));
    }
    let dir = |r: usize, c: usize| if r < d && c < d { image.direction[r * d + c] } else { (r == c) as u8 as f64 };
    let row = [dir(0, 0), dir(1, 0), dir(2, 0)];
    let col = [dir(0, 1), dir(1, 1), dir(2, 1)];
    let normal = if d == 3 { [dir(0, 2), dir(1, 2), dir(2, 2)] } else { cross(row, col) };
    let z_spacing = if d == 3 { image.spacing[2] } else { 1.0 };
    let origin = [image.origin[0], image.origin[1], if d == 3 { image.origin[2] } else { 0.0 }];
    let position = |k: usize| -> [f64; 3] {
        let t = k as f64 * z_spacing;
        [origin[0] + t * normal[0], origin[1] + t * normal[1], origin[2] + t * normal[2]]
    };
    // The labels, once: integers, each one described.
    let index_of = |l: u64| labels.iter().position(|&x| x == l);
    let mut label_index: Vec<u16> = Vec::new();
    label_index
        .try_reserve_exact(image.pixels.count())
        .map_err(|_| Failure::new(Code::LimitExceeded, "write-segmentation: seg-image does not fit in memory"))?;
    with_pixels!(&image.pixels, p => {
        for &x in p.iter() {
            #[allow(clippy::unnecessary_cast)]
            let f = x as f64;
            if f == 0.0 {
                label_index.push(0);
                continue;
            }
            if f.fract() != 0.0 || f < 0.0 {
                return Err(invalid(format!("seg-image holds {f}: labels are positive integers")));
            }
            let i = index_of(f as u64)
                .ok_or_else(|| invalid(format!("seg-image has label {f}, which segmentAttributes does not describe")))?;
            label_index.push(i as u16 + 1);
        }
    });

    // The referenced series.
    if references.is_empty() {
        return Err(invalid("ref-dicom-series is empty: a SEG references the images it segments"));
    }
    let mut refs = Vec::with_capacity(references.len());
    let mut first: Option<Obj> = None;
    for (name, bytes) in references {
        let file = parse(bytes, name, Some(tags::PIXEL_DATA))?.file;
        let o: &Obj = &file;
        refs.push(Reference {
            class: text(o, tags::SOP_CLASS_UID).unwrap_or_default(),
            instance: text(o, tags::SOP_INSTANCE_UID)
                .ok_or_else(|| invalid(format!("{name} has no SOP Instance UID")))?,
            position: floats(o, tags::IMAGE_POSITION_PATIENT).filter(|p| p.len() == 3).map(|p| three(&p)),
        });
        if first.is_none() {
            first = Some(file.into_inner());
        }
    }
    let study = first.expect("one reference at least");
    // The reference image at slice k: nearest in position, within half a slice.
    let reference_at = |k: usize| -> Option<&Reference> {
        let p = position(k);
        refs.iter()
            .filter_map(|r| {
                let q = r.position?;
                let off = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
                Some((dot(off, off).sqrt(), r))
            })
            .filter(|(dist, _)| *dist <= z_spacing.abs() * 0.5 + 1e-3)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, r)| r)
    };

    // Frames: segment by segment, slice by slice, one bit per pixel, packed back to back.
    // One pass over the image fills every segment's slices; empty ones may be skipped.
    let frame_bytes = plane.div_ceil(8);
    let mut slices: Vec<Vec<Option<Vec<u8>>>> = vec![vec![None; depth]; labels.len()];
    for k in 0..depth {
        for i in 0..plane {
            for c in 0..comps {
                let s = label_index[(k * plane + i) * comps + c];
                if s != 0 {
                    let frame = slices[s as usize - 1][k].get_or_insert_with(|| vec![0; frame_bytes]);
                    frame[i / 8] |= 1 << (i % 8);
                }
            }
        }
    }
    drop(label_index);
    let mut bits: Vec<u8> = Vec::new();
    let mut nbits = 0usize;
    let mut frames: Vec<(u64, usize)> = Vec::new();
    let empty = vec![0u8; frame_bytes];
    for (s, per_slice) in slices.iter().enumerate() {
        for (k, frame) in per_slice.iter().enumerate() {
            if skip_empty_slices && frame.is_none() {
                continue;
            }
            let frame = frame.as_deref().unwrap_or(&empty);
            bits.resize((nbits + plane).div_ceil(8), 0);
            for i in 0..plane {
                if frame[i / 8] >> (i % 8) & 1 == 1 {
                    let g = nbits + i;
                    bits[g / 8] |= 1 << (g % 8);
                }
            }
            nbits += plane;
            frames.push((numbers[s], k));
        }
    }
    drop(slices);
    if frames.is_empty() {
        return Err(invalid("every slice is empty: there is nothing to encode (write with skip-empty-slices off)"));
    }
    if bits.len() % 2 == 1 {
        bits.push(0);
    }

    let ref_uids: Vec<u8> = refs.iter().flat_map(|r| r.instance.bytes().chain([0])).collect();
    let series_uid = uid(&[b"series", &bits, meta_info.as_bytes(), &ref_uids]);
    let instance_uid = uid(&[b"instance", &bits, meta_info.as_bytes(), &ref_uids]);
    let dimension_uid = uid(&[b"dimensions", &bits, meta_info.as_bytes(), &ref_uids]);

    let mut o = Obj::new_empty();
    put(&mut o, tags::SPECIFIC_CHARACTER_SET, VR::CS, "ISO_IR 192");
    put_strs(&mut o, tags::IMAGE_TYPE, VR::CS, &["DERIVED".into(), "PRIMARY".into()]);
    put(&mut o, tags::SOP_CLASS_UID, VR::UI, SEG_STORAGE);
    put(&mut o, tags::SOP_INSTANCE_UID, VR::UI, instance_uid.as_str());
    put(&mut o, tags::MODALITY, VR::CS, "SEG");
    // Patient, study and frame of reference: the referenced series'.
    let copied = [
        (tags::PATIENT_NAME, VR::PN),
        (tags::PATIENT_ID, VR::LO),
        (tags::PATIENT_BIRTH_DATE, VR::DA),
        (tags::PATIENT_SEX, VR::CS),
        (tags::STUDY_INSTANCE_UID, VR::UI),
        (tags::STUDY_DATE, VR::DA),
        (tags::STUDY_TIME, VR::TM),
        (tags::REFERRING_PHYSICIAN_NAME, VR::PN),
        (tags::STUDY_ID, VR::SH),
        (tags::ACCESSION_NUMBER, VR::SH),
        (tags::STUDY_DESCRIPTION, VR::LO),
        (tags::FRAME_OF_REFERENCE_UID, VR::UI),
        (tags::POSITION_REFERENCE_INDICATOR, VR::LO),
    ];
    for (tag, vr) in copied {
        put(&mut o, tag, vr, text(&study, tag).unwrap_or_default().as_str());
    }
    if text(&study, tags::FRAME_OF_REFERENCE_UID).unwrap_or_default().is_empty() {
        return Err(invalid("the referenced series has no Frame of Reference UID"));
    }
    let field = |name: &str, default: &str| -> String {
        match meta.get(name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => default.to_string(),
        }
    };
    put(&mut o, tags::SERIES_INSTANCE_UID, VR::UI, series_uid.as_str());
    put(&mut o, tags::SERIES_NUMBER, VR::IS, field("SeriesNumber", "300").as_str());
    put(&mut o, tags::SERIES_DESCRIPTION, VR::LO, field("SeriesDescription", "Segmentation").as_str());
    put(&mut o, tags::INSTANCE_NUMBER, VR::IS, field("InstanceNumber", "1").as_str());
    for key in ["BodyPartExamined", "ClinicalTrialSeriesID", "ClinicalTrialTimePointID"] {
        let value = field(key, "");
        if !value.is_empty() {
            let (_, tag) = SERIES_FIELDS.iter().find(|(n, _)| *n == key).expect("a series field");
            put(&mut o, *tag, if key == "BodyPartExamined" { VR::CS } else { VR::LO }, value.as_str());
        }
    }
    let when = |key: &str, own: Tag, study_tag: Tag| {
        let v = field(key, "");
        if v.is_empty() {
            text(&study, own).or_else(|| text(&study, study_tag)).unwrap_or_default()
        } else {
            v
        }
    };
    put(&mut o, tags::CONTENT_DATE, VR::DA, when("ContentDate", tags::CONTENT_DATE, tags::STUDY_DATE).as_str());
    put(&mut o, tags::CONTENT_TIME, VR::TM, when("ContentTime", tags::CONTENT_TIME, tags::STUDY_TIME).as_str());
    let version = format!("witk-dicom {}", env!("CARGO_PKG_VERSION"));
    put(&mut o, tags::MANUFACTURER, VR::LO, "witk");
    put(&mut o, tags::MANUFACTURER_MODEL_NAME, VR::LO, "witk dicom write-segmentation");
    put(&mut o, tags::DEVICE_SERIAL_NUMBER, VR::LO, "1");
    put(&mut o, tags::SOFTWARE_VERSIONS, VR::LO, version.as_str());
    put(&mut o, tags::CONTENT_LABEL, VR::CS, "SEGMENTATION");
    put(&mut o, tags::CONTENT_DESCRIPTION, VR::LO, field("SeriesDescription", "Segmentation").as_str());
    put(&mut o, tags::CONTENT_CREATOR_NAME, VR::PN, field("ContentCreatorName", "").as_str());
    put(&mut o, SEGMENTATION_TYPE, VR::CS, "BINARY");
    put(&mut o, tags::LOSSY_IMAGE_COMPRESSION, VR::CS, "00");
    // Image pixel: one bit, monochrome.
    put(&mut o, tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16));
    put(&mut o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2");
    put(&mut o, tags::ROWS, VR::US, PrimitiveValue::from(rows as u16));
    put(&mut o, tags::COLUMNS, VR::US, PrimitiveValue::from(cols as u16));
    put(&mut o, tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(1u16));
    put(&mut o, tags::BITS_STORED, VR::US, PrimitiveValue::from(1u16));
    put(&mut o, tags::HIGH_BIT, VR::US, PrimitiveValue::from(0u16));
    put(&mut o, tags::PIXEL_REPRESENTATION, VR::US, PrimitiveValue::from(0u16));
    put(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, frames.len().to_string().as_str());

    // Segments.
    let mut segment_items = Vec::with_capacity(entries.len());
    for (s, e) in entries.iter().enumerate() {
        let mut item = Obj::new_empty();
        put(&mut item, SEGMENT_NUMBER, VR::US, PrimitiveValue::from(numbers[s] as u16));
        for (name, tag) in SEGMENT_TEXT {
            let default = if name == "SegmentLabel" { format!("Segment {}", numbers[s]) } else { String::new() };
            let v = e.get(name).and_then(Value::as_str).map(str::to_string).unwrap_or(default);
            if name == "SegmentLabel" || !v.is_empty() {
                put(&mut item, tag, if name == "SegmentLabel" { VR::LO } else { VR::ST }, v.as_str());
            }
        }
        let algorithm = e.get("SegmentAlgorithmType").and_then(Value::as_str).unwrap_or("MANUAL");
        if !["MANUAL", "SEMIAUTOMATIC", "AUTOMATIC"].contains(&algorithm) {
            return Err(invalid(format!("SegmentAlgorithmType {algorithm} is not MANUAL, SEMIAUTOMATIC or AUTOMATIC")));
        }
        put(&mut item, Tag(0x0062, 0x0008), VR::CS, algorithm);
        if algorithm != "MANUAL" {
            let name = e.get("SegmentAlgorithmName").and_then(Value::as_str).unwrap_or("unknown");
            put(&mut item, Tag(0x0062, 0x0009), VR::LO, name);
        }
        for (name, tag) in &SEGMENT_OPTIONAL_TEXT[2..] {
            if let Some(v) = e.get(*name).and_then(Value::as_str) {
                put(&mut item, *tag, if *name == "TrackingIdentifier" { VR::UT } else { VR::UI }, v);
            }
        }
        for (name, tag) in SEGMENT_CODES {
            match e.get(name) {
                Some(v) => put_seq(&mut item, tag, vec![code_item(v, name)?]),
                None if name.starts_with("SegmentedPropertyCategory")
                    || name.starts_with("SegmentedPropertyType") && !name.contains("Modifier") =>
                {
                    return Err(invalid(format!("segment {} needs {name}", labels[s])));
                }
                None => {}
            }
        }
        let rgb =
            e.get("recommendedDisplayRGBValue").and_then(Value::as_array).filter(|a| a.len() == 3).and_then(|a| {
                a.iter().map(|v| v.as_u64().filter(|x| *x <= 255).map(|x| x as u8)).collect::<Option<Vec<_>>>()
            });
        if let Some(rgb) = rgb {
            let lab = rgb_to_cielab([rgb[0], rgb[1], rgb[2]]);
            put(&mut item, RECOMMENDED_DISPLAY_CIELAB, VR::US, PrimitiveValue::U16(lab.to_vec().into()));
        }
        segment_items.push(item);
    }
    put_seq(&mut o, SEGMENT_SEQUENCE, segment_items);

    // Dimensions: segment number, then position.
    let dimension = |pointer: Tag, group: Tag, label: &str| {
        let mut i = Obj::new_empty();
        put(&mut i, tags::DIMENSION_ORGANIZATION_UID, VR::UI, dimension_uid.as_str());
        put(&mut i, tags::DIMENSION_INDEX_POINTER, VR::AT, PrimitiveValue::Tags(vec![pointer].into()));
        put(&mut i, tags::FUNCTIONAL_GROUP_POINTER, VR::AT, PrimitiveValue::Tags(vec![group].into()));
        put(&mut i, tags::DIMENSION_DESCRIPTION_LABEL, VR::LO, label);
        i
    };
    let mut organization = Obj::new_empty();
    put(&mut organization, tags::DIMENSION_ORGANIZATION_UID, VR::UI, dimension_uid.as_str());
    put_seq(&mut o, tags::DIMENSION_ORGANIZATION_SEQUENCE, vec![organization]);
    put_seq(
        &mut o,
        tags::DIMENSION_INDEX_SEQUENCE,
        vec![
            dimension(REFERENCED_SEGMENT_NUMBER, SEGMENT_IDENTIFICATION_SEQUENCE, "ReferencedSegmentNumber"),
            dimension(tags::IMAGE_POSITION_PATIENT, tags::PLANE_POSITION_SEQUENCE, "ImagePositionPatient"),
        ],
    );

    // Shared functional groups: orientation and pixel measures.
    let mut shared = Obj::new_empty();
    let mut orientation = Obj::new_empty();
    let iop: Vec<String> = row.iter().chain(&col).map(|v| ds(*v)).collect();
    put_strs(&mut orientation, tags::IMAGE_ORIENTATION_PATIENT, VR::DS, &iop);
    put_seq(&mut shared, tags::PLANE_ORIENTATION_SEQUENCE, vec![orientation]);
    let mut measures = Obj::new_empty();
    put_strs(&mut measures, tags::PIXEL_SPACING, VR::DS, &[ds(image.spacing[1]), ds(image.spacing[0])]);
    put(&mut measures, tags::SLICE_THICKNESS, VR::DS, ds(z_spacing.abs()).as_str());
    put(&mut measures, tags::SPACING_BETWEEN_SLICES, VR::DS, ds(z_spacing.abs()).as_str());
    put_seq(&mut shared, tags::PIXEL_MEASURES_SEQUENCE, vec![measures]);
    put_seq(&mut o, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE, vec![shared]);

    // Per-frame functional groups.
    let mut per_frame = Vec::with_capacity(frames.len());
    let mut used: Vec<&Reference> = Vec::new();
    for &(number, k) in &frames {
        let mut f = Obj::new_empty();
        if let Some(r) = reference_at(k) {
            let mut source = Obj::new_empty();
            put(&mut source, tags::REFERENCED_SOP_CLASS_UID, VR::UI, r.class.as_str());
            put(&mut source, tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, r.instance.as_str());
            let mut purpose = Obj::new_empty();
            put(&mut purpose, tags::CODE_VALUE, VR::SH, "121322");
            put(&mut purpose, tags::CODING_SCHEME_DESIGNATOR, VR::SH, "DCM");
            put(&mut purpose, tags::CODE_MEANING, VR::LO, "Source image for image processing operation");
            put_seq(&mut source, tags::PURPOSE_OF_REFERENCE_CODE_SEQUENCE, vec![purpose]);
            let mut derivation = Obj::new_empty();
            let mut code = Obj::new_empty();
            put(&mut code, tags::CODE_VALUE, VR::SH, "113076");
            put(&mut code, tags::CODING_SCHEME_DESIGNATOR, VR::SH, "DCM");
            put(&mut code, tags::CODE_MEANING, VR::LO, "Segmentation");
            put_seq(&mut derivation, tags::DERIVATION_CODE_SEQUENCE, vec![code]);
            put_seq(&mut derivation, tags::SOURCE_IMAGE_SEQUENCE, vec![source]);
            put_seq(&mut f, tags::DERIVATION_IMAGE_SEQUENCE, vec![derivation]);
            if !used.iter().any(|u| u.instance == r.instance) {
                used.push(r);
            }
        }
        let mut content = Obj::new_empty();
        put(
            &mut content,
            tags::DIMENSION_INDEX_VALUES,
            VR::UL,
            PrimitiveValue::U32(vec![number as u32, k as u32 + 1].into()),
        );
        put_seq(&mut f, tags::FRAME_CONTENT_SEQUENCE, vec![content]);
        let mut plane_position = Obj::new_empty();
        let p = position(k);
        put_strs(&mut plane_position, tags::IMAGE_POSITION_PATIENT, VR::DS, &p.map(ds));
        put_seq(&mut f, tags::PLANE_POSITION_SEQUENCE, vec![plane_position]);
        let mut identification = Obj::new_empty();
        put(&mut identification, REFERENCED_SEGMENT_NUMBER, VR::US, PrimitiveValue::from(number as u16));
        put_seq(&mut f, SEGMENT_IDENTIFICATION_SEQUENCE, vec![identification]);
        per_frame.push(f);
    }
    put_seq(&mut o, tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, per_frame);

    // Common instance reference: the series and the instances the frames derive from.
    let mut series = Obj::new_empty();
    put(
        &mut series,
        tags::SERIES_INSTANCE_UID,
        VR::UI,
        text(&study, tags::SERIES_INSTANCE_UID).unwrap_or_default().as_str(),
    );
    let instances = used
        .iter()
        .map(|r| {
            let mut i = Obj::new_empty();
            put(&mut i, tags::REFERENCED_SOP_CLASS_UID, VR::UI, r.class.as_str());
            put(&mut i, tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, r.instance.as_str());
            i
        })
        .collect();
    put_seq(&mut series, tags::REFERENCED_INSTANCE_SEQUENCE, instances);
    put_seq(&mut o, tags::REFERENCED_SERIES_SEQUENCE, vec![series]);

    o.put(DataElement::new(tags::PIXEL_DATA, VR::OB, PrimitiveValue::U8(bits.into())));

    let file = o
        .with_meta(
            FileMetaTableBuilder::new()
                .transfer_syntax("1.2.840.10008.1.2.1")
                .implementation_class_uid("2.25.169403720405012541378407446935893553957")
                .implementation_version_name("WITK_DICOM_01"),
        )
        .map_err(|e| Failure::new(Code::Internal, format!("write-segmentation: file meta: {e}")))?;
    let mut out = Vec::new();
    file.write_all(&mut out).map_err(|e| Failure::new(Code::Internal, format!("write-segmentation: {e}")))?;
    Ok(out)
}
