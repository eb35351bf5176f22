//! Round trips of every format through the model, natively.

use crate::formats;
use crate::model::{Ctype, Image, Pixel, Pixels};
use crate::Code;

const ALL: [Ctype; 10] = Ctype::ALL;

fn sample(ctype: Ctype, size: Vec<u64>, components: usize) -> Image {
    let d = size.len();
    let mut image = Image::new(ctype, size, components);
    image.origin = (0..d).map(|i| 1.5 - i as f64 * 10.25).collect();
    image.spacing = (0..d).map(|i| 0.5 + i as f64 * 0.75).collect();
    // A rotation about the last axis (plus identity elsewhere): not axis-aligned.
    let (c, s) = (0.6f64, 0.8f64);
    if d >= 2 {
        image.direction[0] = c;
        image.direction[1] = -s;
        image.direction[d] = s;
        image.direction[d + 1] = c;
    }
    let n = image.byte_len().unwrap();
    image.data = Some(Pixels::from_le_bytes(ctype, &(0..n).map(|i| (i * 37 % 251) as u8).collect::<Vec<_>>()).unwrap());
    if ctype == Ctype::F32 || ctype == Ctype::F64 {
        // Keep floats finite and exact.
        let w = ctype.size();
        let mut data = Vec::with_capacity(n);
        for i in 0..n / w {
            let v = i as f64 * 0.5 - 7.0;
            if w == 4 {
                data.extend_from_slice(&(v as f32).to_le_bytes());
            } else {
                data.extend_from_slice(&v.to_le_bytes());
            }
        }
        image.data = Some(Pixels::from_le_bytes(ctype, &data).unwrap());
    }
    image
}

fn round_trip(name: &str, image: &Image, compress: bool) -> Image {
    let files = formats::write(image, name, false, compress).unwrap();
    let (main, bytes) = &files[0];
    assert_eq!(main, name);
    let companions = formats::companions(name, bytes).unwrap();
    assert_eq!(companions.len(), files.len() - 1, "{name}: companions {companions:?}");
    formats::read(name, bytes, files.get(1).map(|f| f.1.as_slice()), false).unwrap()
}

fn assert_same(name: &str, a: &Image, b: &Image, tol: f64) {
    assert_eq!(a.ctype, b.ctype, "{name}");
    assert_eq!(a.size, b.size, "{name}");
    assert_eq!(a.components, b.components, "{name}");
    assert_eq!(a.data, b.data, "{name}: pixels");
    for (x, y) in a
        .origin
        .iter()
        .zip(&b.origin)
        .chain(a.spacing.iter().zip(&b.spacing))
        .chain(a.direction.iter().zip(&b.direction))
    {
        assert!(
            (x - y).abs() <= tol,
            "{name}: geometry {:?} {:?} {:?} vs {:?} {:?} {:?}",
            a.origin,
            a.spacing,
            a.direction,
            b.origin,
            b.spacing,
            b.direction
        );
    }
}

#[test]
fn nrrd_mha_witk_every_type_2d_3d_components() {
    for ctype in ALL {
        for size in [vec![7, 5], vec![6, 4, 3]] {
            for components in [1, 3] {
                let image = sample(ctype, size.clone(), components);
                for name in ["a.nrrd", "a.nhdr", "a.mha", "a.mhd", "a.witk"] {
                    for compress in [false, true] {
                        let back = round_trip(name, &image, compress);
                        assert_same(
                            &format!("{name} {ctype:?} {size:?} x{components} z={compress}"),
                            &image,
                            &back,
                            1e-12,
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn nifti_every_type() {
    for ctype in ALL {
        for size in [vec![7, 5], vec![6, 4, 3], vec![3, 4, 2, 2]] {
            let mut image = sample(ctype, size.clone(), 1);
            if size.len() == 4 {
                image.origin[3] = 0.0; // NIfTI has no origin for its 4th axis
            }
            for name in ["a.nii", "a.nii.gz"] {
                let back = round_trip(name, &image, false);
                // NIfTI stores geometry as float32.
                assert_same(&format!("{name} {ctype:?} {size:?}"), &image, &back, 1e-5);
            }
        }
    }
    let mut rgb = sample(Ctype::U8, vec![4, 3, 2], 3);
    rgb.pixel = Pixel::Rgb;
    let back = round_trip("rgb.nii", &rgb, false);
    assert_eq!(back.pixel, Pixel::Rgb);
    assert_same("rgb", &rgb, &back, 1e-5);
    for size in [vec![4, 3], vec![4, 3, 2], vec![4, 3, 2, 5]] {
        let mut vector = sample(Ctype::F32, size.clone(), 3);
        vector.pixel = Pixel::Vector;
        if size.len() == 4 {
            vector.origin[3] = 0.0;
        }
        // Components live in dim[5]; padding axes of size 1 must not add dimensions.
        assert_same(&format!("vector nifti {size:?}"), &vector, &round_trip("v.nii.gz", &vector, false), 1e-5);
    }
}

#[test]
fn information_only_and_casts() {
    let image = sample(Ctype::I16, vec![6, 4, 3], 1);
    let bytes = &formats::write(&image, "a.nrrd", false, false).unwrap()[0].1;
    let info = formats::read("a.nrrd", bytes, None, true).unwrap();
    assert!(info.data.is_none());
    assert_eq!(info.size, image.size);
    let f = crate::read("a.nrrd", bytes, None, false, None, Some(Ctype::F32)).unwrap();
    assert_eq!(f.ctype, Ctype::F32);
    assert_eq!(f.data.unwrap().len(), 6 * 4 * 3 * 4);
}

#[test]
fn hostile_headers_give_errors() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("huge.nrrd", b"NRRD0004\ntype: float\ndimension: 3\nsizes: 100000 100000 100000\nencoding: raw\n\n".to_vec()),
        ("neg.nrrd", b"NRRD0004\ntype: float\ndimension: 2\nsizes: -5 3\nencoding: raw\n\n".to_vec()),
        ("zero.nrrd", b"NRRD0004\ntype: float\ndimension: 2\nsizes: 0 3\nencoding: raw\n\n".to_vec()),
        ("short.nrrd", b"NRRD0004\ntype: uint8\ndimension: 2\nsizes: 4 4\nencoding: raw\n\nabc".to_vec()),
        ("bz.nrrd", b"NRRD0004\ntype: uint8\ndimension: 1\nsizes: 4\nencoding: bzip2\n\nabcd".to_vec()),
        ("block.nrrd", b"NRRD0004\ntype: block\ndimension: 1\nsizes: 4\nencoding: raw\n\nabcd".to_vec()),
        (
            "x.mha",
            b"ObjectType = Image\nNDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nElementDataFile = LOCAL\nab"
                .to_vec(),
        ),
        ("x.nii", vec![0x5c, 0x01, 0, 0, 1, 2, 3]),
        ("x.bin", b"not an image".to_vec()),
    ];
    for (name, bytes) in cases {
        let err = formats::read(name, &bytes, None, false).unwrap_err();
        assert!(!err.message.is_empty(), "{name}");
        assert!(err.message.contains(name), "{name}: message should name the file: {}", err.message);
    }
    // A gzip bomb: the header promises 16 bytes; the stream inflates to 1 MiB.
    let bomb = crate::codec::deflate(crate::codec::Deflate::Gzip, &vec![0u8; 1 << 20]);
    let mut file = b"NRRD0004\ntype: uint8\ndimension: 1\nsizes: 16\nencoding: gzip\n\n".to_vec();
    file.extend_from_slice(&bomb);
    let err = formats::read("bomb.nrrd", &file, None, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData);
    assert!(err.message.contains("more bytes"), "{}", err.message);
}

#[test]
fn ras_nrrd_is_read_as_lps() {
    let file = b"NRRD0004\ntype: uint8\ndimension: 3\nspace: right-anterior-superior\nsizes: 2 2 2\nspace directions: (2,0,0) (0,3,0) (0,0,4)\nspace origin: (10,20,30)\nencoding: raw\n\n01234567";
    let image = formats::read("ras.nrrd", file, None, false).unwrap();
    assert_eq!(image.origin, vec![-10.0, -20.0, 30.0]);
    assert_eq!(image.spacing, vec![2.0, 3.0, 4.0]);
    assert_eq!(image.direction, vec![-1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn raster_formats_round_trip() {
    for (name, ctype, components) in [
        ("a.png", Ctype::U8, 1),
        ("a.png", Ctype::U16, 1),
        ("a.png", Ctype::U8, 2),
        ("a.png", Ctype::U8, 3),
        ("a.png", Ctype::U16, 4),
        ("a.bmp", Ctype::U8, 1),
        ("a.bmp", Ctype::U8, 3),
        ("a.bmp", Ctype::U8, 4),
        ("a.tif", Ctype::U8, 1),
        ("a.tif", Ctype::I16, 1),
        ("a.tif", Ctype::U32, 1),
        ("a.tif", Ctype::F32, 1),
        ("a.tif", Ctype::F64, 1),
        ("a.tif", Ctype::U8, 3),
        ("a.tiff", Ctype::U16, 4),
    ] {
        let mut image = Image::new(ctype, vec![7, 5], components);
        let n = image.byte_len().unwrap();
        image.data =
            Some(Pixels::from_le_bytes(ctype, &(0..n).map(|i| (i * 37 % 251) as u8).collect::<Vec<_>>()).unwrap());
        if ctype == Ctype::F32 || ctype == Ctype::F64 {
            image = sample(ctype, vec![7, 5], 1);
        }
        for compress in [false, true] {
            let bytes = &formats::write(&image, name, false, compress).unwrap()[0].1;
            let back = formats::read(name, bytes, None, false).unwrap();
            assert_eq!(back.ctype, ctype, "{name}");
            assert_eq!(back.components, components, "{name}");
            assert_eq!(back.size, image.size, "{name}");
            assert_eq!(back.data, image.data, "{name} {ctype:?} x{components}");
        }
    }
    // A TIFF stack is a 3-D image.
    let stack = sample(Ctype::U16, vec![6, 4, 3], 1);
    let mut flat = stack.clone();
    flat.direction = crate::model::identity(3);
    flat.origin = vec![0.0; 3];
    flat.spacing = vec![1.0; 3];
    let bytes = &formats::write(&flat, "s.tif", false, false).unwrap()[0].1;
    assert_eq!(formats::read("s.tif", bytes, None, false).unwrap().data, stack.data);
    assert_eq!(formats::write(&flat, "x.jpg", false, false).unwrap_err().code, Code::Unsupported);
}

#[test]
fn vtk_round_trips_axis_aligned_images() {
    for ctype in ALL {
        for (size, components) in [(vec![7, 5], 1), (vec![6, 4, 3], 1), (vec![6, 4, 3], 3)] {
            let mut image = sample(ctype, size.clone(), components);
            image.direction = crate::model::identity(size.len());
            let back = round_trip("a.vtk", &image, false);
            assert_same(&format!("vtk {ctype:?} {size:?}"), &image, &back, 1e-12);
        }
    }
    let rotated = sample(Ctype::U8, vec![4, 4, 4], 1);
    assert_eq!(formats::write(&rotated, "r.vtk", false, false).unwrap_err().code, Code::Unsupported);
    let ascii = b"# vtk DataFile Version 3.0\nt\nASCII\nDATASET STRUCTURED_POINTS\nDIMENSIONS 2 2 1\nSPACING 1 2 1\nORIGIN 5 6 0\nPOINT_DATA 4\nSCALARS s float 1\nLOOKUP_TABLE default\n1.5 2 3 4\n";
    let image = formats::read("a.vtk", ascii, None, false).unwrap();
    assert_eq!(image.size, vec![2, 2]);
    assert_eq!(image.origin, vec![5.0, 6.0]);
    let values: Vec<f32> = image.data.unwrap().chunks(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect();
    assert_eq!(values, vec![1.5, 2.0, 3.0, 4.0]);
}

/// Found by fuzzing (fuzz/): a `.witk` header length near 2^64 overflowed `8 + len`.
#[test]
fn witk_header_lengths_past_the_address_space_are_invalid_data() {
    let mut b = b"WITKIMG\0".to_vec();
    b.extend_from_slice(&u64::MAX.to_le_bytes());
    b.extend_from_slice(b"M\0+");
    let err = formats::read("x.witk", &b, None, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData, "{}", err.message);
}

/// Found by fuzzing (fuzz/): a TIFF stack's header-only read said 2-D (only the first
/// page was looked at); it must say what a full read gives.
#[test]
fn tiff_stacks_have_their_depth_in_a_header_only_read() {
    let mut image = Image::new(Ctype::F32, vec![4, 3, 2], 1);
    image.data = Some(Pixels::F32((0..24).map(|i| i as f32).collect()));
    let files = formats::write(&image, "x.tif", false, false).unwrap();
    let full = formats::read("x.tif", &files[0].1, None, false).unwrap();
    let header = formats::read("x.tif", &files[0].1, None, true).unwrap();
    assert_eq!(full.size, [4, 3, 2]);
    assert_eq!(header.size, full.size);
}

/// Found by fuzzing (fuzz/): a VTK `SCALARS name type 0` gave an image of no components
/// (which then failed the model's own check), and a NIfTI header-only read gave the stored
/// type where a full read rescales to float.
#[test]
fn vtk_zero_components_and_nifti_rescaled_headers() {
    let vtk = b"# vtk DataFile Version 3.0\nx\nASCII\nDATASET STRUCTURED_POINTS\nDIMENSIONS 2 1 1\nPOINT_DATA 2\nSCALARS s short 0\n1 2\n";
    let err = formats::read("x.vtk", vtk, None, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData, "{}", err.message);
    let mut image = Image::new(Ctype::I16, vec![3, 2], 1);
    image.data = Some(Pixels::I16(vec![1, 2, 3, 4, 5, 6]));
    let mut nii = formats::write(&image, "x.nii", false, false).unwrap().remove(0).1;
    nii[112..116].copy_from_slice(&2.0f32.to_le_bytes()); // scl_slope
    let full = formats::read("x.nii", &nii, None, false).unwrap();
    let header = formats::read("x.nii", &nii, None, true).unwrap();
    assert_eq!(full.ctype, Ctype::F32);
    assert_eq!(header.ctype, full.ctype);
}

/// Found by fuzzing (fuzz/): a NIfTI-1 vox_offset near 2^64 overflowed the end of the
/// pixel range (a panic natively, a wrapped range in wasm).
#[test]
fn nifti_vox_offset_past_any_file_is_invalid_data() {
    let mut image = Image::new(Ctype::U8, vec![3, 2], 1);
    image.data = Some(Pixels::U8(vec![1, 2, 3, 4, 5, 6]));
    let mut nii = formats::write(&image, "x.nii", false, false).unwrap().remove(0).1;
    nii[108..112].copy_from_slice(&1.8e19f32.to_le_bytes()); // vox_offset
    let err = formats::read("x.nii", &nii, None, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData, "{}", err.message);
}

/// Found by fuzzing (fuzz/): a spacing past float32's range was written into NIfTI-1 as
/// an infinity, and read back as a NaN direction. Such a write is refused.
#[test]
fn nifti_refuses_geometry_float32_cannot_hold() {
    let mut image = Image::new(Ctype::U8, vec![3, 2], 1);
    image.data = Some(Pixels::U8(vec![1, 2, 3, 4, 5, 6]));
    image.spacing = vec![1.0, 1e300];
    let err = formats::write(&image, "x.nii", false, false).unwrap_err();
    assert!(err.code == Code::InvalidArgument && err.message.contains("float32"), "{}", err.message);
}

#[test]
fn raw_layouts_point_at_the_pixels() {
    // What witk writes uncompressed maps: the named file and offset hold the pixels as
    // read-image returns them; compressed files and other formats say no.
    let image = sample(Ctype::I16, vec![5, 4, 3], 1);
    let rgb = sample(Ctype::F32, vec![6, 5], 3);
    for (name, image) in [
        ("a.nrrd", &image),
        ("a.nhdr", &image),
        ("a.mha", &image),
        ("a.mhd", &rgb),
        ("a.nii", &image),
        ("b.nrrd", &rgb),
    ] {
        let files = formats::write(image, name, false, false).unwrap();
        let (file, offset, big) = formats::raw_layout(name, &files[0].1).unwrap().unwrap_or_else(|| panic!("{name}"));
        assert!(!big, "{name}");
        let data = if file.is_empty() { &files[0].1 } else { &files.iter().find(|f| f.0 == file).unwrap().1 };
        let n = image.byte_len().unwrap();
        let pixels = Pixels::from_le_bytes(image.ctype, &data[offset as usize..offset as usize + n]).unwrap();
        assert_eq!(Some(&pixels), image.data.as_ref(), "{name}");
        // Only the header is needed.
        let header = if file.is_empty() { &files[0].1[..offset as usize] } else { &files[0].1[..] };
        assert_eq!(formats::raw_layout(name, header).unwrap(), Some((file, offset, big)), "{name}");
    }
    for name in ["c.nrrd", "c.mha", "c.nii.gz", "c.png", "c.witk"] {
        let image = sample(Ctype::U8, vec![5, 4], 1);
        let files = formats::write(&image, name, false, true).unwrap();
        assert_eq!(formats::raw_layout(name, &files[0].1).unwrap(), None, "{name}");
    }
}
