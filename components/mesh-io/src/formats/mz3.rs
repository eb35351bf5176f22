//! Surfice's MZ3: a 16-byte little-endian header (magic "MZ", attribute bits, face,
//! vertex and skip counts), then int32 triangles, float32 vertices, RGBA colours and
//! float32 (or float64) scalars per vertex, as the bits say; the whole file may be
//! gzipped. Scalars (one or more layers) or colours become point data.

use super::{only_polygons, Options};
use crate::model::{bad, cell, point_id, Cells, Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};
use std::io::Read;

const MAGIC: [u8; 2] = *b"MZ";
const FACE: u16 = 1;
const VERT: u16 = 2;
const RGBA: u16 = 4;
const SCALAR: u16 = 8;
const DOUBLE: u16 = 16;
/// Most bytes a gzipped MZ3 may inflate to (a bomb is refused, not followed).
const MAX_INFLATED: u64 = 1 << 31;

fn is_gzip(b: &[u8]) -> bool {
    b.starts_with(&[0x1f, 0x8b])
}

pub fn looks_like(b: &[u8]) -> bool {
    if is_gzip(b) {
        let mut head = [0u8; 2];
        let mut z = flate2::read::GzDecoder::new(b);
        return z.read_exact(&mut head).is_ok() && head == MAGIC;
    }
    // The attribute bits are the five defined flags.
    b.starts_with(&MAGIC) && b.len() >= 16 && u16::from_le_bytes([b[2], b[3]]) < 32
}

fn inflate(b: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(b)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|e| bad("MZ3", format!("gzip: {e}")))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(Failure::new(
            Code::LimitExceeded,
            format!("MZ3: the gzip stream inflates past {MAX_INFLATED} bytes"),
        ));
    }
    Ok(out)
}

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let inflated;
    let b = if is_gzip(b) {
        inflated = inflate(b)?;
        &inflated[..]
    } else {
        b
    };
    if b.len() < 16 || !b.starts_with(&MAGIC) {
        return Err(bad("MZ3", "no MZ3 header"));
    }
    let u16_at = |at: usize| u16::from_le_bytes([b[at], b[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as u64;
    let attr = u16_at(2);
    let (nf, nv, skip) = (u32_at(4), u32_at(8), u32_at(12));
    let mut at = 16u64.saturating_add(skip);
    let mut take = |n: u64, what: &str| -> Result<&[u8], Failure> {
        let end = at
            .checked_add(n)
            .filter(|&e| e <= b.len() as u64)
            .ok_or_else(|| bad("MZ3", format!("{what} need {n} bytes past offset {at}; the file has {}", b.len())))?;
        let s = &b[at as usize..end as usize];
        at = end;
        Ok(s)
    };
    let le = |s: &[u8], i: usize| u32::from_le_bytes([s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]]);
    let faces = if attr & FACE != 0 { take(nf.saturating_mul(12), "faces")? } else { &[] };
    if attr & VERT == 0 {
        return Err(Failure::new(
            Code::Unsupported,
            "MZ3: a file without vertices (a scalar overlay for another mesh)",
        ));
    }
    let verts = take(nv.saturating_mul(12), "vertices")?;
    let points: Vec<f32> = (0..nv as usize * 3).map(|i| f32::from_bits(le(verts, i))).collect();
    let mut cells = Cells { buffer: Vec::with_capacity(faces.len() / 12 * 5), count: 0 };
    for k in 0..faces.len() / 12 {
        let mut ids = [0u32; 3];
        for (c, id) in ids.iter_mut().enumerate() {
            *id = point_id(le(faces, 3 * k + c) as i32 as i64, nv, "MZ3")?;
        }
        cells.push(cell::TRIANGLE, &ids);
    }
    let rgba = if attr & RGBA != 0 { Some(take(nv.saturating_mul(4), "colours")?.to_vec()) } else { None };
    let mut mesh = cells.mesh(3, Pixels::F32(points));
    if attr & SCALAR != 0 && nv > 0 {
        let width = if attr & DOUBLE != 0 { 8 } else { 4 };
        let rest = &b[at as usize..];
        let layers = rest.len() / (nv as usize * width);
        if layers == 0 {
            return Err(bad("MZ3", "the scalar bit is set but no scalars follow"));
        }
        let n = nv as usize;
        let value = |layer: usize, v: usize| -> f64 {
            let o = (layer * n + v) * width;
            if width == 8 {
                f64::from_le_bytes(rest[o..o + 8].try_into().unwrap_or_default())
            } else {
                f32::from_le_bytes(rest[o..o + 4].try_into().unwrap_or_default()) as f64
            }
        };
        // Layers are stored one after another; point data interleaves them per vertex.
        let values: Pixels = if width == 8 {
            Pixels::F64((0..n * layers).map(|i| value(i % layers, i / layers)).collect())
        } else {
            Pixels::F32((0..n * layers).map(|i| value(i % layers, i / layers) as f32).collect())
        };
        let pixel = if layers == 1 { Pixel::Scalar } else { Pixel::VariableLengthVector };
        mesh.point_data = Data::new(pixel, layers, nv, values);
    } else if let Some(rgba) = rgba {
        mesh.point_data = Data::new(Pixel::Rgba, 4, nv, Pixels::U8(rgba));
    }
    Ok(mesh)
}

pub fn write(mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
    only_polygons(mesh, "MZ3")?;
    let mut tris = Vec::new();
    let mut index = 0u64;
    mesh.each_cell(|_, ids| {
        if ids.len() != 3 {
            return Err(format!("MZ3 holds triangles only: cell {index} has {} points", ids.len()));
        }
        tris.extend(ids.iter().map(|&i| i as u32));
        index += 1;
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))?;
    let pd = &mesh.point_data;
    let has_data = pd.count == mesh.number_of_points && pd.count > 0;
    let rgba = has_data && pd.components == 4 && pd.ctype == Ctype::U8;
    let scalars = has_data && !rgba;
    let double = scalars && pd.ctype == Ctype::F64;
    let mut attr = VERT | if tris.is_empty() { 0 } else { FACE };
    attr |= if rgba { RGBA } else { 0 } | if scalars { SCALAR } else { 0 } | if double { DOUBLE } else { 0 };
    let mut out = Vec::with_capacity(16 + tris.len() * 4 + mesh.number_of_points as usize * 16);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&attr.to_le_bytes());
    out.extend_from_slice(&((tris.len() / 3) as u32).to_le_bytes());
    out.extend_from_slice(&(mesh.number_of_points as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for i in &tris {
        out.extend_from_slice(&i.to_le_bytes());
    }
    for p in mesh.coordinates().chunks_exact(mesh.dimension.max(1)) {
        for c in 0..3 {
            out.extend_from_slice(&(p.get(c).copied().unwrap_or(0.0) as f32).to_le_bytes());
        }
    }
    if rgba {
        out.extend_from_slice(pd.values.as_deref().unwrap_or_default());
    } else if scalars {
        // Per vertex interleaved in the model; layer after layer in the file.
        let v = pd.f64s();
        let (n, layers) = (mesh.number_of_points as usize, pd.components.max(1));
        for layer in 0..layers {
            for i in 0..n {
                let x = v[i * layers + layer];
                if double {
                    out.extend_from_slice(&x.to_le_bytes());
                } else {
                    out.extend_from_slice(&(x as f32).to_le_bytes());
                }
            }
        }
    }
    if o.compression {
        use std::io::Write;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        z.write_all(&out).and_then(|_| z.finish()).map_err(|e| Failure::new(Code::Internal, format!("gzip: {e}")))
    } else {
        Ok(out)
    }
}
