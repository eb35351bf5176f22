//! Every format's round trip, files as ITK writes them, and hostile input. (SimpleITK
//! and itkwasm-transform-io check the same formats from Python in tests/python.)

use crate::formats::{self, Format, ALL};
use crate::model::{Code, Parameterization as P, Pixels, Transform};

fn euler() -> Transform {
    Transform::new(P::Euler3D, (3, 3), vec![1.0, 2.0, 3.0, 0.0], Pixels::F64(vec![0.1, 0.2, 0.3, 4.0, 5.0, 6.0]))
}

fn affine() -> Transform {
    let p = vec![1.0, 0.1, 0.0, 0.0, 1.0, 0.0, 0.0, 0.2, 1.0, 1.0, 2.0, 3.0];
    Transform::new(P::Affine, (3, 3), vec![0.5, 0.5, 0.5], Pixels::F64(p))
}

fn composite() -> Vec<Transform> {
    let c = Transform::new(P::Composite, (3, 3), Vec::new(), Pixels::F64(Vec::new()));
    vec![c, euler(), affine()]
}

fn field() -> Transform {
    // A 2x2x1 displacement field: fixed parameters are size, origin, spacing, direction.
    let mut fixed = vec![2.0, 2.0, 1.0, -1.5, 0.0, 2.0, 0.5, 0.5, 1.0];
    fixed.extend([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
    Transform::new(P::DisplacementField, (3, 3), fixed, Pixels::F64((0..12).map(|i| i as f64 * 0.25 - 1.0).collect()))
}

fn name(f: Format) -> String {
    format!("t{}", f.extensions()[0])
}

#[test]
fn every_format_round_trips_what_it_holds() {
    for f in ALL {
        let lists: Vec<Vec<Transform>> = match f {
            Format::Mnc => vec![vec![affine()]],
            Format::Mat => vec![vec![euler()], vec![affine()], vec![field()]],
            _ => vec![vec![euler()], composite(), vec![field()]],
        };
        for list in lists {
            let bytes = f.write(&list, false, false).unwrap();
            assert_eq!(formats::detect(&name(f), &bytes).unwrap(), f);
            let back = formats::read(&name(f), &bytes, false).unwrap();
            if f == Format::Mnc {
                // MINC keeps the matrix and offset: the centre folds into the offset.
                let (m, off) = crate::linear::matrix_offset(&back[0]).unwrap();
                let (m0, off0) = crate::linear::matrix_offset(&list[0]).unwrap();
                for i in 0..3 {
                    assert!((off[i] - off0[i]).abs() < 1e-12);
                    for j in 0..3 {
                        assert!((m[i][j] - m0[i][j]).abs() < 1e-15);
                    }
                }
                continue;
            }
            assert_eq!(back, list, "{f:?}");
        }
    }
}

#[test]
fn float_parameters_write_and_read_float32() {
    for f in [Format::Txt, Format::Hdf5, Format::Mat, Format::Iwt, Format::IwtZstd] {
        let bytes = f.write(&[euler()], true, false).unwrap();
        let back = formats::read(&name(f), &bytes, true).unwrap();
        assert_eq!(back[0].params, Pixels::F32(vec![0.1, 0.2, 0.3, 4.0, 5.0, 6.0]), "{f:?}");
        // Without float-parameters, float64 (of the float32 values), as ITK-Wasm reads.
        let doubles = formats::read(&name(f), &bytes, false).unwrap();
        // Binary float32 widens exactly; text is parsed as float64 ("0.1" is 0.1), as ITK does.
        let widened =
            if f == Format::Txt { vec![0.1, 0.2, 0.3] } else { vec![0.1f32 as f64, 0.2f32 as f64, 0.3f32 as f64] };
        assert_eq!(doubles[0].params, Pixels::F64([widened, vec![4.0, 5.0, 6.0]].concat()), "{f:?}");
        // And float-parameters on read converts a double file.
        let doubles = f.write(&[euler()], false, false).unwrap();
        assert!(formats::read(&name(f), &doubles, true).unwrap()[0].is_float());
    }
    let text = String::from_utf8(Format::Txt.write(&[euler()], true, false).unwrap()).unwrap();
    assert!(text.contains("Euler3DTransform_float_3_3") && text.contains("Parameters: 0.1 0.2 0.3 4 5 6"));
}

#[test]
fn reads_itk_text_as_itk_writes_it() {
    let text = b"#Insight Transform File V1.0\n#Transform 0\nTransform: CompositeTransform_double_3_3\n#Transform 1\nTransform: Euler3DTransform_double_3_3\nParameters: 0.1 0.2 0.3 4 5 6\nFixedParameters: 1 2 3 0\n#Transform 2\nTransform: AffineTransform_double_3_3\nParameters: 1 0.1 0 0 1 0 0 0.2 1 1 2 3\nFixedParameters: 0.5 0.5 0.5\n";
    assert_eq!(formats::read("t.tfm", text, false).unwrap(), composite());
    // ITK-Wasm's own read_transform fails on .txt; the name does not matter to us.
    assert_eq!(formats::read("anything", text, false).unwrap(), composite());
    // Older and ANTs class names.
    let ants = b"#Insight Transform File V1.0\nTransform: MatrixOffsetTransformBase_double_3_3\nParameters: 1 0 0 0 1 0 0 0 1 0 0 0\nFixedParameters: 0 0 0\n";
    assert_eq!(formats::read("a.txt", ants, false).unwrap()[0].kind, P::Affine);
    // An Euler transform of ITK 4's files has no ComputeZYX flag: ITK reads it as 0.
    let old = b"#Insight Transform File V1.0\nTransform: Euler3DTransform_double_3_3\nParameters: 0 0 0 0 0 0\nFixedParameters: 1 2 3\n";
    assert_eq!(formats::read("e.txt", old, false).unwrap()[0].fixed, vec![1.0, 2.0, 3.0, 0.0]);
}

#[test]
fn itk_mat_bytes() {
    // What ITK writes for the Euler transform (ITK-Wasm 1.1's mat-write-transform).
    let bytes = Format::Mat.write(&[euler()], false, false).unwrap();
    assert_eq!(&bytes[..20], &[0, 0, 0, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0]);
    assert_eq!(&bytes[20..48], b"Euler3DTransform_double_3_3\0");
    assert_eq!(bytes.len(), 154);
}

#[test]
fn minc_matrix_is_itks() {
    // ITK-Wasm 1.1's mnc-write-transform for the Euler transform (ITK's own numbers).
    let itk = [
        [0.93043206365703, -0.294043836551856, 0.218710761291679, 4.00152332557165],
        [0.308577466859128, 0.950563785922063, -0.034762563776535, 4.89458265262635],
        [-0.197676811654084, 0.0998334166468282, 0.975170327201816, 6.07249899675498],
    ];
    let text = String::from_utf8(Format::Mnc.write(&[euler()], false, false).unwrap()).unwrap();
    let numbers: Vec<f64> = text
        .split_once("Linear_Transform =")
        .unwrap()
        .1
        .replace(';', " ")
        .split_ascii_whitespace()
        .map(|w| w.parse().unwrap())
        .collect();
    for i in 0..3 {
        for j in 0..4 {
            assert!((numbers[i * 4 + j] - itk[i][j]).abs() < 1e-13, "{i} {j}: {} vs {}", numbers[i * 4 + j], itk[i][j]);
        }
    }
    // Read back: an affine with the same mapping, and Inverse_Flag inverts it.
    let back = formats::read("t.xfm", text.as_bytes(), false).unwrap();
    assert_eq!(back[0].kind, P::Affine);
    let inv = text.replace("Transform_Type = Linear;", "Transform_Type = Linear;\nInverse_Flag = True;");
    let i = formats::read("t.xfm", inv.as_bytes(), false).unwrap();
    let (m, off) = crate::linear::matrix_offset(&back[0]).unwrap();
    let (mi, offi) = crate::linear::matrix_offset(&i[0]).unwrap();
    let x = [0.3, -2.0, 5.0];
    let y: Vec<f64> = (0..3).map(|r| (0..3).map(|k| m[r][k] * x[k]).sum::<f64>() + off[r]).collect();
    let z: Vec<f64> = (0..3).map(|r| (0..3).map(|k| mi[r][k] * y[k]).sum::<f64>() + offi[r]).collect();
    for k in 0..3 {
        assert!((z[k] - x[k]).abs() < 1e-12);
    }
    // A grid transform names a volume: unsupported, not misread.
    let grid = b"MNI Transform File\nTransform_Type = Grid_Transform;\nDisplacement_Volume = d.mnc;\n";
    assert_eq!(formats::read("g.xfm", grid, false).unwrap_err().code, Code::Unsupported);
}

#[test]
fn iwt_cbor_is_itk_wasms_bytes() {
    let bytes = Format::Iwt.write(&[euler()], false, false).unwrap();
    // The head of ITK-Wasm 1.1's wasm-write-transform output for this transform.
    assert!(bytes
        .starts_with(b"\x81\xa8mtransformType\xa4x\x19transformParameterizationgEuler3DsparametersValueTypegfloat64"));
    assert_eq!(bytes.len(), 336);
}

#[test]
fn writers_refuse_what_their_format_cannot_hold() {
    assert_eq!(Format::Mat.write(&composite(), false, false).unwrap_err().code, Code::Unsupported);
    assert_eq!(Format::Mnc.write(&[field()], false, false).unwrap_err().code, Code::Unsupported);
    let mut bad_list = composite();
    bad_list.swap(0, 1);
    assert_eq!(Format::Txt.write(&bad_list, false, false).unwrap_err().code, Code::InvalidArgument);
    assert_eq!(Format::Txt.write(&[], false, false).unwrap_err().code, Code::InvalidArgument);
    assert_eq!(formats::write(&[euler()], "t.unknown", false, false).unwrap_err().code, Code::Unsupported);
}

#[test]
fn hostile_files_are_typed_errors() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a.txt", b"#Insight Transform File V1.0\nTransform: NoSuchTransform_double_3_3\n".to_vec()),
        ("a.txt", b"#Insight Transform File V1.0\nTransform: AffineTransform_double_99999_3\n".to_vec()),
        ("a.txt", b"#Insight Transform File V1.0\nParameters: 1 2\n".to_vec()),
        ("a.txt", b"#Insight Transform File V1.0\nTransform: AffineTransform_double_3_3\nParameters: 1 x\n".to_vec()),
        ("a.mat", [&[0u8, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0], &b"a\0"[..]].concat()),
        ("a.xfm", b"MNI Transform File\nTransform_Type = Linear;\nLinear_Transform = 1 2 3;\n".to_vec()),
        ("a.h5", b"\x89HDF\r\n\x1a\n\x02\x08\x08\x00garbage after the signature".to_vec()),
        ("a.iwt.cbor", b"\x81\xa2mtransformType\xa0rnumberOfParameters\x1b\x00\x00\x00\xff\x00\x00\x00\x00".to_vec()),
        ("a.iwt.cbor", b"\x9b\x00\x00\x00\x00\xff\xff\xff\xff".to_vec()),
    ];
    for (n, bytes) in cases {
        let e = formats::read(n, &bytes, false).unwrap_err();
        assert!(matches!(e.code, Code::InvalidData | Code::Unsupported | Code::LimitExceeded), "{n}: {e:?}");
    }
    // Truncations of every format's file fail cleanly (or read a consistent prefix).
    for f in ALL {
        let list = if f == Format::Mnc || f == Format::Mat { vec![affine()] } else { composite() };
        let bytes = f.write(&list, false, false).unwrap();
        for cut in [1, bytes.len() / 4, bytes.len() / 2, bytes.len() - 1] {
            let _ = formats::read(&name(f), &bytes[..cut], false);
        }
    }
}
