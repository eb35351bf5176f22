//! The comparison: ITK's `Testing::ComparisonImageFilter` semantics, as ITK-Wasm's
//! compare-double-images runs it, written from its documented behaviour.
//!
//! For each pixel, the difference is the smallest absolute difference between the test
//! pixel and the baseline pixels within the radius tolerance (the neighbourhood clamped
//! at the image edge, ITK's zero-flux Neumann condition); a pixel differs when that
//! exceeds the difference threshold. The radius shrinks to `(size - 1) / 2` along axes
//! too short for it. With ignore-boundary-pixels, pixels within the radius of the edge
//! are skipped (so it has no effect with radius 0). Pixels are visited as ITK's
//! boundary-faces calculator splits the image (the interior, then the low and high face
//! of each axis), so the total difference is summed in the same order.

use crate::model::{identity, into_f64, Component, Geometry, Pixels, Scalar, Typed};
use crate::{Code, Failure};

/// The parameters of compare-images and compare-double-images.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub difference_threshold: f64,
    pub radius_tolerance: u32,
    pub number_of_pixels_tolerance: u64,
    pub ignore_boundary_pixels: bool,
    pub spatial_tolerance: f64,
}

impl Default for Options {
    /// ITK-Wasm's defaults.
    fn default() -> Self {
        Options {
            difference_threshold: 0.0,
            radius_tolerance: 0,
            number_of_pixels_tolerance: 0,
            ignore_boundary_pixels: false,
            spatial_tolerance: 1e-8,
        }
    }
}

/// ITK-Wasm's metrics, plus which baseline they are for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub almost_equal: bool,
    pub number_of_pixels_with_differences: u64,
    pub minimum_difference: f64,
    pub maximum_difference: f64,
    pub total_difference: f64,
    pub mean_difference: f64,
    pub best_baseline_index: u32,
}

/// What comparing with one baseline gives: ITK's statistics of the differing pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub count: u64,
    pub min: f64,
    pub max: f64,
    pub total: f64,
}

impl Stats {
    /// ITK's initial values: the minimum at the largest float64, the maximum at its negative.
    const NONE: Stats = Stats { count: 0, min: f64::MAX, max: -f64::MAX, total: 0.0 };

    fn add(&mut self, d: f64) {
        self.count += 1;
        self.total += d;
        self.min = self.min.min(d);
        self.max = self.max.max(d);
    }
}

/// The result of a comparison: metrics, the float64 difference image (geometry of the
/// test image) and the 8-bit rendering of its middle 2-D slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub metrics: Metrics,
    pub difference: Scalar,
    pub difference_uchar: Uchar2d,
}

/// A 2-D uint8 image.
#[derive(Debug, Clone, PartialEq)]
pub struct Uchar2d {
    pub geometry: Geometry,
    pub pixels: Vec<u8>,
}

/// |a - b|, except that NaN never hides a difference: a NaN differs infinitely from any
/// number and equals another NaN, and equal infinities do not differ. (ITK's filter
/// counts a NaN difference as no difference.)
#[inline]
fn abs_diff(a: f64, b: f64) -> f64 {
    let d = (a - b).abs();
    if d.is_nan() {
        if a.is_nan() == b.is_nan() {
            0.0 // both NaN, or equal infinities
        } else {
            f64::INFINITY
        }
    } else {
        d
    }
}

/// Compare `test` with every baseline and keep the one with the fewest differing
/// pixels (the last of equals, as ITK-Wasm does).
pub fn compare(test: Typed, baselines: Vec<Typed>, o: &Options) -> Result<Comparison, Failure> {
    check(&test.geometry, baselines.iter().map(|b| &b.geometry), o)?;
    let dims = test.geometry.dims();
    let kind = std::mem::discriminant(&test.pixels);
    let (test_pixels, baselines): (Pixels, Vec<Pixels>) =
        if baselines.iter().all(|b| std::mem::discriminant(&b.pixels) == kind) {
            (test.pixels, baselines.into_iter().map(|b| b.pixels).collect())
        } else {
            // Mixed component types: read them all as float64 (exact, as ITK-Wasm's cast).
            let f64s = |p: Pixels| Pixels::F64(into_f64(p));
            (f64s(test.pixels), baselines.into_iter().map(|b| f64s(b.pixels)).collect())
        };
    macro_rules! by_type {
        ($($case:ident($t:ty)),*) => {
            match &test_pixels {
                $(Pixels::$case(_) => closest::<$t>(&test_pixels, &baselines, &dims, o),)*
            }
        };
    }
    let (index, s, pixels) =
        by_type!(I8(i8), U8(u8), I16(i16), U16(u16), I32(i32), U32(u32), I64(i64), U64(u64), F32(f32), F64(f64));
    let metrics = Metrics {
        almost_equal: s.count <= o.number_of_pixels_tolerance,
        number_of_pixels_with_differences: s.count,
        minimum_difference: s.min,
        maximum_difference: s.max,
        total_difference: s.total,
        mean_difference: if s.count > 0 { s.total / s.count as f64 } else { 0.0 },
        best_baseline_index: index as u32,
    };
    let difference = Scalar { geometry: test.geometry, pixels };
    let difference_uchar = uchar_slice(&difference);
    Ok(Comparison { metrics, difference, difference_uchar })
}

/// The baseline with the fewest differing pixels: its index, statistics and difference image.
fn closest<T: Component>(test: &Pixels, baselines: &[Pixels], dims: &[usize], o: &Options) -> (usize, Stats, Vec<f64>) {
    let test = T::of(test).expect("one component type");
    let mut best: Option<(usize, Stats, Vec<f64>)> = None;
    let mut scratch = Vec::new();
    for (i, b) in baselines.iter().enumerate() {
        let mut out = std::mem::take(&mut scratch);
        out.resize(test.len(), 0.0);
        let stats = difference(test, T::of(b).expect("one component type"), dims, o, &mut out);
        match &mut best {
            Some((_, s, _)) if stats.count > s.count => scratch = out,
            _ => {
                if let Some((_, _, old)) = best.replace((i, stats, out)) {
                    scratch = old;
                }
            }
        }
    }
    best.expect("checked: at least one baseline")
}

/// The checks ITK-Wasm's pipeline makes (it traps where these are errors).
fn check<'a>(t: &Geometry, baselines: impl ExactSizeIterator<Item = &'a Geometry>, o: &Options) -> Result<(), Failure> {
    let invalid = |m: String| Failure::new(Code::InvalidArgument, m);
    if o.difference_threshold.is_nan() {
        return Err(invalid("difference-threshold is NaN".into()));
    }
    if o.spatial_tolerance.is_nan() || o.spatial_tolerance < 0.0 {
        return Err(invalid(format!("spatial-tolerance must be zero or more; got {}", o.spatial_tolerance)));
    }
    if baselines.len() == 0 {
        return Err(invalid("baseline-images is empty: give at least one baseline image".into()));
    }
    // ITK's ImageToImageFilter::VerifyInputInformation: origin and spacing within the
    // tolerance times the test image's first spacing, the direction within the tolerance.
    let coordinate_tolerance = (o.spatial_tolerance * t.spacing[0]).abs();
    let close = |a: &[f64], b: &[f64], tol: f64| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol);
    for (i, g) in baselines.enumerate() {
        let what = format!("baseline-images[{i}]");
        if g.dimension() != t.dimension() {
            return Err(invalid(format!(
                "{what} is {}-D but test-image is {}-D; compare images of the same dimension",
                g.dimension(),
                t.dimension()
            )));
        }
        if g.size != t.size {
            return Err(invalid(format!("{what} has size {:?} but test-image has size {:?}", g.size, t.size)));
        }
        for (field, a, b, tol) in [
            ("origin", &t.origin, &g.origin, coordinate_tolerance),
            ("spacing", &t.spacing, &g.spacing, coordinate_tolerance),
            ("direction", &t.direction, &g.direction, o.spatial_tolerance),
        ] {
            if !close(a, b, tol) {
                return Err(invalid(format!(
                    "{what} does not occupy the same physical space as test-image: {field} {b:?} differs from \
                     {a:?} by more than {tol:e} (spatial-tolerance {:e})",
                    o.spatial_tolerance
                )));
            }
        }
    }
    Ok(())
}

/// The radius along each axis: the tolerance, or `(size - 1) / 2` where the axis is
/// not longer than `2 * radius + 1` pixels.
fn radii(dims: &[usize], radius: u32) -> Vec<usize> {
    let r = radius as usize;
    dims.iter().map(|&s| if r.saturating_mul(2).saturating_add(1) < s { r } else { (s - 1) / 2 }).collect()
}

/// An axis-aligned box of pixels `[start, end)` per axis, and whether it is on the
/// boundary (its neighbourhoods reach outside the image).
type Face = (Vec<(usize, usize)>, bool);

/// ITK's ImageBoundaryFacesCalculator over the whole image: the interior first, then,
/// axis by axis, the low and the high face of what is left.
fn faces(dims: &[usize], r: &[usize]) -> Vec<Face> {
    let mut faces = vec![(dims.iter().zip(r).map(|(&s, &r)| (r, s - r)).collect(), false)];
    let mut rest: Vec<(usize, usize)> = dims.iter().map(|&s| (0, s)).collect();
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

/// Call `row(first, index)` for each row of a box (x varying fastest, as ITK iterates):
/// `first` is the linear index of the row's first pixel, `index` its N-D index.
fn for_each_row(b: &[(usize, usize)], strides: &[usize], mut row: impl FnMut(usize, &[usize])) {
    if b.iter().any(|&(s, e)| s >= e) {
        return;
    }
    let mut index: Vec<usize> = b.iter().map(|&(s, _)| s).collect();
    loop {
        row(index.iter().zip(strides).map(|(i, s)| i * s).sum(), &index);
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

/// Compare with one baseline: the difference image in `out`, the statistics returned.
pub fn difference<T: Component>(test: &[T], baseline: &[T], dims: &[usize], o: &Options, out: &mut [f64]) -> Stats {
    let d = dims.len();
    let r = radii(dims, o.radius_tolerance);
    let mut strides = vec![1usize; d];
    for i in 1..d {
        strides[i] = strides[i - 1] * dims[i - 1];
    }
    // Neighbourhood offsets, per axis and as linear offsets (valid away from the edge).
    let mut offsets: Vec<Vec<isize>> = vec![vec![]];
    for &ri in &r {
        let ri = ri as isize;
        offsets = offsets.iter().flat_map(|o| (-ri..=ri).map(move |k| [o.as_slice(), &[k]].concat())).collect();
    }
    let linear: Vec<isize> =
        offsets.iter().map(|o| o.iter().zip(&strides).map(|(k, &s)| k * s as isize).sum()).collect();
    let threshold = o.difference_threshold;
    let mut stats = Stats::NONE;
    for (b, boundary) in faces(dims, &r) {
        for_each_row(&b, &strides, |first, index| {
            let (x0, x1) = b[0];
            let row = first - index[0]..first - index[0] + x1;
            let (out, test, base) = (&mut out[row.clone()], &test[row.clone()], &baseline[row.start..]);
            if boundary && o.ignore_boundary_pixels {
                out[x0..x1].fill(0.0);
                return;
            }
            for x in x0..x1 {
                let t = test[x].to_f64();
                let mut m = abs_diff(t, base[x].to_f64());
                if m > threshold {
                    if boundary {
                        // Clamp each axis to the image (zero-flux Neumann).
                        for off in &offsets {
                            let mut p = 0;
                            for a in 0..d {
                                let i = if a == 0 { x } else { index[a] } as isize + off[a];
                                p += i.clamp(0, dims[a] as isize - 1) as usize * strides[a];
                            }
                            m = m.min(abs_diff(t, baseline[p].to_f64()));
                            if m <= threshold {
                                break;
                            }
                        }
                    } else {
                        let here = (row.start + x) as isize;
                        for &k in &linear {
                            m = m.min(abs_diff(t, baseline[(here + k) as usize].to_f64()));
                            if m <= threshold {
                                break;
                            }
                        }
                    }
                }
                if m > threshold {
                    out[x] = m;
                    stats.add(m);
                } else {
                    out[x] = 0.0;
                }
            }
        });
    }
    stats
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

/// The middle 2-D slice of a difference image rescaled to 0-255, as ITK-Wasm renders it:
/// ITK's ExtractImageFilter (index `size / 2` along axes 2 and up; the direction's
/// upper-left 2x2 block, or the identity where that block is singular) and
/// RescaleIntensityImageFilter (linear from the slice's minimum and maximum, truncated).
/// A 1-D image gives one row. Infinite differences render as 255.
pub fn uchar_slice(image: &Scalar) -> Uchar2d {
    let g = &image.geometry;
    let d = g.dimension();
    let dims = g.dims();
    let (nx, ny) = (dims[0], if d > 1 { dims[1] } else { 1 });
    let mut first = 0;
    let mut stride = nx * ny;
    for &s in dims.iter().skip(2) {
        first += (s / 2) * stride;
        stride *= s;
    }
    let slice = &image.pixels[first..first + nx * ny];
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
    let pixels = slice.iter().map(|&v| (v.min(f64::MAX) * scale + shift) as u8).collect();
    let geometry = match d {
        1 => Geometry {
            origin: vec![g.origin[0], 0.0],
            spacing: vec![g.spacing[0], 1.0],
            direction: identity(2),
            size: vec![g.size[0], 1],
        },
        _ => {
            let m = [g.direction[0], g.direction[1], g.direction[d], g.direction[d + 1]];
            let singular = d > 2 && m[0] * m[3] - m[1] * m[2] == 0.0;
            Geometry {
                origin: g.origin[..2].to_vec(),
                spacing: g.spacing[..2].to_vec(),
                direction: if singular { identity(2) } else { m.to_vec() },
                size: g.size[..2].to_vec(),
            }
        }
    };
    Uchar2d { geometry, pixels }
}
