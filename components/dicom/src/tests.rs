//! Native tests on DICOM files made here with dicom-object: geometry, sorting, rescale
//! types, tags and hostile input. (tests/python/test_dicom.py checks real files against
//! pydicom and SimpleITK.)

use crate::pixels::{output_type, Stored};
use crate::series::read_series;
use crate::tags::read_dicom_tags;
use crate::Code;
use dicom_core::value::{DataSetSequence, PrimitiveValue};
use dicom_core::{DataElement, VR};
use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use witk_guest::{Ctype, Pixels};

const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const CT: &str = "1.2.840.10008.5.1.4.1.1.2";

struct SliceSpec {
    z: f64,
    rows: u16,
    cols: u16,
    series: &'static str,
    intercept: f64,
}

fn slice(s: &SliceSpec, instance: u32, values: &[u16]) -> Vec<u8> {
    let mut o = InMemDicomObject::new_empty();
    let put = |o: &mut InMemDicomObject, tag, vr, v: PrimitiveValue| o.put(DataElement::new(tag, vr, v));
    put(&mut o, tags::SOP_CLASS_UID, VR::UI, CT.into());
    put(&mut o, tags::SOP_INSTANCE_UID, VR::UI, format!("2.25.{instance}").into());
    put(&mut o, tags::SPECIFIC_CHARACTER_SET, VR::CS, "ISO_IR 192".into());
    put(&mut o, tags::PATIENT_NAME, VR::PN, "Müller^Jörg".into());
    put(&mut o, tags::SERIES_INSTANCE_UID, VR::UI, s.series.into());
    put(&mut o, tags::INSTANCE_NUMBER, VR::IS, instance.to_string().into());
    // An oblique plane: rows along (cos, sin, 0), columns along z x rows' perpendicular.
    let (c, n) = (0.8f64, 0.6f64);
    let iop = [c, n, 0.0, 0.0, 0.0, -1.0];
    put(
        &mut o,
        tags::IMAGE_ORIENTATION_PATIENT,
        VR::DS,
        PrimitiveValue::Strs(iop.iter().map(|v| v.to_string()).collect()),
    );
    // Positions along the normal (row x col) = (-0.6, 0.8, 0): z steps there.
    let p = [10.0 + s.z * -0.6, -20.0 + s.z * 0.8, 5.0];
    put(&mut o, tags::IMAGE_POSITION_PATIENT, VR::DS, PrimitiveValue::Strs(p.iter().map(|v| v.to_string()).collect()));
    put(&mut o, tags::PIXEL_SPACING, VR::DS, PrimitiveValue::Strs(["0.5".into(), "0.75".into()].into()));
    put(&mut o, tags::SLICE_THICKNESS, VR::DS, "9".into());
    put(&mut o, tags::ROWS, VR::US, PrimitiveValue::from(s.rows));
    put(&mut o, tags::COLUMNS, VR::US, PrimitiveValue::from(s.cols));
    put(&mut o, tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16));
    put(&mut o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2".into());
    put(&mut o, tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(16u16));
    put(&mut o, tags::BITS_STORED, VR::US, PrimitiveValue::from(12u16));
    put(&mut o, tags::HIGH_BIT, VR::US, PrimitiveValue::from(11u16));
    put(&mut o, tags::PIXEL_REPRESENTATION, VR::US, PrimitiveValue::from(0u16));
    if s.intercept != 0.0 {
        put(&mut o, tags::RESCALE_INTERCEPT, VR::DS, s.intercept.to_string().into());
        put(&mut o, tags::RESCALE_SLOPE, VR::DS, "1".into());
    }
    let mut code = InMemDicomObject::new_empty();
    code.put(DataElement::new(tags::CODE_VALUE, VR::SH, PrimitiveValue::from("T-D0050")));
    o.put(DataElement::new(tags::ANATOMIC_REGION_SEQUENCE, VR::SQ, DataSetSequence::from(vec![code])));
    o.put(DataElement::new(tags::PIXEL_DATA, VR::OW, PrimitiveValue::U16(values.into())));
    let file = o.with_meta(FileMetaTableBuilder::new().transfer_syntax(EXPLICIT_LE)).unwrap();
    let mut out = Vec::new();
    file.write_all(&mut out).unwrap();
    out
}

fn spec(z: f64) -> SliceSpec {
    SliceSpec { z, rows: 2, cols: 3, series: "1.2.3", intercept: -1024.0 }
}

#[test]
fn a_shuffled_oblique_series_sorts_by_position_and_rescales_to_int16() {
    let files: Vec<(String, Vec<u8>)> = [(2.0, 3), (0.0, 1), (4.0, 5), (1.0, 2), (3.0, 4)]
        .iter()
        .map(|&(z, i)| (format!("IM{}", 9 - i), slice(&spec(z * 2.5), i, &[i as u16 * 100; 6])))
        .collect();
    let v = read_series(files, false).unwrap();
    assert_eq!(v.sorted, ["IM8", "IM7", "IM6", "IM5", "IM4"]);
    assert_eq!(v.geometry.size, [3, 2, 5]);
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9);
    assert!(close(&v.geometry.spacing, &[0.75, 0.5, 2.5]), "{:?}", v.geometry.spacing);
    assert!(close(&v.geometry.origin, &[10.0, -20.0, 5.0]), "{:?}", v.geometry.origin);
    // Columns: row direction, column direction, their cross product.
    let (c, n) = (0.8, 0.6);
    assert!(close(&v.geometry.direction, &[c, 0.0, -n, n, 0.0, c, 0.0, -1.0, 0.0]), "{:?}", v.geometry.direction);
    // Stored 12-bit unsigned with intercept -1024: GDCM's rule gives int16.
    assert_eq!(v.ctype, Ctype::I16);
    let Pixels::I16(px) = &v.pixels else { panic!("{:?}", v.ctype) };
    assert_eq!(
        px.iter().step_by(6).copied().collect::<Vec<_>>(),
        [100 - 1024, 200 - 1024, 300 - 1024, 400 - 1024, 500 - 1024]
    );
}

#[test]
fn the_largest_series_wins_and_single_sorted_keeps_the_order() {
    let mut files: Vec<(String, Vec<u8>)> =
        (0..3).map(|i| (format!("a{i}"), slice(&spec(i as f64), i, &[7; 6]))).collect();
    let other = SliceSpec { series: "9.9", ..spec(0.0) };
    files.push(("b0".into(), slice(&other, 9, &[1; 6])));
    let v = read_series(files.clone(), false).unwrap();
    assert_eq!(v.sorted, ["a0", "a1", "a2"]);
    files.pop();
    files.swap(0, 2);
    let v = read_series(files, true).unwrap();
    assert_eq!(v.sorted, ["a2", "a1", "a0"]);
}

#[test]
fn bad_series_are_typed_errors() {
    let e = read_series(vec![], false).unwrap_err();
    assert_eq!(e.code, Code::InvalidArgument);
    let mixed = vec![
        ("a".into(), slice(&spec(0.0), 1, &[0; 6])),
        ("b".into(), slice(&SliceSpec { rows: 3, ..spec(1.0) }, 2, &[0; 9])),
    ];
    let e = read_series(mixed, false).unwrap_err();
    assert!(e.code == Code::InvalidData && e.message.contains("one size"), "{}", e.message);
    let uneven: Vec<_> = [0.0, 1.0, 3.0]
        .iter()
        .enumerate()
        .map(|(i, &z)| (format!("s{i}"), slice(&spec(z), i as u32, &[0; 6])))
        .collect();
    let e = read_series(uneven, false).unwrap_err();
    assert!(e.code == Code::InvalidData && e.message.contains("not equally spaced"), "{}", e.message);
    let same: Vec<_> = (0..2).map(|i| (format!("s{i}"), slice(&spec(0.0), i, &[0; 6]))).collect();
    assert!(read_series(same, false).unwrap_err().message.contains("same position"));
    let e = read_series(vec![("junk".into(), b"hello, not DICOM at all".to_vec())], false).unwrap_err();
    assert!(e.code == Code::InvalidData && e.message.contains("junk"), "{}", e.message);
    let good = slice(&spec(0.0), 1, &[0; 6]);
    for cut in [10, 140, 300, good.len() - 5] {
        let e = read_series(vec![("cut".into(), good[..cut].to_vec())], false).unwrap_err();
        assert_eq!(e.code, Code::InvalidData, "cut at {cut}: {}", e.message);
    }
}

#[test]
fn gdcm_output_type_rule() {
    let u12 = Stored { bits_allocated: 16, bits_stored: 12, signed: false };
    let i16 = Stored { bits_allocated: 16, bits_stored: 16, signed: true };
    assert_eq!(output_type(&u12, [(1.0, 0.0)].into_iter()), Ctype::U16);
    assert_eq!(output_type(&u12, [(1.0, -1024.0)].into_iter()), Ctype::I16);
    assert_eq!(output_type(&i16, [(1.0, -1024.0)].into_iter()), Ctype::I32);
    assert_eq!(output_type(&u12, [(0.5, 0.0)].into_iter()), Ctype::F64);
    assert_eq!(output_type(&u12, [(1.0, 1000.0)].into_iter()), Ctype::U16);
    let u8 = Stored { bits_allocated: 8, bits_stored: 8, signed: false };
    assert_eq!(output_type(&u8, [(1.0, 0.0)].into_iter()), Ctype::U8);
    assert_eq!(output_type(&u8, [(2.0, 0.0)].into_iter()), Ctype::U16);
}

#[test]
fn tags_are_listed_decoded_and_filtered() {
    let file = slice(&spec(0.0), 1, &[0; 6]);
    let all = read_dicom_tags(&file, "x.dcm", None).unwrap();
    let get = |t: &str| all.iter().find(|(k, _)| k == t).map(|(_, v)| v.as_str());
    assert_eq!(get("0002|0010"), Some(EXPLICIT_LE));
    assert_eq!(get("0010|0010"), Some("Müller^Jörg"));
    assert_eq!(get("0020|0037"), Some("0.8\\0.6\\0\\0\\0\\-1"));
    assert_eq!(get("0008|2218"), Some("[{\"0008|0100\":\"T-D0050\"}]"));
    assert_eq!(get("7fe0|0010"), None, "pixel data is left out");
    let wanted = ["0028|0011".to_string(), "0010|0010".into(), "0009|1001".into()];
    let some = read_dicom_tags(&file, "x.dcm", Some(&wanted)).unwrap();
    assert_eq!(some, [("0028|0011".to_string(), "3".to_string()), ("0010|0010".into(), "Müller^Jörg".into())]);
    let e = read_dicom_tags(&file, "x.dcm", Some(&["10,10,10".to_string()])).unwrap_err();
    assert_eq!(e.code, Code::InvalidArgument);
    let e = read_dicom_tags(b"\0\0\0\0not dicom", "y.dcm", None).unwrap_err();
    assert!(e.code == Code::InvalidData && e.message.contains("y.dcm"), "{}", e.message);
}

/// Found by fuzzing (fuzz/): data sets of a few bytes declaring gigabyte values made
/// dicom-rs allocate and zero them before reading (seconds and GBs per file). Now
/// `invalid-data` at once, from the length pre-check (lengths.rs).
#[test]
fn declared_lengths_past_the_end_are_invalid_data_before_any_allocation() {
    let inputs: [&[u8]; 4] = [
        b"I\0D)\0\0C\x9d",
        b"\x15\0DICM\0\x02DICM\0\x02",
        // A group length (UL) past the pixel data's tag, in a bare implicit-VR data set.
        b"-\0\0\x10\0\0\0\0\0\xc0\0\0\xff\0\xff\xff",
        // A group length (UL) of 18 bytes: dicom-rs would read 16 and go on out of step.
        b"\x10\0\0\0\x12\0\0\0\0\x8e\x8e\x8e\x8e\x8e\0\0\x10\0\0\x12\0\0\0\0\0\0\0\0\0\xb5\0\x80",
    ];
    for input in inputs {
        let t = std::time::Instant::now();
        let err = read_dicom_tags(input, "x.dcm", None).unwrap_err();
        assert_eq!(err.code, Code::InvalidData, "{}", err.message);
        assert!(err.message.contains("declares"), "{}", err.message);
        assert!(!err.message.contains("  "), "{}", err.message);
        let err = read_series(vec![("x.dcm".into(), input.to_vec())], false).unwrap_err();
        assert_eq!(err.code, Code::InvalidData, "{}", err.message);
        assert!(t.elapsed().as_secs() < 1);
    }
}

/// An 8-bit 2x3 RLE Lossless slice with these fragments (one per frame).
fn rle_slice(fragments: Vec<Vec<u8>>) -> Vec<u8> {
    encapsulated_slice(crate::rle::RLE_LOSSLESS, fragments)
}

/// An 8-bit 2x3 (rows x columns) slice in transfer syntax `ts` with these fragments.
fn encapsulated_slice(ts: &str, fragments: Vec<Vec<u8>>) -> Vec<u8> {
    use dicom_core::value::PixelFragmentSequence;
    let mut o = InMemDicomObject::new_empty();
    let put = |o: &mut InMemDicomObject, tag, vr, v: PrimitiveValue| o.put(DataElement::new(tag, vr, v));
    put(&mut o, tags::SOP_CLASS_UID, VR::UI, CT.into());
    put(&mut o, tags::SOP_INSTANCE_UID, VR::UI, "2.25.7".into());
    put(&mut o, tags::SERIES_INSTANCE_UID, VR::UI, "1.2.3".into());
    put(&mut o, tags::ROWS, VR::US, PrimitiveValue::from(2u16));
    put(&mut o, tags::COLUMNS, VR::US, PrimitiveValue::from(3u16));
    put(&mut o, tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16));
    put(&mut o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2".into());
    put(&mut o, tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(8u16));
    put(&mut o, tags::BITS_STORED, VR::US, PrimitiveValue::from(8u16));
    put(&mut o, tags::HIGH_BIT, VR::US, PrimitiveValue::from(7u16));
    put(&mut o, tags::PIXEL_REPRESENTATION, VR::US, PrimitiveValue::from(0u16));
    o.put(DataElement::new(tags::PIXEL_DATA, VR::OB, PixelFragmentSequence::new(vec![], fragments)));
    let file = o.with_meta(FileMetaTableBuilder::new().transfer_syntax(ts)).unwrap();
    let mut out = Vec::new();
    file.write_all(&mut out).unwrap();
    out
}

/// A frame's RLE header naming `offsets` (the first segment starts after the 64 bytes),
/// followed by `data`.
fn rle_frame(count: u32, offsets: &[u32], data: &[u8]) -> Vec<u8> {
    let mut header = [0u32; 16];
    header[0] = count;
    header[1..=offsets.len()].copy_from_slice(offsets);
    let mut f: Vec<u8> = header.iter().flat_map(|v| v.to_le_bytes()).collect();
    f.extend_from_slice(data);
    f
}

/// Found by fuzzing (fuzz/): dicom-rs's RLE decoder indexes past a segment that decodes to
/// fewer bytes than a plane, and past a header shorter than it says (a trap in the
/// component). Checked before it runs; a well-formed frame still decodes (by dicom-rs).
#[test]
fn rle_frames_that_dicom_rs_would_index_past_are_invalid_data() {
    let read = |fragments| read_series(vec![("r.dcm".into(), rle_slice(fragments))], false);
    // A literal run of six bytes: the plane.
    let good = read(vec![rle_frame(1, &[64], &[5, 1, 2, 3, 4, 5, 6])]).unwrap();
    assert_eq!(&*good.pixels, [1, 2, 3, 4, 5, 6]);
    for (case, frame) in [
        ("a segment of three bytes", rle_frame(1, &[64], &[2, 1, 2, 3])),
        ("a header cut short", vec![1, 0, 0, 0, 64, 0]),
        ("no segments", rle_frame(0, &[], &[5, 1, 2, 3, 4, 5, 6])),
        ("sixteen segments", rle_frame(16, &[64], &[5, 1, 2, 3, 4, 5, 6])),
        ("a segment past the end", rle_frame(1, &[640], &[5, 1, 2, 3, 4, 5, 6])),
    ] {
        let e = read(vec![frame]).unwrap_err();
        assert!(e.code == Code::InvalidData && e.message.contains("RLE"), "{case}: {}", e.message);
    }
}

/// Found by fuzzing (fuzz/): dicom-rs's JPEG adapter copies a decoded frame into a buffer
/// sized from Rows and Columns unchecked, and panics on a larger JPEG (a trap in the
/// component). The frame headers are checked before it runs. (Pillow's JPEGs of 3x2 and
/// 16x8 grey pixels.)
#[test]
fn a_jpeg_frame_larger_than_rows_and_columns_is_invalid_data() {
    let read = |jpeg: &[u8]| {
        let mut fragment = jpeg.to_vec();
        fragment.resize(jpeg.len().next_multiple_of(2), 0);
        read_series(vec![("j.dcm".into(), encapsulated_slice("1.2.840.10008.1.2.4.50", vec![fragment]))], false)
    };
    let fits = read(include_bytes!("../testdata/gray-3x2.jpg")).unwrap();
    assert_eq!(fits.pixels.count(), 6);
    let e = read(include_bytes!("../testdata/gray-16x8.jpg")).unwrap_err();
    assert!(e.code == Code::InvalidData && e.message.contains("larger than"), "{}", e.message);
}

/// Found by fuzzing (fuzz/): a deflated data set declares its lengths in the inflated
/// bytes, which the walk of declared lengths did not see, so a 12 KB file declaring a
/// 1.2 GB value reached dicom-rs (which allocates it before reading: an abort under the
/// allocation ceiling). Now the data set is inflated and walked first.
#[test]
fn declared_lengths_inside_a_deflated_data_set_are_checked() {
    use std::io::Write;
    let mut o = InMemDicomObject::new_empty();
    o.put(DataElement::new(tags::SOP_CLASS_UID, VR::UI, PrimitiveValue::from(CT)));
    o.put(DataElement::new(tags::PATIENT_NAME, VR::PN, PrimitiveValue::from("A^B")));
    let file = o.with_meta(FileMetaTableBuilder::new().transfer_syntax("1.2.840.10008.1.2.1.99")).unwrap();
    let mut bytes = Vec::new();
    file.write_all(&mut bytes).unwrap();
    let meta_len = u32::from_le_bytes(bytes[140..144].try_into().unwrap()) as usize;
    bytes.truncate(144 + meta_len);
    // (0010,0010) as UT, declaring 1 GiB, holding 4 bytes.
    let mut data_set = vec![0x10, 0, 0x10, 0, b'U', b'T', 0, 0];
    data_set.extend_from_slice(&(1u32 << 30).to_le_bytes());
    data_set.extend_from_slice(b"A^B ");
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    deflate.write_all(&data_set).unwrap();
    bytes.extend(deflate.finish().unwrap());
    let t = std::time::Instant::now();
    let err = read_series(vec![("d.dcm".into(), bytes.clone())], false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData, "{}", err.message);
    assert!(err.message.contains("declares"), "{}", err.message);
    assert!(t.elapsed().as_secs() < 1);
}

/// A JPEG 2000 codestream's SOC and SIZ markers: `x` by `y` pixels of `c` 8-bit components.
fn j2k_header(x: u32, y: u32, c: u16) -> Vec<u8> {
    let mut h = vec![0xFF, 0x4F, 0xFF, 0x51];
    h.extend_from_slice(&(38 + 3 * c).to_be_bytes()); // Lsiz
    h.extend_from_slice(&0u16.to_be_bytes()); // Rsiz
    for v in [x, y, 0, 0, x, y, 0, 0] {
        h.extend_from_slice(&v.to_be_bytes());
    }
    h.extend_from_slice(&c.to_be_bytes());
    for _ in 0..c {
        h.extend_from_slice(&[7, 1, 1]);
    }
    h.resize(h.len().next_multiple_of(2), 0);
    h
}

/// Found by fuzzing (fuzz/): dicom-rs's JPEG 2000 adapter writes decoded samples into a
/// frame sized from Rows and Columns unchecked, and panics on a larger codestream or one
/// with more components (a trap in the component). The SIZ header is checked first.
#[test]
fn a_jpeg_2000_codestream_larger_than_the_frame_is_invalid_data() {
    let read =
        |h: Vec<u8>| read_series(vec![("k.dcm".into(), encapsulated_slice("1.2.840.10008.1.2.4.90", vec![h]))], false);
    let e = read(j2k_header(16, 16, 1)).unwrap_err();
    assert!(e.code == Code::InvalidData && e.message.contains("more than Rows x Columns"), "{}", e.message);
    let e = read(j2k_header(3, 2, 2)).unwrap_err();
    assert!(e.code == Code::InvalidData && e.message.contains("2 components"), "{}", e.message);
    // A header that fits goes on to openjp2, which fails on the missing tiles (an error).
    assert_eq!(read(j2k_header(3, 2, 1)).unwrap_err().code, Code::InvalidData);
}
