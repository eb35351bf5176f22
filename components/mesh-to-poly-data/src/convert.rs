//! ITK meshes to VTK poly data and back, with cell data kept on its cells.
//!
//! Poly data keeps its cells in four connectivity arrays (`[n, id0, id1, ...]` per
//! cell) and its cell data in VTK's order: vertices, lines, polygons, strips. A mesh
//! whose cells are interleaved has its cell data reordered to match; back, the mesh's
//! cells come in that order.

use witk_mesh::{cell, Code, Data, Failure, Mesh, Pixels};

#[derive(Clone, Debug, PartialEq)]
pub struct PolyData {
    pub name: String,
    /// float32, three per point.
    pub points: Vec<f32>,
    pub vertices: Vec<u32>,
    pub lines: Vec<u32>,
    pub polygons: Vec<u32>,
    pub strips: Vec<u32>,
    /// The caller's counts: points, and the four buffer sizes (checked against the buffers).
    pub declared: [u64; 5],
    pub point_data: Data,
    pub cell_data: Data,
    pub metadata: Vec<(String, String)>,
}

fn invalid(message: String) -> Failure {
    Failure::new(Code::InvalidArgument, message)
}

/// Tuples of `d` reordered: output tuple `k` is input tuple `order[k]`, repeated
/// `parts[k]` times where given.
fn reorder(d: &Data, order: &[usize], parts: Option<&[usize]>) -> Data {
    let Some(values) = &d.values else { return d.clone() };
    let width = d.components * d.ctype.size();
    let mut out = Vec::with_capacity(values.len());
    for (k, &i) in order.iter().enumerate() {
        let tuple = &values[i * width..(i + 1) * width];
        for _ in 0..parts.map_or(1, |p| p[k]) {
            out.extend_from_slice(tuple);
        }
    }
    let count = (out.len() / width.max(1)) as u64;
    let values = Pixels::from_le_bytes(d.ctype, &out).expect("whole tuples of the same type");
    Data { count, values: Some(values), ..d.clone() }
}

pub fn mesh_to_poly_data(mesh: &Mesh) -> Result<PolyData, Failure> {
    if mesh.is_header_only() {
        return Err(invalid("the mesh has no point or cell buffers (it was read information-only)".into()));
    }
    if mesh.dimension > 3 {
        return Err(Failure::new(Code::Unsupported, format!("poly data is 3-D; the mesh is {}-D", mesh.dimension)));
    }
    let d = mesh.dimension.max(1);
    let xyz = mesh.coordinates();
    let mut points = Vec::with_capacity(mesh.number_of_points as usize * 3);
    for p in xyz.chunks_exact(d) {
        points.extend((0..3).map(|c| p.get(c).copied().unwrap_or(0.0) as f32));
    }
    let mut sections: [Vec<u32>; 3] = Default::default();
    let mut order: [Vec<usize>; 3] = Default::default();
    let mut index = 0usize;
    mesh.each_cell(|kind, ids| {
        let s = match kind {
            cell::VERTEX => 0,
            cell::LINE | cell::POLYLINE => 1,
            cell::TRIANGLE | cell::QUADRILATERAL | cell::POLYGON => 2,
            other => {
                return Err(format!(
                    "poly data holds vertices, lines and polygons: cell {index} has ITK cell type {other}"
                ))
            }
        };
        sections[s].push(ids.len() as u32);
        sections[s].extend(ids.iter().map(|&i| i as u32));
        order[s].push(index);
        index += 1;
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))?;
    let order: Vec<usize> = order.concat();
    let in_order = order.iter().enumerate().all(|(k, &i)| k == i);
    let cell_data = if mesh.cell_data.count > 0 && !in_order {
        reorder(&mesh.cell_data, &order, None)
    } else {
        mesh.cell_data.clone()
    };
    let [vertices, lines, polygons] = sections;
    Ok(PolyData {
        name: if mesh.name == "Mesh" { "PolyData".into() } else { mesh.name.clone() },
        declared: [mesh.number_of_points, vertices.len() as u64, lines.len() as u64, polygons.len() as u64, 0],
        points,
        vertices,
        lines,
        polygons,
        strips: Vec::new(),
        point_data: mesh.point_data.clone(),
        cell_data,
        metadata: mesh.metadata.clone(),
    })
}

pub fn poly_data_to_mesh(p: PolyData) -> Result<Mesh, Failure> {
    if !p.points.len().is_multiple_of(3) {
        return Err(invalid(format!("{} point coordinates are not whole 3-D points", p.points.len())));
    }
    let n = (p.points.len() / 3) as u64;
    let buffers = [&p.vertices, &p.lines, &p.polygons, &p.strips];
    let names =
        ["numberOfPoints", "verticesBufferSize", "linesBufferSize", "polygonsBufferSize", "triangleStripsBufferSize"];
    let actual = [n, p.vertices.len() as u64, p.lines.len() as u64, p.polygons.len() as u64, p.strips.len() as u64];
    for ((declared, actual), name) in p.declared.iter().zip(actual).zip(names) {
        if *declared != actual {
            return Err(invalid(format!("{name} is {declared} but the buffer holds {actual}")));
        }
    }
    let mut cells = witk_mesh::Cells::default();
    // Mesh cells each poly data cell became (more than one for strips and poly-vertices).
    let mut parts = Vec::new();
    for (s, buffer) in buffers.iter().enumerate() {
        let mut at = 0usize;
        while at < buffer.len() {
            let k = buffer[at] as usize;
            let ids = buffer.get(at + 1..at + 1 + k).ok_or_else(|| {
                invalid(format!("{}: the cell at {at} runs past the end of its buffer", names[s + 1]))
            })?;
            if let Some(&bad) = ids.iter().find(|&&i| i as u64 >= n) {
                return Err(invalid(format!("{}: a cell names point {bad}; there are {n}", names[s + 1])));
            }
            let before = cells.count;
            match (s, k) {
                (0, _) => ids.iter().for_each(|&i| cells.push(cell::VERTEX, &[i])),
                (1, 2) => cells.push(cell::LINE, ids),
                (1, k) if k > 2 => cells.push(cell::POLYLINE, ids),
                (2, 3) => cells.push(cell::TRIANGLE, ids),
                (2, k) if k > 3 => cells.push(cell::POLYGON, ids),
                (3, k) if k >= 3 => {
                    for j in 0..k - 2 {
                        let t = if j % 2 == 0 {
                            [ids[j], ids[j + 1], ids[j + 2]]
                        } else {
                            [ids[j + 1], ids[j], ids[j + 2]]
                        };
                        cells.push(cell::TRIANGLE, &t);
                    }
                }
                _ => return Err(invalid(format!("{}: a cell of {k} points", names[s + 1]))),
            }
            parts.push((cells.count - before) as usize);
            at += 1 + k;
        }
    }
    let mut mesh = cells.mesh(3, Pixels::F32(p.points));
    mesh.name = if p.name == "PolyData" { "Mesh".into() } else { p.name };
    mesh.metadata = p.metadata;
    let check = |d: &Data, what: &str, count: u64| -> Result<(), Failure> {
        if d.count != 0 && d.count != count {
            return Err(invalid(format!("{what} has {} tuples for {count}", d.count)));
        }
        match &d.values {
            Some(v) if v.ctype() != d.ctype || v.count() as u64 != d.count * d.components as u64 => {
                Err(invalid(format!(
                    "{what} holds {} {} values; its type says {} x {} {}",
                    v.count(),
                    v.ctype().name(),
                    d.count,
                    d.components,
                    d.ctype.name()
                )))
            }
            _ => Ok(()),
        }
    };
    check(&p.point_data, "point data", n)?;
    check(&p.cell_data, "cell data", parts.len() as u64)?;
    mesh.point_data = p.point_data;
    mesh.cell_data = if p.cell_data.count > 0 && parts.iter().any(|&k| k != 1) {
        let order: Vec<usize> = (0..parts.len()).collect();
        reorder(&p.cell_data, &order, Some(&parts))
    } else {
        p.cell_data
    };
    Ok(mesh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use witk_mesh::Pixel;

    fn mixed() -> Mesh {
        // A polygon, a vertex, a line, a triangle: interleaved, with a label per cell.
        let points = (0..15).map(|i| i as f32 * 0.5).collect();
        let cells = vec![4, 4, 0, 1, 2, 3, 0, 1, 4, 1, 2, 0, 4, 2, 3, 1, 2, 3];
        let mut m = Mesh::new(3, Pixels::F32(points), cells, 4);
        m.cell_data = Data::new(Pixel::Scalar, 1, 4, Pixels::I32(vec![10, 20, 30, 40]));
        m.point_data = Data::new(Pixel::Scalar, 1, 5, Pixels::F32(vec![1.0, 2.0, 3.0, 4.0, 5.0]));
        m
    }

    #[test]
    fn cells_go_to_their_sections_with_their_data() {
        let p = mesh_to_poly_data(&mixed()).unwrap();
        assert_eq!(p.vertices, vec![1, 4]);
        assert_eq!(p.lines, vec![2, 0, 4]);
        assert_eq!(p.polygons, vec![4, 0, 1, 2, 3, 3, 1, 2, 3]);
        // VTK's order: the vertex's label, the line's, then the polygons'.
        assert_eq!(p.cell_data.values, Some(Pixels::I32(vec![20, 30, 10, 40])));
        assert_eq!(p.point_data, mixed().point_data);
        let back = poly_data_to_mesh(p).unwrap();
        let mut cells = Vec::new();
        back.each_cell(|k, ids| {
            cells.push((k, ids.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            cells,
            vec![
                (cell::VERTEX, vec![4]),
                (cell::LINE, vec![0, 4]),
                (cell::POLYGON, vec![0, 1, 2, 3]),
                (cell::TRIANGLE, vec![1, 2, 3])
            ]
        );
        assert_eq!(back.cell_data.values, Some(Pixels::I32(vec![20, 30, 10, 40])));
        back.check().unwrap();
    }

    #[test]
    fn strips_and_poly_vertices_become_cells_with_their_data() {
        let mut p = mesh_to_poly_data(&mixed()).unwrap();
        p.vertices = vec![2, 0, 1];
        p.strips = vec![4, 0, 1, 2, 3];
        p.declared[1] = 3;
        p.declared[4] = 5;
        p.cell_data = Data::new(Pixel::Scalar, 1, 5, Pixels::F32(vec![1.0, 2.0, 3.0, 4.0, 5.0]));
        let m = poly_data_to_mesh(p).unwrap();
        assert_eq!(m.number_of_cells, 2 + 1 + 2 + 2);
        assert_eq!(m.cell_data.values, Some(Pixels::F32(vec![1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0])));
        m.check().unwrap();
    }

    #[test]
    fn bad_input_is_refused() {
        let mut p = mesh_to_poly_data(&mixed()).unwrap();
        p.polygons = vec![3, 0, 1, 99];
        p.declared[3] = 4;
        assert!(poly_data_to_mesh(p.clone()).unwrap_err().message.contains("names point 99"));
        p.polygons = vec![9, 0, 1];
        p.declared[3] = 3;
        assert!(poly_data_to_mesh(p.clone()).unwrap_err().message.contains("runs past"));
        p.polygons = vec![3, 0, 1, 2];
        assert!(poly_data_to_mesh(p).unwrap_err().message.contains("polygonsBufferSize"));
        let tet = Mesh::new(3, Pixels::F32(vec![0.0; 12]), vec![5, 4, 0, 1, 2, 3], 1);
        assert_eq!(mesh_to_poly_data(&tet).unwrap_err().code, Code::Unsupported);
    }

    #[test]
    fn two_d_and_double_points_become_float32_3_d() {
        let m = Mesh::new(2, Pixels::F64(vec![0.25, 1.5, -2.0, 3.0]), vec![1, 2, 0, 1], 1);
        let p = mesh_to_poly_data(&m).unwrap();
        assert_eq!(p.points, vec![0.25, 1.5, 0.0, -2.0, 3.0, 0.0]);
        assert_eq!(p.lines, vec![2, 0, 1]);
    }
}
