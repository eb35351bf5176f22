//! Wavefront OBJ: `v` vertices, `vn` normals, `f` faces (`i`, `i/t`, `i//n`, `i/t/n`;
//! negative indices count back from the last vertex), `l` lines and `p` points. Normals
//! become point data (3-component vectors, as ITK's reader gives them) when there is one
//! per vertex; texture coordinates, groups and materials are skipped.

use crate::model::{bad, cell, Cells, Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};
use crate::text::{lines, parse_f64, push_coord};

fn index(token: &[u8], count: u64, line: usize) -> Result<u32, Failure> {
    let first = token.split(|&c| c == b'/').next().unwrap_or_default();
    let v: i64 = std::str::from_utf8(first).ok().and_then(|s| s.parse().ok()).ok_or_else(|| {
        bad("OBJ", format!("line {line}: {:?} is not a vertex index", String::from_utf8_lossy(token)))
    })?;
    // 1-based; negative indices are relative to the vertices read so far.
    let i = if v < 0 { count as i64 + v } else { v - 1 };
    if v == 0 || i < 0 || i as u64 >= count {
        return Err(bad("OBJ", format!("line {line}: vertex index {v} is outside the {count} vertices read so far")));
    }
    Ok(i as u32)
}

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let mut points: Vec<f32> = Vec::new();
    let mut normals: Vec<f32> = Vec::new();
    let mut cells = Cells::default();
    let mut ids = Vec::new();
    for (n, line) in lines(b).enumerate() {
        let mut words = line.split(|c| c.is_ascii_whitespace()).filter(|w| !w.is_empty());
        let Some(key) = words.next() else { continue };
        let coords = |words: &mut dyn Iterator<Item = &[u8]>, out: &mut Vec<f32>| -> Result<(), Failure> {
            for _ in 0..3 {
                let w = words.next().ok_or_else(|| bad("OBJ", format!("line {}: fewer than 3 coordinates", n + 1)))?;
                out.push(parse_f64(w).ok_or_else(|| {
                    bad("OBJ", format!("line {}: {:?} is not a number", n + 1, String::from_utf8_lossy(w)))
                })? as f32);
            }
            Ok(())
        };
        match key {
            b"v" => coords(&mut words, &mut points)?,
            b"vn" => coords(&mut words, &mut normals)?,
            b"f" | b"l" | b"p" => {
                let count = points.len() as u64 / 3;
                ids.clear();
                for w in words {
                    ids.push(index(w, count, n + 1)?);
                }
                match key {
                    // Faces of one or two vertices stay polygons, as VTK and OFF hold them
                    // (refusing them made such a mesh written as OBJ unreadable: fuzzing).
                    b"f" if !ids.is_empty() => cells.polygon(&ids),
                    b"l" if ids.len() == 2 => cells.push(cell::LINE, &ids),
                    b"l" if ids.len() > 2 => cells.push(cell::POLYLINE, &ids),
                    b"p" => ids.iter().for_each(|&i| cells.push(cell::VERTEX, &[i])),
                    _ => return Err(bad("OBJ", format!("line {}: a face or line with {} vertices", n + 1, ids.len()))),
                }
            }
            _ => {}
        }
    }
    let nv = points.len() / 3;
    let mut mesh = cells.mesh(3, Pixels::F32(points));
    if !normals.is_empty() && normals.len() / 3 == nv {
        mesh.point_data = Data::new(Pixel::Vector, 3, nv as u64, Pixels::F32(normals));
    }
    Ok(mesh)
}

pub fn write(mesh: &Mesh) -> Result<Vec<u8>, Failure> {
    let single = mesh.point_ctype == Ctype::F32;
    let d = mesh.dimension;
    let xyz = mesh.coordinates();
    let normals = (mesh.point_data.components == 3
        && mesh.point_data.count == mesh.number_of_points
        && mesh.number_of_points > 0)
        .then(|| mesh.point_data.f64s());
    let mut s = String::with_capacity(64 + xyz.len() * 12 + mesh.cell_buffer_size as usize * 8);
    s.push_str(&format!("# OBJ written by witk: {} points, {} cells\n", mesh.number_of_points, mesh.number_of_cells));
    let line = |s: &mut String, key: &str, v: &[f64], single: bool| {
        s.push_str(key);
        for c in 0..3 {
            s.push(' ');
            push_coord(s, v.get(c).copied().unwrap_or(0.0), single);
        }
        s.push('\n');
    };
    for p in xyz.chunks_exact(d.max(1)) {
        line(&mut s, "v", p, single);
    }
    if let Some(n) = &normals {
        let single = mesh.point_data.ctype == Ctype::F32;
        for v in n.chunks_exact(3) {
            line(&mut s, "vn", v, single);
        }
    }
    let mut index = 0u64;
    mesh.each_cell(|kind, ids| {
        let key = match kind {
            cell::TRIANGLE | cell::QUADRILATERAL | cell::POLYGON => "f",
            cell::LINE | cell::POLYLINE => "l",
            cell::VERTEX => "p",
            other => {
                return Err(format!("OBJ holds polygons, lines and points: cell {index} has ITK cell type {other}"))
            }
        };
        s.push_str(key);
        for id in ids {
            s.push(' ');
            s.push_str(&(id + 1).to_string());
            if normals.is_some() && key == "f" {
                s.push_str("//");
                s.push_str(&(id + 1).to_string());
            }
        }
        s.push('\n');
        index += 1;
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))?;
    Ok(s.into_bytes())
}
