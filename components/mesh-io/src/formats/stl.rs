//! STL: triangles, ASCII (`solid ... endsolid`) or binary (80-byte header, a uint32
//! count, 50 bytes per triangle). Vertices shared by triangles are stored once per
//! triangle in STL; they are merged here by exact coordinates, as ITK's and trimesh's
//! readers do. Facet normals are the triangles' own (recomputed when written).

use super::{only_polygons, Options};
use crate::model::{bad, cell, vec_for, Failure, Mesh, Pixels};
use crate::text::{push_f32, Tokens};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Whether the size matches a binary STL's count.
pub fn is_binary(b: &[u8]) -> bool {
    b.len() >= 84 && {
        let n = u32::from_le_bytes([b[80], b[81], b[82], b[83]]) as u64;
        84 + 50 * n == b.len() as u64
    }
}

/// `solid` followed by a facet (a binary file may start with "solid" too).
pub fn looks_ascii(b: &[u8]) -> bool {
    let head = &b[..b.len().min(1024)];
    head.windows(5).any(|w| w.eq_ignore_ascii_case(b"facet")) || head.windows(8).any(|w| w == b"endsolid")
}

/// A fast hash for exact-coordinate keys (the default SipHash dominates reading otherwise).
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Points merged by exact coordinates, and the triangles as ITK cells.
struct Merger {
    index: HashMap<[u32; 3], u32, BuildHasherDefault<Fx>>,
    points: Vec<f32>,
    cells: Vec<u32>,
}

impl Merger {
    fn new(triangles: usize) -> Merger {
        Merger {
            index: HashMap::with_capacity_and_hasher(triangles / 2 + 3, Default::default()),
            points: Vec::with_capacity(triangles * 3 / 2 + 9),
            cells: Vec::with_capacity(triangles * 5),
        }
    }

    fn vertex(&mut self, p: [f32; 3]) -> u32 {
        // -0.0 and 0.0 are the same point.
        let key = p.map(|c| if c == 0.0 { 0 } else { c.to_bits() });
        let next = (self.points.len() / 3) as u32;
        *self.index.entry(key).or_insert_with(|| {
            self.points.extend_from_slice(&p);
            next
        })
    }

    fn triangle(&mut self, v: [[f32; 3]; 3]) {
        let ids = v.map(|p| self.vertex(p));
        self.cells.extend_from_slice(&[cell::TRIANGLE as u32, 3, ids[0], ids[1], ids[2]]);
    }

    fn mesh(self) -> Mesh {
        let n = self.cells.len() as u64 / 5;
        Mesh::new(3, Pixels::F32(self.points), self.cells, n)
    }
}

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    if is_binary(b) {
        let n = (b.len() - 84) / 50;
        let mut m = Merger::new(n);
        for t in b[84..].chunks_exact(50) {
            let f = |i: usize| f32::from_le_bytes([t[i], t[i + 1], t[i + 2], t[i + 3]]);
            m.triangle([0, 1, 2].map(|v| [0, 1, 2].map(|c| f(12 + 12 * v + 4 * c))));
        }
        return Ok(m.mesh());
    }
    let mut t = Tokens::new(b, "STL", false);
    if !t.word("solid")?.eq_ignore_ascii_case("solid") {
        return Err(bad(
            "STL",
            "neither a binary STL (its size does not match its triangle count) nor ASCII (no 'solid')",
        ));
    }
    t.rest_of_line();
    let mut m = Merger::new(b.len() / 256);
    loop {
        let word = t.word("a facet or endsolid")?;
        if word.eq_ignore_ascii_case("endsolid") {
            break;
        }
        if !word.eq_ignore_ascii_case("facet") {
            return Err(bad("STL", format!("expected 'facet' or 'endsolid', found {word:?}")));
        }
        t.rest_of_line(); // "normal nx ny nz": recomputed from the vertices when needed.
        expect(&mut t, "outer")?;
        expect(&mut t, "loop")?;
        let mut v = [[0f32; 3]; 3];
        for p in &mut v {
            expect(&mut t, "vertex")?;
            for c in p.iter_mut() {
                *c = t.f64("a vertex coordinate")? as f32;
            }
        }
        let next = t.word("endloop")?;
        if next.eq_ignore_ascii_case("vertex") {
            return Err(bad("STL", "a facet with more than 3 vertices"));
        }
        if !next.eq_ignore_ascii_case("endloop") {
            return Err(bad("STL", format!("expected 'endloop', found {next:?}")));
        }
        expect(&mut t, "endfacet")?;
        m.triangle(v);
    }
    Ok(m.mesh())
}

fn expect(t: &mut Tokens, word: &str) -> Result<(), Failure> {
    let got = t.word(word)?;
    if got.eq_ignore_ascii_case(word) {
        Ok(())
    } else {
        Err(bad("STL", format!("expected '{word}', found {got:?}")))
    }
}

/// The triangles of a polygon mesh, fanned from each polygon's first point.
pub fn triangles(mesh: &Mesh) -> Result<Vec<[u64; 3]>, Failure> {
    only_polygons(mesh, "STL")?;
    let mut out = vec_for(mesh.cell_buffer_size / 5 + 1, 0, 0, "triangles")?;
    mesh.each_cell(|_, ids| {
        for k in 1..ids.len().saturating_sub(1) {
            out.push([ids[0], ids[k], ids[k + 1]]);
        }
        Ok(())
    })?;
    Ok(out)
}

fn normal(p: &[[f32; 3]; 3]) -> [f32; 3] {
    let u = [p[1][0] - p[0][0], p[1][1] - p[0][1], p[1][2] - p[0][2]];
    let v = [p[2][0] - p[0][0], p[2][1] - p[0][1], p[2][2] - p[0][2]];
    let n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
    if len > 0.0 {
        n.map(|c| c / len)
    } else {
        [0.0; 3]
    }
}

pub fn write(mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
    if mesh.dimension != 3 {
        return Err(Failure::new(
            crate::Code::Unsupported,
            format!("STL holds 3-D triangles; the mesh is {}-D", mesh.dimension),
        ));
    }
    let tris = triangles(mesh)?;
    let xyz = mesh.coordinates();
    let corners = |t: &[u64; 3]| t.map(|i| [0, 1, 2].map(|c| xyz[i as usize * 3 + c] as f32));
    if o.binary {
        let mut out = Vec::with_capacity(84 + 50 * tris.len());
        let mut header = [b' '; 80];
        header[..16].copy_from_slice(b"binary STL witk ");
        out.extend_from_slice(&header);
        out.extend_from_slice(&(tris.len() as u32).to_le_bytes());
        for t in &tris {
            let p = corners(t);
            for v in std::iter::once(normal(&p)).chain(p) {
                for c in v {
                    out.extend_from_slice(&c.to_le_bytes());
                }
            }
            out.extend_from_slice(&[0, 0]);
        }
        return Ok(out);
    }
    let mut s = String::with_capacity(64 + 200 * tris.len());
    s.push_str("solid witk\n");
    let push3 = |s: &mut String, v: [f32; 3]| {
        for c in v {
            s.push(' ');
            push_f32(s, c);
        }
        s.push('\n');
    };
    for t in &tris {
        let p = corners(t);
        s.push_str("  facet normal");
        push3(&mut s, normal(&p));
        s.push_str("    outer loop\n");
        for v in p {
            s.push_str("      vertex");
            push3(&mut s, v);
        }
        s.push_str("    endloop\n  endfacet\n");
    }
    s.push_str("endsolid witk\n");
    Ok(s.into_bytes())
}
