//! FreeSurfer surfaces: the binary triangle file (`lh.pial`, `.fsb`: magic `ff ff fe`, a
//! "created by" line ended by two newlines, big-endian vertex and face counts, float32
//! coordinates, int32 triangles; trailing tags are skipped) and its ASCII twin (`.fsa`,
//! `.asc`: a `#!ascii` comment, the counts, `x y z 0` vertices, `a b c 0` faces).

use super::only_triangles as triangles_only;
use crate::model::{bad, cell, point_id, vec_for, Cells, Ctype, Failure, Mesh, Pixels};
use crate::text::{push_coord, Tokens};

pub const TRIANGLE_MAGIC: [u8; 3] = [0xff, 0xff, 0xfe];

pub fn read_binary(b: &[u8]) -> Result<Mesh, Failure> {
    if !b.starts_with(&TRIANGLE_MAGIC) {
        return Err(bad("FreeSurfer", "not a FreeSurfer triangle file (no ff ff fe magic)"));
    }
    let end = b[3..]
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|p| p + 5)
        .ok_or_else(|| bad("FreeSurfer", "the 'created by' line does not end"))?;
    let u32_at = |at: usize| -> Result<u32, Failure> {
        b.get(at..at + 4)
            .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
            .ok_or_else(|| bad("FreeSurfer", "the file ends in its header"))
    };
    let (nv, nf) = (u32_at(end)? as u64, u32_at(end + 4)? as u64);
    let body = &b[end + 8..];
    let need = nv.saturating_mul(12).saturating_add(nf.saturating_mul(12));
    if need > body.len() as u64 {
        return Err(bad(
            "FreeSurfer",
            format!("{nv} vertices and {nf} faces need {need} bytes; {} remain", body.len()),
        ));
    }
    let f = |at: usize| u32::from_be_bytes([body[at], body[at + 1], body[at + 2], body[at + 3]]);
    let points: Vec<f32> = (0..nv as usize * 3).map(|i| f32::from_bits(f(4 * i))).collect();
    let mut cells = Cells { buffer: vec_for(nf * 5, 0, 0, "faces")?, count: 0 };
    let faces = nv as usize * 12;
    for k in 0..nf as usize {
        let ids = [0, 1, 2].map(|c| f(faces + 12 * k + 4 * c) as i32 as i64);
        let ids = [
            point_id(ids[0], nv, "FreeSurfer")?,
            point_id(ids[1], nv, "FreeSurfer")?,
            point_id(ids[2], nv, "FreeSurfer")?,
        ];
        cells.push(cell::TRIANGLE, &ids);
    }
    Ok(cells.mesh(3, Pixels::F32(points)))
}

pub fn write_binary(mesh: &Mesh) -> Result<Vec<u8>, Failure> {
    triangles_only(mesh, "FreeSurfer")?;
    let xyz = mesh.coordinates();
    let mut out = Vec::with_capacity(64 + xyz.len() * 4 + mesh.number_of_cells as usize * 12);
    out.extend_from_slice(&TRIANGLE_MAGIC);
    out.extend_from_slice(b"created by witk\n\n");
    out.extend_from_slice(&(mesh.number_of_points as u32).to_be_bytes());
    out.extend_from_slice(&(mesh.number_of_cells as u32).to_be_bytes());
    for v in &xyz {
        out.extend_from_slice(&(*v as f32).to_be_bytes());
    }
    mesh.each_cell(|_, ids| {
        for &i in ids {
            out.extend_from_slice(&(i as u32).to_be_bytes());
        }
        Ok(())
    })?;
    Ok(out)
}

pub fn read_ascii(b: &[u8]) -> Result<Mesh, Failure> {
    let mut t = Tokens::new(b, "FreeSurfer ASCII", true);
    let nv = t.u64("the vertex count")?;
    let nf = t.u64("the face count")?;
    let mut points: Vec<f32> = vec_for(nv.saturating_mul(3), 2, t.left(), "vertices")?;
    for _ in 0..nv {
        for _ in 0..3 {
            points.push(t.f64("a vertex coordinate")? as f32);
        }
        t.f64("a vertex's flag")?;
    }
    let mut cells = Cells { buffer: vec_for(nf.saturating_mul(5), 1, t.left(), "faces")?, count: 0 };
    for _ in 0..nf {
        let mut ids = [0u32; 3];
        for id in &mut ids {
            *id = point_id(t.i64("a face's vertex index")?, nv, "FreeSurfer ASCII")?;
        }
        t.f64("a face's flag")?;
        cells.push(cell::TRIANGLE, &ids);
    }
    Ok(cells.mesh(3, Pixels::F32(points)))
}

pub fn write_ascii(mesh: &Mesh) -> Result<Vec<u8>, Failure> {
    triangles_only(mesh, "FreeSurfer ASCII")?;
    let single = mesh.point_ctype == Ctype::F32;
    let xyz = mesh.coordinates();
    let mut s = String::with_capacity(64 + xyz.len() * 12 + mesh.number_of_cells as usize * 24);
    s.push_str(&format!(
        "#!ascii version of surface written by witk\n{} {}\n",
        mesh.number_of_points, mesh.number_of_cells
    ));
    for p in xyz.chunks_exact(3) {
        for &c in p {
            push_coord(&mut s, c, single);
            s.push(' ');
        }
        s.push_str("0\n");
    }
    mesh.each_cell(|_, ids| {
        for id in ids {
            s.push_str(&id.to_string());
            s.push(' ');
        }
        s.push_str("0\n");
        Ok(())
    })?;
    Ok(s.into_bytes())
}
