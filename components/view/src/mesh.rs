//! A picture of a mesh: its polygons (triangles, quadrilaterals and polygons, fanned;
//! lines and vertices are not drawn) rasterized with a depth buffer, seen from outside its
//! bounding sphere as the viewer's WebGL view frames it (3 radii away, a 45° field of
//! view, turned by yaw about y and then pitch about x), lit by a headlight (0.25 + 0.75
//! |n·z|, smooth normals), coloured by the first point-data component (blue, white, red
//! from its minimum to its maximum) or light grey.

use crate::{Code, Failure};
use witk_mesh::{cell, to_f64, visit_cells, Mesh};

/// The background, as the viewer's.
pub const BACKGROUND: [u8; 3] = [20, 23, 31];
/// The largest picture side.
pub const MAX_SIDE: u32 = 8192;

fn invalid(m: impl Into<String>) -> Failure {
    Failure::new(Code::InvalidArgument, m)
}

/// Blue (low) through white to red (high), for t in 0 to 1.
pub fn diverging(t: f64) -> [f64; 3] {
    let x = t.clamp(0.0, 1.0);
    if x < 0.5 {
        [2.0 * x, 2.0 * x, 1.0]
    } else {
        [1.0, 2.0 * (1.0 - x), 2.0 * (1.0 - x)]
    }
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn cross(u: [f64; 3], v: [f64; 3]) -> [f64; 3] {
    [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
}

/// The mesh's polygons as triangles of point ids.
fn triangles(mesh: &Mesh) -> Result<Vec<[usize; 3]>, Failure> {
    let mut out = Vec::new();
    if let Some(cells) = &mesh.cells {
        visit_cells(cells, |kind, ids| {
            if matches!(kind, cell::TRIANGLE | cell::QUADRILATERAL | cell::POLYGON) && ids.len() >= 3 {
                for k in 1..ids.len() - 1 {
                    out.push([ids[0] as usize, ids[k] as usize, ids[k + 1] as usize]);
                }
            }
            Ok(())
        })
        .map_err(invalid)?;
    }
    Ok(out)
}

pub struct Camera {
    pub width: u32,
    pub height: u32,
    /// Degrees about the vertical axis, then about the horizontal one.
    pub yaw: f64,
    pub pitch: f64,
}

/// The picture: `width` x `height` RGB pixels, row by row.
pub fn render(mesh: &Mesh, cam: &Camera) -> Result<Vec<u8>, Failure> {
    if !(1..=MAX_SIDE).contains(&cam.width) || !(1..=MAX_SIDE).contains(&cam.height) {
        return Err(invalid(format!("a {}x{} picture: each side must be 1 to {MAX_SIDE}", cam.width, cam.height)));
    }
    if !(cam.yaw.is_finite() && cam.pitch.is_finite()) {
        return Err(invalid("yaw and pitch must be finite"));
    }
    let d = mesh.dimension.max(1);
    let coords = mesh.coordinates();
    let n = mesh.number_of_points as usize;
    let p: Vec<[f64; 3]> =
        (0..n).map(|i| std::array::from_fn(|k| if k < d { coords[i * d + k] } else { 0.0 })).collect();
    let tris = triangles(mesh)?;
    if tris.is_empty() {
        return Err(invalid("the mesh has no polygons to draw (lines and vertices are not drawn)"));
    }
    // Smooth normals: each corner gets its triangle's area-weighted normal.
    let mut normals = vec![[0.0f64; 3]; n];
    for t in &tris {
        let f = cross(sub(p[t[1]], p[t[0]]), sub(p[t[2]], p[t[0]]));
        for &i in t {
            for k in 0..3 {
                normals[i][k] += f[k];
            }
        }
    }
    // Colours from the first point-data component.
    let grey = [0.85; 3];
    let colours: Vec<[f64; 3]> =
        match (&mesh.point_data.values, mesh.point_data.count == mesh.number_of_points && n > 0) {
            (Some(v), true) => {
                let c = mesh.point_data.components.max(1);
                let v = to_f64(v);
                let first: Vec<f64> = (0..n).map(|i| v[i * c]).collect();
                let (lo, hi) = first
                    .iter()
                    .filter(|x| x.is_finite())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
                let span = if hi > lo { hi - lo } else { 1.0 };
                first.iter().map(|&x| if x.is_finite() { diverging((x - lo) / span) } else { grey }).collect()
            }
            _ => vec![grey; n],
        };
    // Frame the bounding sphere.
    let used: Vec<usize> = {
        let mut u: Vec<usize> = tris.iter().flatten().copied().collect();
        u.sort_unstable();
        u.dedup();
        u
    };
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for &i in &used {
        for k in 0..3 {
            lo[k] = lo[k].min(p[i][k]);
            hi[k] = hi[k].max(p[i][k]);
        }
    }
    if lo.iter().chain(&hi).any(|x| !x.is_finite()) {
        return Err(invalid("the mesh's points are not finite"));
    }
    let centre: [f64; 3] = std::array::from_fn(|k| (lo[k] + hi[k]) / 2.0);
    let radius = (0..3).map(|k| (hi[k] - lo[k]).powi(2)).sum::<f64>().sqrt().max(1e-12) / 2.0;
    let distance = 3.0 * radius;
    let (yaw, pitch) = (cam.yaw.to_radians(), cam.pitch.to_radians());
    let (cy, sy, cp, sp) = (yaw.cos(), yaw.sin(), pitch.cos(), pitch.sin());
    // view(x) = Rx(pitch) Ry(yaw) (x - centre) - (0, 0, distance)
    let view = |x: [f64; 3]| -> [f64; 3] {
        let [a, b, c] = sub(x, centre);
        let (x1, z1) = (cy * a + sy * c, -sy * a + cy * c);
        let (y2, z2) = (cp * b - sp * z1, sp * b + cp * z1);
        [x1, y2, z2 - distance]
    };
    let rotate = |v: [f64; 3]| -> [f64; 3] {
        let (x1, z1) = (cy * v[0] + sy * v[2], -sy * v[0] + cy * v[2]);
        [x1, cp * v[1] - sp * z1, sp * v[1] + cp * z1]
    };
    let (w, h) = (cam.width as usize, cam.height as usize);
    let f = 1.0 / (std::f64::consts::PI / 8.0).tan();
    let aspect = w as f64 / h as f64;
    // Screen position (pixels, y down) and depth (distance along the view) of each point.
    let screen: Vec<Option<[f64; 3]>> = p
        .iter()
        .map(|&x| {
            let v = view(x);
            (v[2] < -distance / 100.0).then(|| {
                let (nx, ny) = (f / aspect * v[0] / -v[2], f * v[1] / -v[2]);
                [(nx + 1.0) / 2.0 * w as f64, (1.0 - ny) / 2.0 * h as f64, -v[2]]
            })
        })
        .collect();
    let shade: Vec<[f64; 3]> = (0..n)
        .map(|i| {
            let nv = rotate(normals[i]);
            let len = (nv[0] * nv[0] + nv[1] * nv[1] + nv[2] * nv[2]).sqrt();
            let l = if len > 0.0 { (nv[2] / len).abs() } else { 1.0 };
            colours[i].map(|c| c * (0.25 + 0.75 * l))
        })
        .collect();
    let mut rgb: Vec<u8> = BACKGROUND.iter().copied().cycle().take(w * h * 3).collect();
    let mut depth = vec![f64::INFINITY; w * h];
    for t in &tris {
        let (Some(a), Some(b), Some(c)) = (screen[t[0]], screen[t[1]], screen[t[2]]) else { continue };
        let area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
        if area.abs() < 1e-12 {
            continue;
        }
        let x0 = a[0].min(b[0]).min(c[0]).floor().max(0.0) as usize;
        let x1 = (a[0].max(b[0]).max(c[0]).ceil() as i64).clamp(0, w as i64) as usize;
        let y0 = a[1].min(b[1]).min(c[1]).floor().max(0.0) as usize;
        let y1 = (a[1].max(b[1]).max(c[1]).ceil() as i64).clamp(0, h as i64) as usize;
        for y in y0..y1 {
            for x in x0..x1 {
                // Pixel centres; barycentric weights by edge functions.
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let wa = ((b[0] - px) * (c[1] - py) - (b[1] - py) * (c[0] - px)) / area;
                let wb = ((c[0] - px) * (a[1] - py) - (c[1] - py) * (a[0] - px)) / area;
                let wc = 1.0 - wa - wb;
                if wa < 0.0 || wb < 0.0 || wc < 0.0 {
                    continue;
                }
                let z = wa * a[2] + wb * b[2] + wc * c[2];
                let at = y * w + x;
                if z >= depth[at] {
                    continue;
                }
                depth[at] = z;
                for k in 0..3 {
                    let v = wa * shade[t[0]][k] + wb * shade[t[1]][k] + wc * shade[t[2]][k];
                    rgb[at * 3 + k] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
                }
            }
        }
    }
    Ok(rgb)
}
