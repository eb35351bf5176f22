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

use crate::model::{into_f64, Component, Geometry, Pixels, Scalar, Typed};
use crate::reduce::faces;
pub use crate::reduce::{
    for_each_row, intersect, middle_slice, radii, region_input, rescale, slice_geometry, statistics, strides, Box,
    Stats,
};
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
    let whole: Box = dims.iter().map(|&n| (0, n)).collect();
    let r = radii(&dims, o.radius_tolerance);
    let mut best: Option<(usize, Stats, Vec<f64>)> = None;
    let mut scratch = Vec::new();
    differences(test.pixels, baselines, &dims, &whole, &whole, o, |i, out| {
        let stats = statistics(&out, &dims, &r, o.ignore_boundary_pixels, o.difference_threshold);
        match &mut best {
            Some((_, s, _)) if stats.count > s.count => scratch = out,
            _ => {
                if let Some((_, _, old)) = best.replace((i, stats, out)) {
                    scratch = old;
                }
            }
        }
        std::mem::take(&mut scratch)
    });
    let (index, s, pixels) = best.expect("checked: at least one baseline");
    let metrics = Metrics {
        almost_equal: s.count <= o.number_of_pixels_tolerance,
        number_of_pixels_with_differences: s.count,
        minimum_difference: s.min,
        maximum_difference: s.max,
        total_difference: s.total,
        mean_difference: s.mean(),
        best_baseline_index: index as u32,
    };
    let difference = Scalar { geometry: test.geometry, pixels };
    let difference_uchar = uchar_slice(&difference);
    Ok(Comparison { metrics, difference, difference_uchar })
}

/// The difference images of a region of the test image, one per baseline, for hosts
/// that split large images: each pixel exactly as [`compare`] computes it (the radius and
/// the boundary are the whole image's), without statistics, which the host reduces with
/// [`statistics`] from the whole difference image. The images' pixels must hold
/// [`region_input`] of the region.
pub fn compare_region(
    test: Typed,
    baselines: Vec<Typed>,
    region: &[(usize, usize)],
    o: &Options,
) -> Result<Vec<Vec<f64>>, Failure> {
    check(&test.geometry, baselines.iter().map(|b| &b.geometry), o)?;
    if let Some(i) = baselines.iter().position(|b| b.held != test.held) {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!(
                "baseline-images[{i}] holds the pixels {:?} but test-image holds {:?}; give every image the same \
                 buffered-region",
                baselines[i].held, test.held
            ),
        ));
    }
    let dims = test.geometry.dims();
    let held = test.held.clone();
    let mut outs = Vec::with_capacity(baselines.len());
    differences(test.pixels, baselines, &dims, &held, region, o, |_, out| {
        outs.push(out);
        Vec::new()
    });
    Ok(outs)
}

/// The box of the whole image a region is, checked: inside an image of `size` pixels and
/// not empty. (`index`, `size` as a region's WIT record has them.)
pub fn region_box(size: &[u64], index: &[u64], extent: &[u64]) -> Result<Box, Failure> {
    let invalid = |m: String| Failure::new(Code::InvalidArgument, m);
    if index.len() != size.len() || extent.len() != size.len() {
        return Err(invalid(format!(
            "the region has index {index:?} and size {extent:?}; the image is {}-D",
            size.len()
        )));
    }
    let inside =
        index.iter().zip(extent).zip(size).all(|((&i, &s), &n)| s > 0 && i.checked_add(s).is_some_and(|e| e <= n));
    if !inside {
        return Err(invalid(format!(
            "the region index {index:?}, size {extent:?} is not inside the image's size {size:?}"
        )));
    }
    index
        .iter()
        .zip(extent)
        .map(|(&i, &s)| Some((usize::try_from(i).ok()?, usize::try_from(i + s).ok()?)))
        .collect::<Option<_>>()
        .ok_or_else(|| Failure::new(Code::LimitExceeded, format!("size {size:?} is too large")))
}

/// Compare the test pixels with each baseline's over `region`, in baseline order: `each(i,
/// out)` gets baseline `i`'s difference and returns a buffer to reuse (or an empty one).
/// Mixed component types are compared as float64.
fn differences(
    test: Pixels,
    baselines: Vec<Typed>,
    dims: &[usize],
    held: &[(usize, usize)],
    region: &[(usize, usize)],
    o: &Options,
    mut each: impl FnMut(usize, Vec<f64>) -> Vec<f64>,
) {
    let kind = std::mem::discriminant(&test);
    let (test, baselines): (Pixels, Vec<Pixels>) =
        if baselines.iter().all(|b| std::mem::discriminant(&b.pixels) == kind) {
            (test, baselines.into_iter().map(|b| b.pixels).collect())
        } else {
            // Mixed component types: read them all as float64 (exact, as ITK-Wasm's cast).
            let f64s = |p: Pixels| Pixels::F64(into_f64(p));
            (f64s(test), baselines.into_iter().map(|b| f64s(b.pixels)).collect())
        };
    let n: usize = region.iter().map(|&(s, e)| e - s).product();
    macro_rules! by_type {
        ($($case:ident($t:ty)),*) => {
            match &test {
                $(Pixels::$case(t) => {
                    let mut out = Vec::new();
                    for (i, b) in baselines.iter().enumerate() {
                        out.resize(n, 0.0);
                        let b = <$t as Component>::of(b).expect("one component type");
                        difference(t, b, dims, held, region, o, &mut out);
                        out = each(i, out);
                    }
                })*
            }
        };
    }
    by_type!(I8(i8), U8(u8), I16(i16), U16(u16), I32(i32), U32(u32), I64(i64), U64(u64), F32(f32), F64(f64));
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

/// Compare with one baseline over `region` of an image of `dims` pixels: its difference
/// image (region's pixels, x fastest) in `out`. `test` and `baseline` hold the pixels of
/// box `held`, which must hold [`region_input`] of the region. The neighbourhoods and the
/// boundary are the whole image's, so a region's pixels are the whole call's.
pub fn difference<T: Component>(
    test: &[T],
    baseline: &[T],
    dims: &[usize],
    held: &[(usize, usize)],
    region: &[(usize, usize)],
    o: &Options,
    out: &mut [f64],
) {
    let d = dims.len();
    let r = radii(dims, o.radius_tolerance);
    let held_dims: Vec<usize> = held.iter().map(|&(s, e)| e - s).collect();
    let out_dims: Vec<usize> = region.iter().map(|&(s, e)| e - s).collect();
    let (hs, os) = (strides(&held_dims), strides(&out_dims));
    // Neighbourhood offsets, per axis and as linear offsets in the held pixels (valid
    // away from the edge).
    let mut offsets: Vec<Vec<isize>> = vec![vec![]];
    for &ri in &r {
        let ri = ri as isize;
        offsets = offsets.iter().flat_map(|o| (-ri..=ri).map(move |k| [o.as_slice(), &[k]].concat())).collect();
    }
    let linear: Vec<isize> = offsets.iter().map(|o| o.iter().zip(&hs).map(|(k, &s)| k * s as isize).sum()).collect();
    let threshold = o.difference_threshold;
    for (face, boundary) in faces(dims, &r) {
        let b = intersect(&face, region);
        for_each_row(&b, |index| {
            let (x0, x1) = b[0];
            // The row's first pixel, in the held pixels and in the output.
            let h: usize = (0..d).map(|a| (index[a] - held[a].0) * hs[a]).sum();
            let p: usize = (0..d).map(|a| (index[a] - region[a].0) * os[a]).sum();
            let out = &mut out[p..p + x1 - x0];
            if boundary && o.ignore_boundary_pixels {
                out.fill(0.0);
                return;
            }
            let (test, base) = (&test[h..h + x1 - x0], &baseline[h..h + x1 - x0]);
            for (k, x) in (x0..x1).enumerate() {
                let t = test[k].to_f64();
                let mut m = abs_diff(t, base[k].to_f64());
                if m > threshold {
                    if boundary {
                        // Clamp each axis to the image (zero-flux Neumann).
                        for off in &offsets {
                            let mut q = 0;
                            for a in 0..d {
                                let i = if a == 0 { x } else { index[a] } as isize + off[a];
                                q += (i.clamp(0, dims[a] as isize - 1) as usize - held[a].0) * hs[a];
                            }
                            m = m.min(abs_diff(t, baseline[q].to_f64()));
                            if m <= threshold {
                                break;
                            }
                        }
                    } else {
                        let here = (h + k) as isize;
                        for &l in &linear {
                            m = m.min(abs_diff(t, baseline[(here + l) as usize].to_f64()));
                            if m <= threshold {
                                break;
                            }
                        }
                    }
                }
                out[k] = if m > threshold { m } else { 0.0 };
            }
        });
    }
}

/// The middle 2-D slice of a difference image rescaled to 0-255, as ITK-Wasm renders it
/// ([`rescale`], [`slice_geometry`]).
pub fn uchar_slice(image: &Scalar) -> Uchar2d {
    let g = &image.geometry;
    let pixels = rescale(&image.pixels[middle_slice(&g.dims())]);
    let (origin, spacing, direction, size) = slice_geometry(&g.origin, &g.spacing, &g.direction, &g.size);
    Uchar2d { geometry: Geometry { origin, spacing, direction, size }, pixels }
}
