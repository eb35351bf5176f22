//! Movie.BYU: a header (parts, vertices, polygons, connectivity entries), the parts'
//! polygon ranges, the vertices, then the polygons as 1-based vertex indices, the last
//! of each polygon negated.

use super::only_polygons;
use crate::model::{bad, point_id, vec_for, Cells, Ctype, Failure, Mesh, Pixels};
use crate::text::{push_coord, Tokens};

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let mut t = Tokens::new(b, "BYU", false);
    let parts = t.u64("the number of parts")?;
    let nv = t.u64("the number of vertices")?;
    let np = t.u64("the number of polygons")?;
    let nc = t.u64("the number of connectivity entries")?;
    if parts.saturating_mul(2) > t.left() as u64 {
        return Err(bad("BYU", format!("{parts} parts in a {}-byte file", b.len())));
    }
    for _ in 0..parts {
        t.u64("a part's first polygon")?;
        t.u64("a part's last polygon")?;
    }
    let mut points: Vec<f32> = vec_for(nv.saturating_mul(3), 2, t.left(), "BYU vertices")?;
    for _ in 0..nv * 3 {
        points.push(t.f64("a vertex coordinate")? as f32);
    }
    let mut cells =
        Cells { buffer: vec_for(nc.saturating_add(np.saturating_mul(2)), 1, t.left() * 2, "BYU polygons")?, count: 0 };
    let mut ids = Vec::new();
    let mut entries = 0;
    while cells.count < np {
        let v = t.i64("a polygon's vertex index")?;
        entries += 1;
        if entries > nc {
            return Err(bad(
                "BYU",
                format!("the polygons hold more than the {nc} connectivity entries the header says"),
            ));
        }
        ids.push(point_id(v.abs() - 1, nv, "BYU")?);
        if v < 0 {
            cells.polygon(&ids);
            ids.clear();
        }
    }
    Ok(cells.mesh(3, Pixels::F32(points)))
}

pub fn write(mesh: &Mesh) -> Result<Vec<u8>, Failure> {
    only_polygons(mesh, "BYU")?;
    let single = mesh.point_ctype == Ctype::F32;
    let d = mesh.dimension.max(1);
    let xyz = mesh.coordinates();
    let entries = mesh.cell_buffer_size - 2 * mesh.number_of_cells;
    let mut s = String::with_capacity(64 + xyz.len() * 10 + entries as usize * 8);
    s.push_str(&format!(
        "1 {} {} {}\n1 {}\n",
        mesh.number_of_points, mesh.number_of_cells, entries, mesh.number_of_cells
    ));
    for p in xyz.chunks_exact(d) {
        for c in 0..3 {
            if c > 0 {
                s.push(' ');
            }
            push_coord(&mut s, p.get(c).copied().unwrap_or(0.0), single);
        }
        s.push('\n');
    }
    mesh.each_cell(|_, ids| {
        for (k, id) in ids.iter().enumerate() {
            if k > 0 {
                s.push(' ');
            }
            let v = *id as i64 + 1;
            s.push_str(&(if k + 1 == ids.len() { -v } else { v }).to_string());
        }
        s.push('\n');
        Ok(())
    })?;
    Ok(s.into_bytes())
}
