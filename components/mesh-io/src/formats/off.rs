//! OFF (Object File Format): `OFF`, the vertex, face and edge counts, the vertices,
//! then one face per line as `n i0 ... in-1` (anything after, such as a face colour, is
//! skipped). `COFF`/`NOFF`/`CNOFF` variants carry colours or normals after each vertex's
//! coordinates; they are skipped too. `#` starts a comment.

use super::only_polygons;
use crate::model::{bad, point_id, vec_for, Cells, Failure, Mesh, Pixels};
use crate::text::{push_coord, Tokens};

const KEYWORDS: [&[u8]; 5] = [b"OFF", b"COFF", b"NOFF", b"CNOFF", b"STOFF"];

pub fn looks_like(b: &[u8]) -> bool {
    let b = b.trim_ascii_start();
    KEYWORDS.iter().any(|k| b.starts_with(k) && b.get(k.len()).is_none_or(|c| c.is_ascii_whitespace()))
}

/// The next line that is not blank or a comment, its comment cut off.
fn data_line<'a>(t: &mut Tokens<'a>) -> Option<&'a [u8]> {
    while t.left() > 0 {
        let line = t.rest_of_line();
        let line = line.split(|&c| c == b'#').next().unwrap_or_default().trim_ascii();
        if !line.is_empty() {
            return Some(line);
        }
    }
    None
}

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let mut t = Tokens::new(b, "OFF", true);
    let keyword = t.word("OFF")?;
    if !KEYWORDS.iter().any(|k| k == &keyword.as_bytes()) {
        return Err(bad("OFF", format!("the file starts with {keyword:?}, not OFF")));
    }
    let nv = t.u64("the vertex count")?;
    let nf = t.u64("the face count")?;
    t.rest_of_line(); // the edge count, unused
    let mut points: Vec<f32> = vec_for(nv.saturating_mul(3), 2, t.left(), "OFF vertices")?;
    for i in 0..nv {
        let line = data_line(&mut t).ok_or_else(|| bad("OFF", format!("the file ends at vertex {i} of {nv}")))?;
        let mut l = Tokens::new(line, "OFF", false);
        for _ in 0..3 {
            points.push(l.f64("a vertex coordinate")? as f32);
        }
    }
    // The shortest face line ("1 0\n") has 4 bytes: a count past that is no real file.
    let mut cells = Cells { buffer: vec_for(nf.saturating_mul(4), 1, t.left(), "OFF faces")?, count: 0 };
    let mut ids = Vec::new();
    for i in 0..nf {
        let line = data_line(&mut t).ok_or_else(|| bad("OFF", format!("the file ends at face {i} of {nf}")))?;
        let mut l = Tokens::new(line, "OFF", false);
        let n = l.u64("a face's vertex count")?;
        if n as usize > line.len() {
            return Err(bad("OFF", format!("face {i} claims {n} vertices")));
        }
        // (A face of no vertices would be written back as a line "0", found by fuzzing.)
        if n == 0 {
            return Err(bad("OFF", format!("face {i} has no vertices")));
        }
        ids.clear();
        for _ in 0..n {
            ids.push(point_id(l.i64("a face's vertex index")?, nv, "OFF")?);
        }
        cells.polygon(&ids);
    }
    Ok(cells.mesh(3, Pixels::F32(points)))
}

pub fn write(mesh: &Mesh) -> Result<Vec<u8>, Failure> {
    only_polygons(mesh, "OFF")?;
    write_points_and_faces(mesh, "OFF\n")
}

/// The OFF body (also used for point sets: no faces).
fn write_points_and_faces(mesh: &Mesh, head: &str) -> Result<Vec<u8>, Failure> {
    let single = mesh.point_ctype == crate::model::Ctype::F32;
    let d = mesh.dimension;
    let xyz = mesh.coordinates();
    let mut s = String::with_capacity(64 + xyz.len() * 10 + mesh.cell_buffer_size as usize * 8);
    s.push_str(head);
    s.push_str(&format!("{} {} 0\n", mesh.number_of_points, mesh.number_of_cells));
    for p in xyz.chunks_exact(d.max(1)) {
        for c in 0..3 {
            if c > 0 {
                s.push(' ');
            }
            push_coord(&mut s, p.get(c).copied().unwrap_or(0.0), single);
        }
        s.push('\n');
    }
    mesh.each_cell(|_, ids| {
        s.push_str(&ids.len().to_string());
        for id in ids {
            s.push(' ');
            s.push_str(&id.to_string());
        }
        s.push('\n');
        Ok(())
    })?;
    Ok(s.into_bytes())
}
