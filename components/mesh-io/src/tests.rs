//! Every format, round trip and hostile input, natively. (Peers — meshio, trimesh,
//! nibabel, ITK-Wasm — check the same formats from Python in tests/python.)

use crate::formats::{self, Format, Options, ALL};
use crate::model::{cell, Code, Ctype, Data, Mesh, Pixel, Pixels};

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
    for (format, binary) in [(Format::Vtk, false), (Format::Vtk, true), (Format::Iwm, false), (Format::IwmZstd, false)]
    {
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
        let back = read_back(Format::Vtk, &write(Format::Vtk, &m, binary));
        assert_eq!(back.point_data, m.point_data, "{binary}");
        assert_eq!(back.cell_data, m.cell_data, "{binary}");
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
    for (format, binary) in
        [(Format::Vtk, false), (Format::Vtk, true), (Format::Ply, true), (Format::Ply, false), (Format::Iwm, false)]
    {
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
        let m = if matches!(format, Format::Stl | Format::FreeSurferAscii | Format::FreeSurferBinary | Format::Mz3) {
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
    assert!(bytes.starts_with(b"\xaahmeshType\xa9idimension\x1a\x00\x00\x00\x03rpointComponentTypegfloat32"));
    let points = bytes.windows(8).position(|w| w == b"fpoints\xd8").unwrap();
    assert_eq!(bytes[points + 8], 0x55); // float32 little-endian typed array
}
