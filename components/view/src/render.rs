//! Orthogonal slices (or maximum-intensity projections) of a 2-D or 3-D image, laid out
//! side by side in physical proportions and made 8-bit RGB: windowed grey for scalars,
//! a colour per label, or uint8 RGB(A) as it is.

use crate::{Code, Failure};
use witk_guest::Pixels;

/// The longest side a panel may have: larger images get a coarser pixel.
pub const MAX_SIDE: usize = 4096;
/// Black columns between panels.
pub const GAP: usize = 8;

/// An input image as the renderer sees it (index space, the first axis fastest).
pub struct Volume {
    /// Sizes along x, y, z (z is 1 for a 2-D image).
    pub size: [usize; 3],
    pub spacing: [f64; 3],
    pub two_d: bool,
    /// 1 (scalar), or 3 or 4 (uint8 RGB, RGBA).
    pub components: usize,
    pub pixels: Pixels,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub axis: Option<u32>,
    pub slice: Option<u64>,
    pub window: Option<f64>,
    pub level: Option<f64>,
    pub projection: bool,
    pub labels: bool,
}

/// The rendered picture: `width` x `height` RGB pixels, row by row.
pub struct Picture {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

fn invalid(m: impl Into<String>) -> Failure {
    Failure::new(Code::InvalidArgument, m)
}

/// A pixel component read as float64 (64-bit integers rounded, as NumPy's astype).
trait Num: Copy {
    fn f(self) -> f64;
}
macro_rules! num {
    ($($t:ty),*) => {$(impl Num for $t {
        #[inline]
        fn f(self) -> f64 {
            self as f64
        }
    })*};
}
num!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

/// One panel: the plane normal to `normal`, its in-plane axes (`u` right, `v` down,
/// flipped so that z is up), and its values (one per in-plane pixel, `u` fastest).
struct Panel {
    u: usize,
    v: usize,
    flip_v: bool,
    /// The plane's values: scalars, or `components` channels of uint8 colour.
    values: Vec<f64>,
}

/// The planes a request shows: (normal, u, v, flip v), left to right.
fn planes(vol: &Volume, axis: Option<u32>) -> Result<Vec<(usize, usize, usize, bool)>, Failure> {
    const ALL: [(usize, usize, usize, bool); 3] = [(2, 0, 1, false), (1, 0, 2, true), (0, 1, 2, true)];
    if vol.two_d {
        return match axis {
            None | Some(2) => Ok(vec![ALL[0]]),
            Some(a) => Err(invalid(format!("axis {a}: a 2-D image has only its own plane (axis 2)"))),
        };
    }
    match axis {
        None => Ok(ALL.to_vec()),
        Some(a @ 0..=2) => Ok(vec![ALL[2 - a as usize]]),
        Some(a) => Err(invalid(format!("axis {a}: use 0 (x), 1 (y) or 2 (z)"))),
    }
}

fn extract<T: Num>(
    data: &[T],
    vol: &Volume,
    plane: (usize, usize, usize, bool),
    o: &Options,
) -> Result<Panel, Failure> {
    let (normal, u, v, flip_v) = plane;
    let [nx, ny, _] = vol.size;
    let stride = [vol.components, vol.components * nx, vol.components * nx * ny];
    let n = vol.size[normal];
    let slice = match o.slice {
        _ if o.projection => None,
        None => Some(n / 2),
        Some(s) if (s as usize) < n => Some(s as usize),
        Some(s) => return Err(invalid(format!("slice {s} is past the image's {n} slices along axis {normal}"))),
    };
    let (nu, nv) = (vol.size[u], vol.size[v]);
    let c = vol.components;
    let mut values = vec![0f64; nu * nv * c];
    for j in 0..nv {
        for i in 0..nu {
            let base = i * stride[u] + j * stride[v];
            let out = &mut values[(j * nu + i) * c..(j * nu + i + 1) * c];
            match slice {
                Some(s) => {
                    for (k, o) in out.iter_mut().enumerate() {
                        *o = data[base + s * stride[normal] + k].f();
                    }
                }
                None => {
                    // The largest value along the normal (NaN ignored, as NumPy's nanmax).
                    let mut m = f64::NAN;
                    for s in 0..n {
                        let x = data[base + s * stride[normal]].f();
                        if !x.is_nan() && (m.is_nan() || x > m) {
                            m = x;
                        }
                    }
                    out[0] = m;
                }
            }
        }
    }
    Ok(Panel { u, v, flip_v, values })
}

/// The `q`-th quantile (0 to 1) of the finite values, by the nearest rank of a sorted
/// sample of at most a million of them (evenly strided through the panels, in order).
fn quantiles(values: &[&[f64]], qs: [f64; 2]) -> Option<[f64; 2]> {
    let step = (values.iter().map(|v| v.len()).sum::<usize>() / 1_000_000).max(1);
    let mut sample: Vec<f64> =
        values.iter().flat_map(|v| v.iter()).step_by(step).copied().filter(|x| x.is_finite()).collect();
    if sample.is_empty() {
        return None;
    }
    sample.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| sample[((q * (sample.len() - 1) as f64).round() as usize).min(sample.len() - 1)];
    Some([at(qs[0]), at(qs[1])])
}

/// The window's lowest and highest values: given, or from the values shown.
fn window(panels: &[Panel], o: &Options) -> (f64, f64) {
    let shown: Vec<&[f64]> = panels.iter().map(|p| p.values.as_slice()).collect();
    let [p_lo, p_hi] = quantiles(&shown, [0.005, 0.995]).unwrap_or([0.0, 1.0]);
    let width = o.window.unwrap_or(p_hi - p_lo);
    let level = o.level.unwrap_or((p_lo + p_hi) / 2.0);
    (level - width / 2.0, level + width / 2.0)
}

/// A distinct colour for label `l` (0 is black): hues a golden angle apart.
pub fn label_colour(l: i64) -> [u8; 3] {
    if l == 0 {
        return [0, 0, 0];
    }
    let h = (l as f64 * 0.618_033_988_749_895).rem_euclid(1.0) * 6.0;
    let (s, v) = (0.65, 1.0);
    let f = h.fract();
    let (p, q, t) = (v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f)));
    let (r, g, b) = match h as u32 {
        0 => (v, t, p),
        1 => (q, v, p),
        2 => (p, v, t),
        3 => (p, q, v),
        4 => (t, p, v),
        _ => (v, p, q),
    };
    [r, g, b].map(|x| (x * 255.0).round() as u8)
}

/// A scalar windowed to 8 bits.
pub fn grey(x: f64, lo: f64, hi: f64) -> u8 {
    if x.is_nan() {
        return 0;
    }
    let t = if hi > lo { (x - lo) / (hi - lo) } else { (x >= hi) as u8 as f64 };
    (255.0 * t.clamp(0.0, 1.0)).round() as u8
}

pub fn render(vol: &Volume, o: &Options) -> Result<Picture, Failure> {
    if vol.size.contains(&0) {
        return Err(invalid(format!("the image is empty (size {:?})", vol.size)));
    }
    let colour = vol.components > 1;
    if colour && (o.projection || o.labels) {
        return Err(invalid("projections and labels are for scalar images; this one is colour"));
    }
    let planes = planes(vol, o.axis)?;
    let panels = witk_guest::with_pixels!(&vol.pixels, v => {
        planes.iter().map(|&p| extract(v, vol, p, o)).collect::<Result<Vec<_>, _>>()?
    });
    // One pixel size for every panel: the finest in-plane spacing, coarser if a side
    // would pass MAX_SIDE.
    let mut ps = panels.iter().flat_map(|p| [vol.spacing[p.u], vol.spacing[p.v]]).fold(f64::INFINITY, f64::min);
    if !(ps.is_finite() && ps > 0.0) {
        return Err(invalid(format!("the spacing {:?} is not positive", vol.spacing)));
    }
    let side = |n: usize, s: f64, ps: f64| ((n as f64 * s / ps).round() as usize).max(1);
    for p in &panels {
        for a in [p.u, p.v] {
            let need = vol.size[a] as f64 * vol.spacing[a] / ps;
            if need > MAX_SIDE as f64 {
                ps *= need / MAX_SIDE as f64;
            }
        }
    }
    let dims: Vec<(usize, usize)> = panels
        .iter()
        .map(|p| (side(vol.size[p.u], vol.spacing[p.u], ps), side(vol.size[p.v], vol.spacing[p.v], ps)))
        .collect();
    let width = dims.iter().map(|d| d.0).sum::<usize>() + GAP * (dims.len() - 1);
    let height = dims.iter().map(|d| d.1).max().unwrap_or(1);
    let (lo, hi) = if colour || o.labels { (0.0, 0.0) } else { window(&panels, o) };
    let mut rgb = vec![0u8; width * height * 3];
    let mut left = 0;
    for (p, &(w, h)) in panels.iter().zip(&dims) {
        let (nu, nv) = (vol.size[p.u], vol.size[p.v]);
        // Output pixel centre to input index, nearest neighbour.
        let index = |k: usize, n: usize, s: f64| (((k as f64 + 0.5) * ps / s) as usize).min(n - 1);
        for r in 0..h {
            let j = index(r, nv, vol.spacing[p.v]);
            let j = if p.flip_v { nv - 1 - j } else { j };
            for c in 0..w {
                let i = index(c, nu, vol.spacing[p.u]);
                let at = (j * nu + i) * vol.components;
                let px = &mut rgb[(r * width + left + c) * 3..][..3];
                if colour {
                    for (k, x) in px.iter_mut().enumerate() {
                        *x = p.values[at + k] as u8;
                    }
                } else if o.labels {
                    let x = p.values[at];
                    px.copy_from_slice(&if x.is_finite() { label_colour(x.round() as i64) } else { [0; 3] });
                } else {
                    px.fill(grey(p.values[at], lo, hi));
                }
            }
        }
        left += w + GAP;
    }
    Ok(Picture { width, height, rgb })
}
