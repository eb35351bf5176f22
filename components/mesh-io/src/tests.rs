//! Every format, round trip and hostile input, natively. (Peers — meshio, trimesh,
//! nibabel, ITK-Wasm — check the same formats from Python in tests/python.)

use crate::formats::{self, Format, Options, ALL};
use crate::model::{cell, to_f64, Code, Ctype, Data, Mesh, Pixel, Pixels};

/// A tetrahedron's surface, plus a quad on a fifth point: triangles and a polygon.
fn surface() -> Mesh {
    let points = vec![0.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.0, 1.25, 0.0, 0.0, 0.0, 1.0, 2.5, 2.0, -1.0];
    let cells = vec![4, 3, 0, 1, 2, 4, 3, 0, 1, 3, 4, 3, 0, 2, 3, 4, 3, 1, 2, 3, 4, 4, 1, 4, 3, 2];
    Mesh::new(3, Pixels::F32(points), cells, 5)
}

fn triangles() -> Mesh {
    let mut m = surface();
    let c: Vec<u32> = vec![2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 0, 2, 3, 2, 3, 1, 2, 3];
    m.cell_buffer_size = c.len() as u64;
    m.cells = Some(Pixels::U32(c));
    m.number_of_cells = 4;
    m.number_of_points = 4;
    m.points = Some(Pixels::F32(vec![0.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.0, 1.25, 0.0, 0.0, 0.0, 1.0]));
    m
}

fn write(format: Format, mesh: &Mesh, binary: bool) -> Vec<u8> {
    formats::write_as(format, mesh, &Options { binary, ..Default::default() }).unwrap()
}

fn read_back(format: Format, bytes: &[u8]) -> Mesh {
    let name = format!("mesh{}", format.extensions()[0]);
    let m = formats::read(&name, bytes, false).unwrap();
    assert_eq!(formats::detect(&name, bytes).unwrap(), format);
    m
}

fn cells(m: &Mesh) -> Vec<(u64, Vec<u64>)> {
    let mut out = Vec::new();
    m.each_cell(|k, ids| {
        out.push((k, ids.to_vec()));
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn polygon_formats_round_trip_points_and_cells() {
    for (format, binary) in [
        (Format::Vtk, false),
        (Format::Vtk, true),
        (Format::Vtp, false),
        (Format::Vtp, true),
        (Format::Obj, false),
        (Format::Off, false),
        (Format::Ply, false),
        (Format::Ply, true),
        (Format::Byu, false),
        (Format::Iwm, false),
        (Format::IwmZstd, false),
    ] {
        let m = surface();
        let back = read_back(format, &write(format, &m, binary));
        assert_eq!(back.points, m.points, "{format:?} {binary}");
        assert_eq!(cells(&back), cells(&m), "{format:?} {binary}");
        assert_eq!(back.number_of_cells, 5);
    }
}

#[test]
fn triangle_formats_round_trip() {
    for (format, binary) in [
        (Format::Stl, false),
        (Format::Stl, true),
        (Format::FreeSurferAscii, false),
        (Format::FreeSurferBinary, false),
        (Format::Mz3, false),
        (Format::Gifti, false),
    ] {
        let m = triangles();
        let back = read_back(format, &write(format, &m, binary));
        assert_eq!(back.points, m.points, "{format:?}");
        let tri: Vec<_> = cells(&m).into_iter().map(|(_, ids)| (cell::TRIANGLE, ids)).collect();
        assert_eq!(cells(&back), tri, "{format:?}");
    }
}

#[test]
fn stl_fans_polygons_and_merges_shared_vertices() {
    let back = read_back(Format::Stl, &write(Format::Stl, &surface(), true));
    assert_eq!(back.number_of_points, 5);
    assert_eq!(back.number_of_cells, 6); // four triangles and a quad as two
    let e = formats::write_as(Format::Stl, &lines(), &Options::default()).unwrap_err();
    assert_eq!(e.code, Code::Unsupported);
}

fn lines() -> Mesh {
    let mut m = surface();
    let c: Vec<u32> = vec![0, 1, 4, 1, 2, 0, 1, 10, 3, 1, 2, 3];
    m.cell_buffer_size = c.len() as u64;
    m.cells = Some(Pixels::U32(c));
    m.number_of_cells = 3;
    m
}

#[test]
fn vertices_lines_and_polylines_survive_vtk_and_obj() {
    for (format, binary) in [(Format::Vtk, false), (Format::Vtk, true), (Format::Obj, false)] {
        let m = lines();
        assert_eq!(cells(&read_back(format, &write(format, &m, binary))), cells(&m), "{format:?}");
    }
}

#[test]
fn point_and_cell_data_survive_where_the_format_holds_them() {
    let mut m = surface();
    m.point_data = Data::new(Pixel::Scalar, 1, 5, Pixels::F32(vec![0.5, 1.0, -2.0, 3.0, 4.25]));
    m.cell_data = Data::new(Pixel::Vector, 3, 5, Pixels::F64((0..15).map(|i| i as f64 * 0.5).collect()));
    for (format, binary) in [
        (Format::Vtk, false),
        (Format::Vtk, true),
        (Format::Vtp, false),
        (Format::Vtp, true),
        (Format::Iwm, false),
        (Format::IwmZstd, false),
    ] {
        let back = read_back(format, &write(format, &m, binary));
        assert_eq!(back.point_data, m.point_data, "{format:?} {binary}");
        assert_eq!(back.cell_data, m.cell_data, "{format:?} {binary}");
    }
    // PLY: colours per vertex, a scalar per face.
    let mut m = surface();
    m.point_data = Data::new(Pixel::Rgb, 3, 5, Pixels::U8((0..15).map(|i| i * 17).collect()));
    m.cell_data = Data::new(Pixel::Scalar, 1, 5, Pixels::I32(vec![7, -1, 3, 0, 9]));
    for binary in [false, true] {
        let back = read_back(Format::Ply, &write(Format::Ply, &m, binary));
        assert_eq!(back.point_data, m.point_data, "{binary}");
        assert_eq!(back.cell_data, m.cell_data, "{binary}");
    }
    // VTK colours (COLOR_SCALARS), tensors (six of nine).
    let mut m = surface();
    m.point_data = Data::new(Pixel::Rgba, 4, 5, Pixels::U8((0..20).map(|i| i * 13).collect()));
    m.cell_data = Data::new(Pixel::SymmetricSecondRankTensor, 6, 5, Pixels::F32((0..30).map(|i| i as f32).collect()));
    for binary in [false, true] {
        for format in [Format::Vtk, Format::Vtp] {
            let back = read_back(format, &write(format, &m, binary));
            assert_eq!(back.point_data, m.point_data, "{format:?} {binary}");
            assert_eq!(back.cell_data, m.cell_data, "{format:?} {binary}");
        }
    }
    // OBJ normals, MZ3 scalars.
    let mut m = surface();
    m.point_data = Data::new(Pixel::Vector, 3, 5, Pixels::F32((0..15).map(|i| i as f32 / 4.0).collect()));
    assert_eq!(read_back(Format::Obj, &write(Format::Obj, &m, false)).point_data, m.point_data);
    let mut m = triangles();
    m.point_data = Data::new(Pixel::Scalar, 1, 4, Pixels::F32(vec![1.0, 2.0, 3.5, -4.0]));
    assert_eq!(read_back(Format::Mz3, &write(Format::Mz3, &m, false)).point_data, m.point_data);
    let gz = formats::write_as(Format::Mz3, &m, &Options { compression: true, ..Default::default() }).unwrap();
    assert!(gz.starts_with(&[0x1f, 0x8b]));
    assert_eq!(read_back(Format::Mz3, &gz).point_data, m.point_data);
}

#[test]
fn double_points_stay_double_in_vtk_ply_and_iwm() {
    let mut m = surface();
    let p: Vec<f64> = crate::model::to_f64(m.points.as_ref().unwrap()).iter().map(|v| v + 0.1).collect();
    m.points = Some(Pixels::F64(p));
    m.point_ctype = Ctype::F64;
    for (format, binary) in [
        (Format::Vtk, false),
        (Format::Vtk, true),
        (Format::Vtp, false),
        (Format::Vtp, true),
        (Format::Ply, true),
        (Format::Ply, false),
        (Format::Iwm, false),
    ] {
        assert_eq!(read_back(format, &write(format, &m, binary)).points, m.points, "{format:?} {binary}");
    }
}

#[test]
fn swc_keeps_the_tree_and_type_and_radius() {
    let text = b"# a neuron\n1 1 0 0 0 2.5 -1\n2 3 1 0 0 1 1\n3 3 2 1 0 0.5 2\n4 2 1 -1 0 0.75 2\n";
    let m = formats::read("n.swc", text, false).unwrap();
    assert_eq!(m.number_of_points, 4);
    assert_eq!(cells(&m), vec![(cell::LINE, vec![0, 1]), (cell::LINE, vec![1, 2]), (cell::LINE, vec![1, 3])]);
    assert_eq!(m.point_data.values, Some(Pixels::F32(vec![1.0, 2.5, 3.0, 1.0, 3.0, 0.5, 2.0, 0.75])));
    let back = formats::read("n.swc", &formats::write(&m, "n.swc", &Options::default()).unwrap(), false).unwrap();
    assert_eq!(back, m);
}

#[test]
fn vtk_reads_what_other_writers_write() {
    // meshio 5.3's unstructured grid, file version 5.1 (OFFSETS/CONNECTIVITY), FIELD data.
    let v51 = b"# vtk DataFile Version 5.1\nwritten by meshio v5.3.5\nASCII\nDATASET UNSTRUCTURED_GRID\nPOINTS 4 float\n0.0 0.0 0.0 1.0 0.0 0.0 0.0 1.0 0.0 0.0 0.0 1.0\nCELLS 3 4\nOFFSETS vtktypeint64\n0\n3\n4\nCONNECTIVITY vtktypeint64\n0\n1\n2\n3\nCELL_TYPES 2\n5\n1\nPOINT_DATA 4\nFIELD FieldData 1\ns 1 4 float\n0.0 1.0 2.0 3.0\n";
    let m = formats::read("a.vtk", v51, false).unwrap();
    assert_eq!(cells(&m), vec![(cell::TRIANGLE, vec![0, 1, 2]), (cell::VERTEX, vec![3])]);
    assert_eq!(m.point_data.values, Some(Pixels::F32(vec![0.0, 1.0, 2.0, 3.0])));
    // Polydata with every section, a strip, a poly-vertex and cell data for each input cell.
    let poly = b"# vtk DataFile Version 3.0\nt\nASCII\nDATASET POLYDATA\nPOINTS 5 double\n0 0 0 1 0 0 0 1 0 0 0 1 1 1 1\nVERTICES 1 3\n2 3 4\nLINES 1 4\n3 0 1 2\nPOLYGONS 1 4\n3 0 1 2\nTRIANGLE_STRIPS 1 5\n4 0 1 2 3\nCELL_DATA 4\nSCALARS c int 1\nLOOKUP_TABLE default\n10 20 30 40\n";
    let m = formats::read("p.vtk", poly, false).unwrap();
    assert_eq!(
        cells(&m),
        vec![
            (cell::VERTEX, vec![3]),
            (cell::VERTEX, vec![4]),
            (cell::POLYLINE, vec![0, 1, 2]),
            (cell::POLYGON, vec![0, 1, 2]),
            (cell::TRIANGLE, vec![0, 1, 2]),
            (cell::TRIANGLE, vec![2, 1, 3]),
        ]
    );
    assert_eq!(m.cell_data.values, Some(Pixels::I32(vec![10, 10, 20, 30, 40, 40])));
    assert_eq!(m.point_ctype, Ctype::F64);
    // An image is not a mesh.
    let img = b"# vtk DataFile Version 3.0\nt\nASCII\nDATASET STRUCTURED_POINTS\nDIMENSIONS 2 2 1\n";
    assert_eq!(formats::read("i.vtk", img, false).unwrap_err().code, Code::Unsupported);
}

#[test]
fn obj_reads_slashes_negative_indices_and_comments() {
    let text = b"# c\nmtllib x.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0 0.5 0.5 0.5\nvt 0 0\nvn 0 0 1\nvn 0 0 1\nvn 0 0 1\ng part\nf 1/1/1 2//2 -1/1/3\nl 1 2 3\np 2\n";
    let m = formats::read("a.obj", text, false).unwrap();
    assert_eq!(
        cells(&m),
        vec![(cell::POLYGON, vec![0, 1, 2]), (cell::POLYLINE, vec![0, 1, 2]), (cell::VERTEX, vec![1])]
    );
    assert_eq!(m.point_data.components, 3);
}

#[test]
fn off_reads_comments_colours_and_counts_on_the_keyword_line() {
    let text = b"OFF 3 1 0\n# a comment\n\n0 0 0\n1 0 0 # trailing\n0 1 0\n3 0 1 2 255 0 0\n";
    let m = formats::read("a.off", text, false).unwrap();
    assert_eq!((m.number_of_points, cells(&m)), (3, vec![(cell::POLYGON, vec![0, 1, 2])]));
}

#[test]
fn information_only_reads_counts_without_buffers() {
    let bytes = write(Format::Vtk, &surface(), true);
    let m = formats::read("a.vtk", &bytes, true).unwrap();
    assert!(m.points.is_none() && m.cells.is_none());
    assert_eq!((m.number_of_points, m.number_of_cells), (5, 5));
    let iwm = formats::write_as(Format::Iwm, &m, &Options { info_only: true, ..Default::default() }).unwrap();
    let back = formats::read("a.iwm.cbor", &iwm, true).unwrap();
    assert_eq!((back.number_of_points, back.number_of_cells, back.cell_buffer_size), (5, 5, 26));
    // Other formats cannot hold a header alone.
    let e = formats::write_as(Format::Vtk, &m, &Options { info_only: true, ..Default::default() }).unwrap_err();
    assert_eq!(e.code, Code::Unsupported);
}

#[test]
fn detection_by_magic_then_longest_extension() {
    let vtk = write(Format::Vtk, &surface(), false);
    assert_eq!(formats::detect("misnamed.stl", &vtk).unwrap(), Format::Vtk);
    assert_eq!(formats::detect("lh.pial.v2.obj", b"v 0 0 0\n").unwrap(), Format::Obj);
    assert_eq!(formats::detect("a.iwm.cbor.zst", b"").unwrap(), Format::IwmZstd);
    assert_eq!(formats::detect("x.unknown", b"hello").unwrap_err().code, Code::Unsupported);
    // A FreeSurfer surface has no extension: its magic says what it is.
    let fs = write(Format::FreeSurferBinary, &triangles(), false);
    assert_eq!(formats::detect("lh.pial", &fs).unwrap(), Format::FreeSurferBinary);
    // Per-format readers say "not mine" rather than failing on another format's file.
    assert!(formats::read_as(Format::Stl, "a.vtk", &vtk, false).unwrap().is_none());
    assert!(formats::read_as(Format::Obj, "a.obj", &vtk, false).unwrap().is_none());
}

#[test]
fn hostile_files_are_typed_errors() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a.vtk", b"# vtk DataFile Version 4.2\nt\nBINARY\nDATASET POLYDATA\nPOINTS 4000000000 float\n\0\0".to_vec()),
        ("a.vtk", b"# vtk DataFile Version 4.2\nt\nASCII\nDATASET POLYDATA\nPOINTS 1 float\n0 0 0\nPOLYGONS 1 4\n3 0 1 2\n".to_vec()),
        ("a.vtk", b"# vtk DataFile Version 4.2\nt\nASCII\nDATASET POLYDATA\nPOINTS 3 float\n0 0 0 1 1 1 2 2 2\nPOLYGONS 1 4\n9 0 1 2\n".to_vec()),
        ("a.vtk", b"# vtk DataFile Version 5.1\nt\nASCII\nDATASET POLYDATA\nPOINTS 3 float\n0 0 0 1 1 1 2 2 2\nPOLYGONS 2 3\nOFFSETS vtktypeint64\n0 5\nCONNECTIVITY vtktypeint64\n0 1 2\n".to_vec()),
        ("a.ply", b"ply\nformat binary_little_endian 1.0\nelement vertex 99999999999\nproperty float x\nproperty float y\nend_header\n".to_vec()),
        ("a.ply", b"ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0\n3 0 -1 5\n".to_vec()),
        ("a.off", b"OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n".to_vec()),
        ("a.off", b"OFF\n18446744073709551615 1 0\n".to_vec()),
        ("a.obj", b"v 0 0 0\nf 1 2 3\n".to_vec()),
        ("a.obj", b"v 0 0\n".to_vec()),
        ("a.stl", b"solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0\n".to_vec()),
        ("a.byu", b"1 3 1 3\n1 1\n0 0 0 1 0 0 0 1 0\n1 2 -9\n".to_vec()),
        ("lh.pial", [&[0xff, 0xff, 0xfe][..], b"created\n\n", &[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1]].concat()),
        ("a.mz3", [&b"MZ"[..], &[3, 0], &[1, 0, 0, 0], &[0xff, 0xff, 0xff, 0x0f], &[0; 4]].concat()),
        ("a.swc", b"1 1 0 0 0 1 7\n".to_vec()),
        ("a.iwm.cbor", b"\xa2hmeshType\xa1idimension\x03fpoints\xd8\x55\x5a\xff\xff\xff\xff".to_vec()),
    ];
    for (name, bytes) in cases {
        let e = formats::read(name, &bytes, false).unwrap_err();
        assert!(matches!(e.code, Code::InvalidData | Code::LimitExceeded), "{name}: {e:?}");
        // Truncations of a valid file fail cleanly too.
    }
    for format in ALL {
        let m = if matches!(
            format,
            Format::Stl | Format::FreeSurferAscii | Format::FreeSurferBinary | Format::Mz3 | Format::Gifti
        ) {
            triangles()
        } else if format == Format::Swc {
            lines_for_swc()
        } else {
            surface()
        };
        let bytes = write(format, &m, true);
        for cut in [1, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
            let name = format!("t{}", format.extensions()[0]);
            if let Ok(back) = formats::read(&name, &bytes[..cut], false) {
                // Text formats may end at a line: what they read must still be consistent.
                back.check().unwrap();
            }
        }
    }
}

fn lines_for_swc() -> Mesh {
    let mut m = surface();
    let c: Vec<u32> = vec![1, 2, 0, 1, 1, 2, 1, 2];
    m.cell_buffer_size = c.len() as u64;
    m.cells = Some(Pixels::U32(c));
    m.number_of_cells = 2;
    m
}

#[test]
fn callers_meshes_are_checked_before_writing() {
    let mut m = surface();
    m.cells = Some(Pixels::U32(vec![4, 3, 0, 1, 99]));
    m.cell_buffer_size = 5;
    m.number_of_cells = 1;
    assert!(m.validate().unwrap_err().message.contains("names point 99"));
    let mut m = surface();
    m.cells = Some(Pixels::U32(vec![4, 1000, 0]));
    m.cell_buffer_size = 3;
    assert!(m.validate().is_err());
    let mut m = surface();
    m.points = Some(Pixels::F32(vec![0.0; 4]));
    assert!(m.validate().is_err());
    let mut m = surface();
    m.cells = Some(Pixels::F32(vec![4.0, 3.0, 0.0, 1.5, 2.0]));
    m.cell_ctype = Ctype::F32;
    m.cell_buffer_size = 5;
    assert!(m.validate().is_err());
}

#[test]
fn iwm_cbor_is_itk_wasms_bytes() {
    // The head of what ITK-Wasm 1.7's wasm-write-mesh writes for a float32/uint32 mesh.
    let m = triangles();
    let bytes = write(Format::Iwm, &m, false);
    // Eight keys: without point or cell data, ITK-Wasm writes neither buffer.
    assert!(bytes.starts_with(b"\xa8hmeshType\xa9idimension\x1a\x00\x00\x00\x03rpointComponentTypegfloat32"));
    let points = bytes.windows(8).position(|w| w == b"fpoints\xd8").unwrap();
    assert_eq!(bytes[points + 8], 0x55); // float32 little-endian typed array
}

// -- the XML formats: GIFTI and VTK XML PolyData -----------------------------------------

use crate::formats::xml::{base64, deflate};

fn gifti(arrays: &[String]) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE GIFTI SYSTEM \"gifti.dtd\">\n<GIFTI Version=\"1.0\" NumberOfDataArrays=\"{}\">\n<MetaData/>\n{}</GIFTI>\n",
        arrays.len(),
        arrays.concat()
    )
    .into_bytes()
}

fn gifti_array(intent: &str, dtype: &str, dims: &[u64], encoding: &str, attrs: &str, data: &str) -> String {
    let d: String = dims.iter().enumerate().map(|(i, d)| format!(" Dim{i}=\"{d}\"")).collect();
    format!(
        "<DataArray Intent=\"NIFTI_INTENT_{intent}\" DataType=\"NIFTI_TYPE_{dtype}\" Dimensionality=\"{}\"{d} Encoding=\"{encoding}\" {attrs}>\n<MetaData/>\n<Data>{data}</Data>\n</DataArray>\n",
        dims.len()
    )
}

fn be_f32(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn le<T: Copy>(v: &[T], f: fn(T) -> Vec<u8>) -> Vec<u8> {
    v.iter().flat_map(|&x| f(x)).collect()
}

fn corner_ids(m: &Mesh) -> Vec<Vec<u64>> {
    cells(m).into_iter().map(|(_, ids)| ids).collect()
}

#[test]
fn gifti_reads_ascii_base64_zlib_either_endian_and_column_major() {
    let m = triangles();
    let p = match m.points.as_ref().unwrap() {
        Pixels::F32(p) => p.clone(),
        _ => unreachable!(),
    };
    let tris: Vec<i32> = vec![0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3];
    let text = |v: &[f32]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" ");
    let columns: Vec<f32> = (0..3).flat_map(|c| (0..4).map(move |r| (r, c))).map(|(r, c)| p[r * 3 + c]).collect();
    let shape = [0.5f32, -1.0, 2.25, 8.0];
    let variants = [
        // ASCII, row-major; triangles ASCII.
        (
            gifti_array("POINTSET", "FLOAT32", &[4, 3], "ASCII", "", &text(&p)),
            gifti_array("TRIANGLE", "INT32", &[4, 3], "ASCII", "", "0 1 2\n0 1 3\n0 2 3\n1 2 3"),
        ),
        // ASCII, column-major.
        (
            gifti_array(
                "POINTSET",
                "FLOAT32",
                &[4, 3],
                "ASCII",
                "ArrayIndexingOrder=\"ColumnMajorOrder\"",
                &text(&columns),
            ),
            gifti_array(
                "TRIANGLE",
                "INT32",
                &[4, 3],
                "Base64Binary",
                "Endian=\"LittleEndian\"",
                &base64(&le(&tris, |x| x.to_le_bytes().to_vec())),
            ),
        ),
        // Base64, big-endian; triangles zlib, column-major.
        (
            gifti_array("POINTSET", "FLOAT32", &[4, 3], "Base64Binary", "Endian=\"BigEndian\"", &base64(&be_f32(&p))),
            gifti_array(
                "TRIANGLE",
                "INT32",
                &[4, 3],
                "GZipBase64Binary",
                "ArrayIndexingOrder=\"ColumnMajorOrder\"",
                &base64(
                    &deflate(&le(&[0i32, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], |x| x.to_le_bytes().to_vec()), "t").unwrap(),
                ),
            ),
        ),
        // zlib, big-endian, base64 wrapped over lines.
        (
            gifti_array(
                "POINTSET",
                "FLOAT32",
                &[4, 3],
                "GZipBase64Binary",
                "Endian=\"BigEndian\"",
                &base64(&deflate(&be_f32(&p), "t").unwrap())
                    .as_bytes()
                    .chunks(10)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            gifti_array("TRIANGLE", "INT32", &[4, 3], "ASCII", "", "0 1 2 0 1 3 0 2 3 1 2 3"),
        ),
    ];
    for (i, (points, triangles)) in variants.iter().enumerate() {
        let data = gifti_array(
            "SHAPE",
            "FLOAT32",
            &[4],
            "Base64Binary",
            "",
            &base64(&le(&shape, |x| x.to_le_bytes().to_vec())),
        );
        let bytes = gifti(&[points.clone(), triangles.clone(), data]);
        let back = read_back(Format::Gifti, &bytes);
        assert_eq!(back.points, m.points, "variant {i}");
        // (Variant 2's column-major triangles are the transpose of the row-major ones.)
        assert_eq!(corner_ids(&back), corner_ids(&m), "variant {i}");
        assert!(cells(&back).iter().all(|(k, _)| *k == cell::TRIANGLE));
        assert_eq!(back.point_data, Data::new(Pixel::Scalar, 1, 4, Pixels::F32(shape.to_vec())), "variant {i}");
    }
    // nibabel's column-major ASCII: rows on lines, read as rows (as nibabel reads them).
    let rows: String = p.chunks(3).map(|r| text(r) + "\n").collect();
    let nib = gifti(&[
        gifti_array("POINTSET", "FLOAT32", &[4, 3], "ASCII", "ArrayIndexingOrder=\"ColumnMajorOrder\"", &rows),
        gifti_array(
            "TRIANGLE",
            "INT32",
            &[4, 3],
            "ASCII",
            "ArrayIndexingOrder=\"ColumnMajorOrder\"",
            "0 1 2\n0 1 3\n0 2 3\n1 2 3\n",
        ),
    ]);
    let back = read_back(Format::Gifti, &nib);
    assert_eq!((back.points.as_ref(), corner_ids(&back)), (m.points.as_ref(), corner_ids(&m)));
    // A data file for another surface (no POINTSET) is not a mesh.
    let overlay = gifti(&[gifti_array("SHAPE", "FLOAT32", &[4], "ASCII", "", "1 2 3 4")]);
    assert_eq!(formats::read("a.gii", &overlay, false).unwrap_err().code, Code::Unsupported);
}

#[test]
fn gifti_reads_external_file_binary_from_its_companions() {
    let m = triangles();
    let p = match m.points.as_ref().unwrap() {
        Pixels::F32(p) => p.clone(),
        _ => unreachable!(),
    };
    let tris: Vec<i32> = vec![0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3];
    // Coordinates big-endian after 16 bytes of something else in one file; the
    // triangles (little-endian) in another, named with a folder and Windows separators.
    let mut coords = vec![7u8; 16];
    coords.extend(be_f32(&p));
    let ids = le(&tris, |x: i32| x.to_le_bytes().to_vec());
    let ext = |name: &str, offset: usize, endian: &str| {
        format!("ExternalFileName=\"{name}\" ExternalFileOffset=\"{offset}\" Endian=\"{endian}\"")
    };
    let file = gifti(&[
        gifti_array("POINTSET", "FLOAT32", &[4, 3], "ExternalFileBinary", &ext("lh.coords.dat", 16, "BigEndian"), ""),
        gifti_array(
            "TRIANGLE",
            "INT32",
            &[4, 3],
            "ExternalFileBinary",
            &ext("data\\lh.tri.dat", 0, "LittleEndian"),
            "",
        ),
    ]);
    assert_eq!(formats::companions("lh.surf.gii", &file).unwrap(), ["lh.coords.dat", "data\\lh.tri.dat"]);
    let companions: [(&str, &[u8]); 2] = [("lh.tri.dat", &ids), ("lh.coords.dat", &coords)];
    let back = formats::read_with("lh.surf.gii", &file, &companions, false).unwrap();
    assert_eq!((back.points.as_ref(), corner_ids(&back)), (m.points.as_ref(), corner_ids(&m)));
    // Without its companions: a typed error naming the file; too short a file: invalid.
    let err = formats::read("lh.surf.gii", &file, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidArgument, "{}", err.message);
    assert!(err.message.contains("lh.coords.dat"), "{}", err.message);
    let short: [(&str, &[u8]); 2] = [("lh.tri.dat", &ids[..40]), ("lh.coords.dat", &coords)];
    let err = formats::read_with("lh.surf.gii", &file, &short, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData, "{}", err.message);
    let huge = String::from_utf8(file.clone())
        .unwrap()
        .replace("ExternalFileOffset=\"16\"", "ExternalFileOffset=\"18446744073709551615\"");
    assert_eq!(formats::read_with("a.gii", huge.as_bytes(), &companions, false).unwrap_err().code, Code::InvalidData);
    // Surfaces without external arrays name none, and are not parsed for it.
    assert!(formats::companions("a.gii", &write(Format::Gifti, &m, true)).unwrap().is_empty());
    assert!(formats::companions("a.vtk", &write(Format::Vtk, &m, true)).unwrap().is_empty());
    // Names, each once: a second array in the same file adds no name.
    let same = gifti(&[
        gifti_array("POINTSET", "FLOAT32", &[4, 3], "ExternalFileBinary", &ext("all.dat", 0, "BigEndian"), ""),
        gifti_array("TRIANGLE", "INT32", &[4, 3], "ExternalFileBinary", &ext("all.dat", 48, "LittleEndian"), ""),
    ]);
    assert_eq!(formats::companions("a.gii", &same).unwrap(), ["all.dat"]);
    let all = [be_f32(&p), ids.clone()].concat();
    let back = formats::read_with("a.gii", &same, &[("all.dat", &all)], false).unwrap();
    assert_eq!(corner_ids(&back), corner_ids(&m));
    // A partial header (the binding's first MiB) is an error, so the binding sends it all.
    assert_eq!(formats::companions("a.gii", &same[..same.len() - 40]).unwrap_err().code, Code::InvalidData);
}

#[test]
fn gifti_writes_base64_or_zlib_with_point_data() {
    let mut m = triangles();
    m.point_data = Data::new(Pixel::Vector, 2, 4, Pixels::I32(vec![1, -2, 3, -4, 5, -6, 7, -8]));
    for compression in [false, true] {
        let bytes = formats::write_as(Format::Gifti, &m, &Options { compression, ..Default::default() }).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.contains("GZipBase64Binary"), compression);
        assert_eq!(text.matches("<DataArray ").count(), 3);
        let back = read_back(Format::Gifti, &bytes);
        assert_eq!((back.points.as_ref(), corner_ids(&back)), (m.points.as_ref(), corner_ids(&m)));
        assert_eq!(back.point_data, m.point_data);
    }
    // Polygons of more than three points are not GIFTI's.
    assert_eq!(formats::write_as(Format::Gifti, &surface(), &Options::default()).unwrap_err().code, Code::Unsupported);
}

/// A VTK XML binary block: the header (`h` bytes a word) and data, whole or in zlib
/// blocks of `block` bytes, in the byte order asked.
fn vtk_block(data: &[u8], h: usize, big: bool, block: Option<usize>) -> (Vec<u8>, Vec<u8>) {
    let word = |w: u64| -> Vec<u8> {
        let b = if big { w.to_be_bytes().to_vec() } else { w.to_le_bytes().to_vec() };
        if big {
            b[8 - h..].to_vec()
        } else {
            b[..h].to_vec()
        }
    };
    match block {
        None => (word(data.len() as u64), data.to_vec()),
        Some(bs) => {
            let blocks: Vec<Vec<u8>> = data.chunks(bs).map(|c| deflate(c, "t").unwrap()).collect();
            let mut header = word(blocks.len() as u64);
            header.extend(word(bs as u64));
            header.extend(word((data.len() % bs) as u64));
            blocks.iter().for_each(|b| header.extend(word(b.len() as u64)));
            (header, blocks.concat())
        }
    }
}

fn vtp_file(head: &str, piece: &str, appended: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<VTKFile type=\"PolyData\" version=\"1.0\" {head}>\n<PolyData>\n{piece}</PolyData>\n"
    )
    .into_bytes();
    if let Some((encoding, data)) = appended {
        out.extend(format!("<AppendedData encoding=\"{encoding}\">\n   _").as_bytes());
        out.extend(data);
        out.extend(b"\n</AppendedData>\n");
    }
    out.extend(b"</VTKFile>\n");
    out
}

#[test]
fn vtp_reads_appended_raw_and_base64_both_headers_both_byte_orders_and_blocks() {
    let m = surface();
    let points: Vec<f32> = match m.points.as_ref().unwrap() {
        Pixels::F32(p) => p.clone(),
        _ => unreachable!(),
    };
    let conn: Vec<i32> = vec![0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3, 1, 4, 3, 2];
    let offsets: Vec<i32> = vec![3, 6, 9, 12, 16];
    let scalars: Vec<f64> = vec![0.5, -1.0, 2.0, 3.0, 4.5];
    for (h, big, block, encoding) in [
        (4, false, None, "raw"),
        (8, false, Some(16), "raw"),
        (4, true, Some(7), "base64"),
        (8, true, None, "base64"),
        (8, false, Some(1 << 15), "base64"),
    ] {
        let bytes = |v: Vec<Vec<u8>>| v.concat();
        let arrays = [
            bytes(points.iter().map(|x| if big { x.to_be_bytes() } else { x.to_le_bytes() }.to_vec()).collect()),
            bytes(conn.iter().map(|x| if big { x.to_be_bytes() } else { x.to_le_bytes() }.to_vec()).collect()),
            bytes(offsets.iter().map(|x| if big { x.to_be_bytes() } else { x.to_le_bytes() }.to_vec()).collect()),
            bytes(scalars.iter().map(|x| if big { x.to_be_bytes() } else { x.to_le_bytes() }.to_vec()).collect()),
        ];
        let mut appended = Vec::new();
        let mut at = Vec::new();
        for a in &arrays {
            at.push(appended.len());
            let (header, data) = vtk_block(a, h, big, block);
            if encoding == "raw" {
                appended.extend(header);
                appended.extend(data);
            } else {
                appended.extend(base64(&header).as_bytes());
                appended.extend(base64(&data).as_bytes());
            }
        }
        let head = format!(
            "byte_order=\"{}\" header_type=\"UInt{}\"{}",
            if big { "BigEndian" } else { "LittleEndian" },
            h * 8,
            if block.is_some() { " compressor=\"vtkZLibDataCompressor\"" } else { "" }
        );
        let piece = format!(
            "<Piece NumberOfPoints=\"5\" NumberOfPolys=\"5\">\n<PointData Scalars=\"s\"><DataArray type=\"Float64\" Name=\"s\" format=\"appended\" offset=\"{}\"/></PointData>\n<Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"appended\" offset=\"{}\"/></Points>\n<Polys><DataArray type=\"Int32\" Name=\"connectivity\" format=\"appended\" offset=\"{}\"/><DataArray type=\"Int32\" Name=\"offsets\" format=\"appended\" offset=\"{}\"/></Polys>\n</Piece>\n",
            at[3], at[0], at[1], at[2]
        );
        let file = vtp_file(&head, &piece, Some((encoding, &appended)));
        let back = read_back(Format::Vtp, &file);
        let what = format!("{h} {big} {block:?} {encoding}");
        assert_eq!(back.points, m.points, "{what}");
        assert_eq!(cells(&back), cells(&m), "{what}");
        assert_eq!(back.point_data, Data::new(Pixel::Scalar, 1, 5, Pixels::F64(scalars.clone())), "{what}");
    }
}

#[test]
fn vtp_maps_verts_lines_polys_and_strips_as_the_legacy_reader() {
    // The legacy test's polydata, as VTP: ascii, with cell data for each input cell.
    let piece = "<Piece NumberOfPoints=\"5\" NumberOfVerts=\"1\" NumberOfLines=\"1\" NumberOfStrips=\"1\" NumberOfPolys=\"1\">
<CellData><DataArray type=\"Int32\" Name=\"c\" format=\"ascii\">10 20 30 40</DataArray></CellData>
<Points><DataArray type=\"Float64\" NumberOfComponents=\"3\" format=\"ascii\">0 0 0 1 0 0 0 1 0 0 0 1 1 1 1</DataArray></Points>
<Verts><DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">3 4</DataArray><DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">2</DataArray></Verts>
<Lines><DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">0 1 2</DataArray><DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">3</DataArray></Lines>
<Strips><DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">0 1 2 3</DataArray><DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">4</DataArray></Strips>
<Polys><DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">0 1 2</DataArray><DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">3</DataArray></Polys>
</Piece>\n";
    let m = read_back(Format::Vtp, &vtp_file("byte_order=\"LittleEndian\"", piece, None));
    assert_eq!(
        cells(&m),
        vec![
            (cell::VERTEX, vec![3]),
            (cell::VERTEX, vec![4]),
            (cell::POLYLINE, vec![0, 1, 2]),
            (cell::POLYGON, vec![0, 1, 2]),
            (cell::TRIANGLE, vec![0, 1, 2]),
            (cell::TRIANGLE, vec![2, 1, 3]),
        ]
    );
    assert_eq!(m.cell_data.values, Some(Pixels::I32(vec![10, 10, 20, 30, 40, 40])));
    assert_eq!(m.point_ctype, Ctype::F64);
    // Out-of-order cells are written in VTK's order, their cell data with them.
    let mut l = lines();
    l.cells = Some(Pixels::U32(vec![1, 2, 0, 1, 0, 1, 4, 10, 3, 1, 2, 3]));
    l.cell_data = Data::new(Pixel::Scalar, 1, 3, Pixels::U16(vec![1, 2, 3]));
    let mixed = read_back(Format::Vtp, &write(Format::Vtp, &l, true));
    assert_eq!(cells(&mixed), vec![(cell::VERTEX, vec![4]), (cell::LINE, vec![0, 1]), (cell::POLYLINE, vec![1, 2, 3])]);
    assert_eq!(mixed.cell_data.values, Some(Pixels::U16(vec![2, 1, 3])));
    // Volume cells are not VTP's; an unstructured grid is not PolyData.
    let mut tet = triangles();
    tet.cells = Some(Pixels::U32(vec![5, 4, 0, 1, 2, 3]));
    (tet.cell_buffer_size, tet.number_of_cells) = (6, 1);
    assert_eq!(formats::write_as(Format::Vtp, &tet, &Options::default()).unwrap_err().code, Code::Unsupported);
    let vtu = b"<?xml version=\"1.0\"?>\n<VTKFile type=\"UnstructuredGrid\"><UnstructuredGrid/></VTKFile>";
    assert_eq!(formats::read("a.vtp", vtu, false).unwrap_err().code, Code::Unsupported);
    assert!(formats::read_as(Format::Vtp, "a.vtu", vtu, false).unwrap().is_none());
}

#[test]
fn vtp_pieces_are_appended_as_vtks_reader_appends_them() {
    // Two pieces, each with its own points (ids from 0): a vertex and a triangle, then
    // a line and a triangle. VTK's reader gives every piece's vertices, then lines,
    // then polygons, ids shifted past earlier pieces' points, data following its cells.
    let piece = |pd: &str, cd: &str, pts: &str, verts: Option<&str>, lines: Option<&str>, poly: &str| {
        let section = |name: &str, conn: Option<&str>| {
            conn.map_or(String::new(), |c| {
                let n = c.split(' ').count();
                format!("<{name}><DataArray type=\"Int32\" Name=\"connectivity\" format=\"ascii\">{c}</DataArray><DataArray type=\"Int32\" Name=\"offsets\" format=\"ascii\">{n}</DataArray></{name}>")
            })
        };
        format!(
            "<Piece NumberOfPoints=\"3\" NumberOfVerts=\"{}\" NumberOfLines=\"{}\" NumberOfPolys=\"1\">
<PointData><DataArray type=\"Float32\" Name=\"p\" format=\"ascii\">{pd}</DataArray></PointData>
<CellData><DataArray type=\"UInt16\" Name=\"c\" format=\"ascii\">{cd}</DataArray></CellData>
<Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"ascii\">{pts}</DataArray></Points>
{}{}{}</Piece>\n",
            verts.is_some() as u8,
            lines.is_some() as u8,
            section("Verts", verts),
            section("Lines", lines),
            section("Polys", Some(poly)),
        )
    };
    let two = [
        piece("1 2 3", "10 11", "0 0 0 1 0 0 0 1 0", Some("2"), None, "0 1 2"),
        piece("4 5 6", "20 21", "0 0 1 1 0 1 0 1 1", None, Some("0 1"), "2 1 0"),
    ]
    .concat();
    let m = read_back(Format::Vtp, &vtp_file("", &two, None));
    assert_eq!(m.number_of_points, 6);
    assert_eq!(
        cells(&m),
        vec![
            (cell::VERTEX, vec![2]),
            (cell::LINE, vec![3, 4]),
            (cell::POLYGON, vec![0, 1, 2]),
            (cell::POLYGON, vec![5, 4, 3]),
        ]
    );
    assert_eq!(m.point_data.values, Some(Pixels::F32(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])));
    assert_eq!(m.cell_data.values, Some(Pixels::U16(vec![10, 20, 11, 21])));
    assert_eq!(to_f64(m.points.as_ref().unwrap())[9..12], [0.0, 0.0, 1.0]);
    // A piece's ids are its own points': one past them is an error, not the next piece's.
    let past = [
        piece("1 2 3", "10 11", "0 0 0 1 0 0 0 1 0", Some("2"), None, "0 1 3"),
        piece("4 5 6", "20 21", "0 0 1 1 0 1 0 1 1", None, Some("0 1"), "2 1 0"),
    ]
    .concat();
    let err = formats::read("a.vtp", &vtp_file("", &past, None), false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData, "{}", err.message);
    assert!(err.message.contains("piece 0"), "{}", err.message);
    // Data in one piece but not another is an error.
    let uneven = two.replacen(
        "<PointData><DataArray type=\"Float32\" Name=\"p\" format=\"ascii\">1 2 3</DataArray></PointData>",
        "",
        1,
    );
    let err = formats::read("a.vtp", &vtp_file("", &uneven, None), false).unwrap_err();
    assert!(err.message.contains("PointData"), "{}", err.message);
}

#[test]
fn vtp_writes_ascii_binary_and_zlib_blocks() {
    let mut m = surface();
    m.point_data = Data::new(Pixel::CovariantVector, 3, 5, Pixels::F32((0..15).map(|i| i as f32 / 3.0).collect()));
    // Big enough for several 32 KiB blocks.
    let n = 20_000u64;
    let mut big = Mesh::new(3, Pixels::F64((0..n * 3).map(|i| (i as f64).sin()).collect()), Vec::new(), 0);
    big.point_data = Data::new(Pixel::Scalar, 1, n, Pixels::I64((0..n as i64).map(|i| i * 1_000_003).collect()));
    for (binary, compression, marker) in
        [(false, false, "format=\"ascii\""), (true, false, "format=\"binary\""), (false, true, "vtkZLibDataCompressor")]
    {
        let o = Options { binary, compression, ..Default::default() };
        for mesh in [&m, &big] {
            let bytes = formats::write_as(Format::Vtp, mesh, &o).unwrap();
            assert!(String::from_utf8_lossy(&bytes).contains(marker));
            let back = read_back(Format::Vtp, &bytes);
            assert_eq!((&back.points, cells(&back)), (&mesh.points, cells(mesh)), "{marker}");
            assert_eq!(back.point_data, mesh.point_data, "{marker}");
        }
    }
}

#[test]
fn hostile_xml_files_are_typed_errors() {
    let p = gifti_array("POINTSET", "FLOAT32", &[1, 3], "Base64Binary", "", &base64(&[0u8; 12]));
    let zeros = vec![0u8; 8 << 20];
    let bomb = base64(&deflate(&zeros, "t").unwrap());
    let invalid: Vec<(&str, Vec<u8>)> = vec![
        // Truncated base64, and a file cut inside it.
        ("a.gii", gifti(&[gifti_array("POINTSET", "FLOAT32", &[1, 3], "Base64Binary", "", "AAAAAAAAAAAAAAA")])),
        ("a.gii", gifti(std::slice::from_ref(&p))[..200].to_vec()),
        // Dim0 past the data, in each encoding (refused before anything is allocated).
        ("a.gii", gifti(&[gifti_array("POINTSET", "FLOAT32", &[1 << 40, 3], "Base64Binary", "", "AAAA")])),
        ("a.gii", gifti(&[gifti_array("POINTSET", "FLOAT32", &[1 << 28, 3], "ASCII", "", "0 0 0")])),
        ("a.gii", gifti(&[gifti_array("POINTSET", "FLOAT32", &[100_000_000, 3], "GZipBase64Binary", "", &bomb)])),
        ("a.gii", gifti(&[gifti_array("POINTSET", "FLOAT32", &[u64::MAX, 3], "ASCII", "", "0")])),
        // Triangles naming points that are not there.
        ("a.gii", gifti(&[p.clone(), gifti_array("TRIANGLE", "INT32", &[1, 3], "ASCII", "", "0 1 2")])),
        ("a.gii", b"<GIFTI><DataArray".to_vec()),
        ("a.gii", format!("<GIFTI>{}</GIFTI>", "<a>".repeat(100_000)).into_bytes()),
        // VTP: truncated inline base64, offsets that do not partition, missing arrays.
        ("a.vtp", vtp_file("", "<Piece NumberOfPoints=\"1\"><Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"binary\">DAAAAAAAAAAAAA</DataArray></Points></Piece>", None)),
        ("a.vtp", vtp_file("", "<Piece NumberOfPoints=\"1\" NumberOfPolys=\"1\"><Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"ascii\">0 0 0</DataArray></Points><Polys><DataArray type=\"Int32\" Name=\"connectivity\" format=\"ascii\">0 0 0</DataArray><DataArray type=\"Int32\" Name=\"offsets\" format=\"ascii\">7</DataArray></Polys></Piece>", None)),
        ("a.vtp", vtp_file("", "<Piece NumberOfPoints=\"3\" NumberOfPolys=\"1\"><Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"ascii\">0 0 0 1 1 1 2 2 2</DataArray></Points></Piece>", None)),
        ("a.vtp", vtp_file("header_type=\"UInt32\"", "<Piece NumberOfPoints=\"1\"><Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"appended\" offset=\"0\"/></Points></Piece>", Some(("raw", &[255, 255, 255, 255, 0, 0])))),
        ("a.vtp", vtp_file("", "<Piece NumberOfPoints=\"4000000000\"><Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"ascii\">0 0 0</DataArray></Points></Piece>", None)),
    ];
    for (i, (name, bytes)) in invalid.iter().enumerate() {
        let e = formats::read(name, bytes, false).unwrap_err();
        assert_eq!(e.code, Code::InvalidData, "case {i}: {e:?}");
    }
    // zlib bombs: a stream that inflates past what the file declares, or a declared size past the limit.
    let vtp_bomb = {
        let z = deflate(&zeros, "t").unwrap();
        let header: Vec<u8> = [1u32, 16, 12, z.len() as u32].iter().flat_map(|w| w.to_le_bytes()).collect();
        let piece = format!("<Piece NumberOfPoints=\"1\"><Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"binary\">{}{}</DataArray></Points></Piece>", base64(&header), base64(&z));
        vtp_file("header_type=\"UInt32\" compressor=\"vtkZLibDataCompressor\"", &piece, None)
    };
    let limit: Vec<(&str, Vec<u8>)> = vec![
        ("a.gii", gifti(&[gifti_array("POINTSET", "FLOAT32", &[1, 3], "GZipBase64Binary", "", &bomb)])),
        ("a.gii", gifti(&[gifti_array("POINTSET", "FLOAT32", &[1 << 30, 3], "GZipBase64Binary", "", &bomb)])),
        ("a.vtp", vtp_bomb),
    ];
    for (i, (name, bytes)) in limit.iter().enumerate() {
        let e = formats::read(name, bytes, false).unwrap_err();
        assert_eq!(e.code, Code::LimitExceeded, "bomb {i}: {e:?}");
    }
}

#[test]
fn xml_formats_are_detected_by_content() {
    let g = formats::write_as(Format::Gifti, &triangles(), &Options::default()).unwrap();
    let v = formats::write_as(Format::Vtp, &surface(), &Options::default()).unwrap();
    assert_eq!(formats::detect("lh.pial", &g).unwrap(), Format::Gifti);
    assert_eq!(formats::detect("mesh.xml", &v).unwrap(), Format::Vtp);
    assert!(formats::read_as(Format::Gifti, "a.vtp", &v, false).unwrap().is_none());
    assert!(formats::read_as(Format::Vtp, "a.gii", &g, false).unwrap().is_none());
}

/// Found by fuzzing (fuzz/): an MZ3 of 84 bytes (one point, no faces, 7 double scalars)
/// was sniffed as an empty binary STL (84 + 50 x 0 bytes), and read back with no points.
#[test]
fn magic_bytes_win_over_binary_stls_size_rule() {
    let mut mesh = Mesh::new(3, Pixels::F32(vec![0.5, 1.5, 2.5]), vec![], 1);
    mesh.point_data = Data::new(Pixel::VariableLengthVector, 7, 1, Pixels::F64((0..7).map(f64::from).collect()));
    let bytes = formats::write_as(Format::Mz3, &mesh, &Options::default()).unwrap();
    assert_eq!(bytes.len(), 84);
    assert_eq!(formats::detect("x.mz3", &bytes).unwrap(), Format::Mz3);
    let back = formats::read("x", &bytes, false).unwrap();
    assert_eq!(back.number_of_points, 1);
    assert_eq!(back.point_data.components, 7);
}

/// Found by fuzzing (fuzz/): an OFF face of no vertices was read (and written back as a
/// line "0" that no longer read).
#[test]
fn off_faces_without_vertices_are_invalid_data() {
    let b = b"OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n0\n";
    let err = formats::read("x.off", b, false).unwrap_err();
    assert_eq!(err.code, Code::InvalidData, "{}", err.message);
    assert!(err.message.contains("face 1 has no vertices"), "{}", err.message);
}

/// Found by fuzzing (fuzz/): an OFF face of one vertex is a polygon of one point, which
/// the VTK writer wrote and the VTK reader refused. Such polygons read back, as in VTK.
#[test]
fn polygons_of_one_and_two_points_round_trip_through_vtk() {
    let off = b"OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n1 2\n2 0 1\n";
    let mesh = formats::read("x.off", off, false).unwrap();
    assert_eq!(mesh.number_of_cells, 2);
    for binary in [false, true] {
        let back = read_back(Format::Vtk, &write(Format::Vtk, &mesh, binary));
        assert_eq!(cells(&back), cells(&mesh), "binary {binary}");
    }
}

/// Found by fuzzing (fuzz/): an OFF face of one vertex written as OBJ was refused by the
/// OBJ reader. OBJ faces of one or two vertices read as polygons, as VTK and OFF hold them.
#[test]
fn polygons_of_one_and_two_points_round_trip_through_obj() {
    let off = b"OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n1 2\n2 0 1\n";
    let mesh = formats::read("x.off", off, false).unwrap();
    let back = read_back(Format::Obj, &write(Format::Obj, &mesh, false));
    assert_eq!(cells(&back), cells(&mesh));
}
