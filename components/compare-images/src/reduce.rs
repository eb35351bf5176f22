//! The comparison's rules that do not depend on pixel types: which neighbourhood a pixel
//! searches, the order ITK visits pixels in (its boundary-faces calculator), how a
//! difference image reduces to ITK's statistics, and how its middle slice renders.
//!
//! Plain `std` Rust that names no crate path, on purpose: the component compiles this file
//! as `crate::reduce`, and witk's host includes the same file (`#[path]` in this
//! pipeline's `host/mod.rs`) for its chunked plan. So a comparison split into regions
//! sums its differences in the one order a single call does, and equals it bit for bit.

/// The radius along each axis: the tolerance, or `(size - 1) / 2` where the axis is
/// not longer than `2 * radius + 1` pixels.
pub fn radii(dims: &[usize], radius: u32) -> Vec<usize> {
    let r = radius as usize;
    dims.iter().map(|&s| if r.saturating_mul(2).saturating_add(1) < s { r } else { (s - 1) / 2 }).collect()
}

/// An axis-aligned box of pixels, `[start, end)` per axis.
pub type Box = Vec<(usize, usize)>;

/// A box of pixels, and whether it is on the boundary (its neighbourhoods reach outside
/// the image).
pub type Face = (Box, bool);

/// ITK's ImageBoundaryFacesCalculator over the whole image: the interior first, then,
/// axis by axis, the low and the high face of what is left.
pub fn faces(dims: &[usize], r: &[usize]) -> Vec<Face> {
    let mut faces = vec![(dims.iter().zip(r).map(|(&s, &r)| (r, s - r)).collect(), false)];
    let mut rest: Box = dims.iter().map(|&s| (0, s)).collect();
    for i in 0..dims.len() {
        if r[i] == 0 {
            continue;
        }
        let mut low = rest.clone();
        low[i] = (0, r[i]);
        let mut high = rest.clone();
        high[i] = (dims[i] - r[i], dims[i]);
        faces.push((low, true));
        faces.push((high, true));
        rest[i] = (r[i], dims[i] - r[i]);
    }
    faces
}

/// The part of box `a` inside box `b` (empty along some axis when they do not meet).
pub fn intersect(a: &[(usize, usize)], b: &[(usize, usize)]) -> Box {
    a.iter().zip(b).map(|(&(s, e), &(t, f))| (s.max(t), e.min(f))).collect()
}

/// Call `row(index)` for each row of a box, x varying fastest as ITK iterates: `index`
/// is the N-D index of the row's first pixel (`index[0]` is the box's first x).
pub fn for_each_row(b: &[(usize, usize)], mut row: impl FnMut(&[usize])) {
    if b.iter().any(|&(s, e)| s >= e) {
        return;
    }
    let mut index: Vec<usize> = b.iter().map(|&(s, _)| s).collect();
    loop {
        row(&index);
        let mut d = 1;
        loop {
            if d >= b.len() {
                return;
            }
            index[d] += 1;
            if index[d] < b[d].1 {
                break;
            }
            index[d] = b[d].0;
            d += 1;
        }
    }
}

/// Strides of a dense buffer of `dims` pixels, x fastest.
pub fn strides(dims: &[usize]) -> Vec<usize> {
    let mut s = vec![1usize; dims.len()];
    for i in 1..dims.len() {
        s[i] = s[i - 1] * dims[i - 1];
    }
    s
}

/// The pixels a region of the difference image reads from the test and baseline images:
/// the region grown by the radius along each axis, within the image.
pub fn region_input(dims: &[usize], radius: u32, region: &[(usize, usize)]) -> Box {
    let r = radii(dims, radius);
    region.iter().zip(dims).zip(r).map(|((&(s, e), &n), r)| (s.saturating_sub(r), (e + r).min(n))).collect()
}

/// ITK's statistics of the differing pixels of one comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub count: u64,
    pub min: f64,
    pub max: f64,
    pub total: f64,
}

impl Stats {
    /// ITK's initial values: the minimum at the largest float64, the maximum at its negative.
    pub const NONE: Stats = Stats { count: 0, min: f64::MAX, max: -f64::MAX, total: 0.0 };

    /// ITK-Wasm's mean difference: the total over the count, or 0 when nothing differs.
    pub fn mean(&self) -> f64 {
        if self.count > 0 {
            self.total / self.count as f64
        } else {
            0.0
        }
    }

    fn add(&mut self, d: f64) {
        self.count += 1;
        self.total += d;
        self.min = self.min.min(d);
        self.max = self.max.max(d);
    }
}

/// The statistics of a whole difference image (`dims` pixels, x fastest), as ITK gathers
/// them: pixels visited face by face, those above the threshold counted and summed in
/// that order, and with ignore-boundary-pixels the boundary faces skipped.
///
/// The comparison writes a pixel's difference where it exceeds the threshold and 0 where
/// it does not, so these are the statistics of the pixels that differ: a 0 counts only
/// when the threshold is negative, where every pixel differs.
pub fn statistics(difference: &[f64], dims: &[usize], r: &[usize], ignore_boundary: bool, threshold: f64) -> Stats {
    let s = strides(dims);
    let mut stats = Stats::NONE;
    for (b, boundary) in faces(dims, r) {
        if boundary && ignore_boundary {
            continue;
        }
        let (x0, x1) = b[0];
        for_each_row(&b, |index| {
            let first: usize = index.iter().zip(&s).map(|(i, s)| i * s).sum();
            for &v in &difference[first..first + x1 - x0] {
                if v > threshold {
                    stats.add(v);
                }
            }
        });
    }
    stats
}

/// The linear range of the middle 2-D slice of an image of `dims` pixels (index
/// `size / 2` along axes 2 and up; a 1-D image is its one row).
pub fn middle_slice(dims: &[usize]) -> std::ops::Range<usize> {
    let (nx, ny) = (dims[0], dims.get(1).copied().unwrap_or(1));
    let mut first = 0;
    let mut stride = nx * ny;
    for &s in dims.iter().skip(2) {
        first += (s / 2) * stride;
        stride *= s;
    }
    first..first + nx * ny
}

/// ITK's `Math::AlmostEquals` for doubles: within 0.1 epsilon, or 4 units in the last place.
fn almost_equal(a: f64, b: f64) -> bool {
    if (a - b).abs() <= 0.1 * f64::EPSILON {
        return true;
    }
    let ulp = |x: f64| {
        let i = x.to_bits() as i64;
        if i < 0 {
            i64::MIN as i128 - i as i128
        } else {
            i as i128
        }
    };
    (ulp(a) - ulp(b)).abs() <= 4
}

/// A slice rescaled to 0-255 as ITK's RescaleIntensityImageFilter does: linear from its
/// minimum and maximum, truncated. Infinite differences render as 255.
pub fn rescale(slice: &[f64]) -> Vec<u8> {
    let (mut min, mut max) = (f64::MAX, -f64::MAX);
    for &v in slice {
        let v = v.min(f64::MAX);
        if v > max {
            max = v;
        }
        if v < min {
            min = v;
        }
    }
    let scale = if !almost_equal(min, max) {
        255.0 / (max - min)
    } else if !almost_equal(max, 0.0) {
        255.0 / max
    } else {
        0.0
    };
    let shift = 0.0 - min * scale;
    // Rust's float-to-int cast truncates toward zero and saturates: ITK's static_cast
    // then clamp to [0, 255].
    slice.iter().map(|&v| (v.min(f64::MAX) * scale + shift) as u8).collect()
}

/// The geometry of the rendered slice, `(origin, spacing, direction, size)`, from the
/// image's: ITK's ExtractImageFilter keeps the direction's upper-left 2x2 block, or the
/// identity where that block is singular; a 1-D image gives one row.
pub fn slice_geometry(
    origin: &[f64],
    spacing: &[f64],
    direction: &[f64],
    size: &[u64],
) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<u64>) {
    let d = size.len();
    let identity = vec![1.0, 0.0, 0.0, 1.0];
    if d == 1 {
        return (vec![origin[0], 0.0], vec![spacing[0], 1.0], identity, vec![size[0], 1]);
    }
    let m = [direction[0], direction[1], direction[d], direction[d + 1]];
    let singular = d > 2 && m[0] * m[3] - m[1] * m[2] == 0.0;
    (origin[..2].to_vec(), spacing[..2].to_vec(), if singular { identity } else { m.to_vec() }, size[..2].to_vec())
}
