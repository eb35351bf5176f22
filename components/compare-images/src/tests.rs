//! Known answers for the comparison, natively.

use crate::compare::{self, Options};
use crate::model::{Geometry, Image, Pixels};
use crate::{compare_double_images, compare_images, vector_magnitude, Code};

fn image(size: &[u64], pixels: Pixels, components: usize) -> Image {
    Image {
        what: "image".into(),
        dimension: size.len(),
        geometry: Geometry::identity(size.to_vec()),
        components,
        scalar: components == 1,
        pixels: Some(pixels),
        held: None,
    }
}

fn f64s(size: &[u64], v: Vec<f64>) -> Image {
    image(size, Pixels::F64(v), 1)
}

/// A 2-D ramp, `x + 10 y`.
fn ramp(nx: usize, ny: usize) -> Vec<f64> {
    (0..ny).flat_map(|y| (0..nx).map(move |x| (x + 10 * y) as f64)).collect()
}

fn opts() -> Options {
    Options::default()
}

#[test]
fn identical_images_are_almost_equal() {
    let v = ramp(5, 4);
    let c = compare_double_images(f64s(&[5, 4], v.clone()), vec![f64s(&[5, 4], v)], &opts()).unwrap();
    let m = c.metrics;
    assert!(m.almost_equal);
    assert_eq!(m.number_of_pixels_with_differences, 0);
    // ITK's initial values when nothing differs.
    assert_eq!((m.minimum_difference, m.maximum_difference), (f64::MAX, -f64::MAX));
    assert_eq!((m.total_difference, m.mean_difference, m.best_baseline_index), (0.0, 0.0, 0));
    assert!(c.difference.pixels.iter().all(|&d| d == 0.0));
    assert_eq!(c.difference_uchar.pixels, vec![0; 20]);
    assert_eq!(c.difference.geometry, Geometry::identity(vec![5, 4]));
}

#[test]
fn one_changed_pixel_gives_exact_counts() {
    let base = ramp(5, 4);
    let mut test = base.clone();
    test[7] += 3.5; // x = 2, y = 1
    let c = compare_images(f64s(&[5, 4], test), vec![f64s(&[5, 4], base)], &opts()).unwrap();
    let m = c.metrics;
    assert!(!m.almost_equal);
    assert_eq!(m.number_of_pixels_with_differences, 1);
    assert_eq!([m.minimum_difference, m.maximum_difference, m.total_difference, m.mean_difference], [3.5; 4]);
    let mut want = vec![0.0; 20];
    want[7] = 3.5;
    assert_eq!(c.difference.pixels, want);
    let mut uchar = vec![0u8; 20];
    uchar[7] = 255;
    assert_eq!(c.difference_uchar.pixels, uchar);
}

#[test]
fn several_differences_give_min_max_total_mean() {
    let base = vec![0.0; 6];
    let test = vec![0.0, 1.0, -2.0, 0.0, 4.5, 0.0];
    let c = compare_images(f64s(&[6], test), vec![f64s(&[6], base)], &opts()).unwrap();
    let m = c.metrics;
    assert_eq!(m.number_of_pixels_with_differences, 3);
    assert_eq!((m.minimum_difference, m.maximum_difference, m.total_difference), (1.0, 4.5, 7.5));
    assert_eq!(m.mean_difference, 2.5);
    assert_eq!(c.difference.pixels, [0.0, 1.0, 2.0, 0.0, 4.5, 0.0]);
    // A 1-D image renders as one row; 1 * 255 / 4.5 = 56.67 truncates to 56.
    assert_eq!(c.difference_uchar.geometry.size, [6, 1]);
    assert_eq!(c.difference_uchar.pixels, [0, 56, 113, 0, 255, 0]);
}

#[test]
fn the_threshold_is_exclusive() {
    let base = vec![0.0; 4];
    let test = vec![0.5, 0.25, 0.75, 1.0];
    let o = Options { difference_threshold: 0.5, ..opts() };
    let c = compare_images(f64s(&[4], test), vec![f64s(&[4], base)], &o).unwrap();
    assert_eq!(c.metrics.number_of_pixels_with_differences, 2);
    assert_eq!(c.difference.pixels, [0.0, 0.0, 0.75, 1.0]);
    assert_eq!(c.metrics.minimum_difference, 0.75);
    // A negative threshold counts every pixel, as in ITK.
    let o = Options { difference_threshold: -1.0, ..opts() };
    let c = compare_images(f64s(&[4], vec![0.0; 4]), vec![f64s(&[4], vec![0.0; 4])], &o).unwrap();
    assert_eq!(c.metrics.number_of_pixels_with_differences, 4);
}

#[test]
fn the_pixels_tolerance_decides_almost_equal() {
    let base = vec![0.0; 4];
    let test = vec![1.0, 0.0, 1.0, 0.0];
    for (tolerance, equal) in [(0, false), (1, false), (2, true), (3, true)] {
        let o = Options { number_of_pixels_tolerance: tolerance, ..opts() };
        let c = compare_images(f64s(&[4], test.clone()), vec![f64s(&[4], base.clone())], &o).unwrap();
        assert_eq!(c.metrics.almost_equal, equal, "tolerance {tolerance}");
    }
}

#[test]
fn the_radius_tolerance_hides_a_one_pixel_shift() {
    let (nx, ny) = (7, 5);
    let base = ramp(nx, ny);
    // The test image is the baseline moved one pixel along x (the first column repeated).
    let test: Vec<f64> = (0..ny).flat_map(|y| (0..nx).map(move |x| (x.max(1) - 1 + 10 * y) as f64)).collect();
    let size = [nx as u64, ny as u64];
    let c = compare_images(f64s(&size, test.clone()), vec![f64s(&size, base.clone())], &opts()).unwrap();
    assert_eq!(c.metrics.number_of_pixels_with_differences, ((nx - 1) * ny) as u64);
    let o = Options { radius_tolerance: 1, ..opts() };
    let c = compare_images(f64s(&size, test.clone()), vec![f64s(&size, base.clone())], &o).unwrap();
    assert!(c.metrics.almost_equal);
    assert_eq!(c.metrics.number_of_pixels_with_differences, 0);
    // A shift of two pixels is not hidden by radius 1: each pixel is 1 away from the closest.
    let test2: Vec<f64> = (0..ny).flat_map(|y| (0..nx).map(move |x| (x.max(2) - 2 + 10 * y) as f64)).collect();
    let c = compare_images(f64s(&size, test2), vec![f64s(&size, base)], &o).unwrap();
    assert_eq!(c.metrics.number_of_pixels_with_differences, ((nx - 2) * ny) as u64);
    assert_eq!((c.metrics.minimum_difference, c.metrics.maximum_difference), (1.0, 1.0));
}

#[test]
fn the_radius_shrinks_on_short_axes() {
    // 3 x 1: radius 5 becomes 1 along x and 0 along y, so the shift is still hidden.
    let o = Options { radius_tolerance: 5, ..opts() };
    let c = compare_images(f64s(&[3, 1], vec![0.0, 0.0, 1.0]), vec![f64s(&[3, 1], vec![0.0, 1.0, 2.0])], &o).unwrap();
    assert_eq!(c.metrics.number_of_pixels_with_differences, 0);
    // 2 pixels: (2 - 1) / 2 = 0, so no neighbourhood at all.
    let c = compare_images(f64s(&[2], vec![1.0, 0.0]), vec![f64s(&[2], vec![0.0, 1.0])], &o).unwrap();
    assert_eq!(c.metrics.number_of_pixels_with_differences, 2);
}

#[test]
fn ignore_boundary_pixels_skips_the_edge_within_the_radius() {
    let base = vec![0.0; 25];
    let mut test = vec![0.0; 25];
    test[0] = 9.0; // corner
    test[12] = 9.0; // centre
    let size = [5, 5];
    let run = |o: Options| compare_images(f64s(&size, test.clone()), vec![f64s(&size, base.clone())], &o).unwrap();
    assert_eq!(run(Options { radius_tolerance: 1, ..opts() }).metrics.number_of_pixels_with_differences, 2);
    let c = run(Options { radius_tolerance: 1, ignore_boundary_pixels: true, ..opts() });
    assert_eq!(c.metrics.number_of_pixels_with_differences, 1);
    assert_eq!(c.difference.pixels[0], 0.0);
    assert_eq!(c.difference.pixels[12], 9.0);
    // With radius 0 there is no boundary, as in ITK.
    let c = run(Options { ignore_boundary_pixels: true, ..opts() });
    assert_eq!(c.metrics.number_of_pixels_with_differences, 2);
}

#[test]
fn the_best_baseline_is_the_one_with_fewest_differences() {
    let test = vec![1.0, 2.0, 3.0, 4.0];
    let far = vec![0.0, 0.0, 0.0, 0.0];
    let near = vec![1.0, 2.0, 3.0, 0.0];
    let exact = test.clone();
    let c = compare_images(
        f64s(&[4], test.clone()),
        vec![f64s(&[4], far.clone()), f64s(&[4], near.clone()), f64s(&[4], far.clone())],
        &opts(),
    )
    .unwrap();
    assert_eq!(c.metrics.best_baseline_index, 1);
    assert_eq!(c.metrics.number_of_pixels_with_differences, 1);
    assert_eq!(c.difference.pixels, [0.0, 0.0, 0.0, 4.0]);
    let c =
        compare_images(f64s(&[4], test.clone()), vec![f64s(&[4], exact), f64s(&[4], far.clone())], &opts()).unwrap();
    assert_eq!((c.metrics.best_baseline_index, c.metrics.almost_equal), (0, true));
    // Equals: the last wins, as ITK-Wasm picks (its `<=`).
    let c = compare_images(f64s(&[4], test), vec![f64s(&[4], near.clone()), f64s(&[4], near)], &opts()).unwrap();
    assert_eq!(c.metrics.best_baseline_index, 1);
}

#[test]
fn nan_never_hides_a_difference() {
    let nan = f64::NAN;
    let test = vec![nan, nan, 1.0, f64::INFINITY, f64::INFINITY];
    let base = vec![nan, 0.0, nan, f64::INFINITY, -f64::INFINITY];
    let c = compare_images(f64s(&[5], test), vec![f64s(&[5], base)], &opts()).unwrap();
    assert_eq!(c.difference.pixels, [0.0, f64::INFINITY, f64::INFINITY, 0.0, f64::INFINITY]);
    assert_eq!(c.metrics.number_of_pixels_with_differences, 3);
    assert_eq!(c.difference_uchar.pixels, [0, 255, 255, 0, 255]);
}

#[test]
fn vectors_compare_by_magnitude() {
    // RGB (3, 4, 0) has magnitude 5, as does (0, 0, 5): the same for compare-images.
    let rgb = |v: Vec<u8>| {
        let mut i = image(&[2], Pixels::U8(v), 3);
        i.scalar = false;
        i
    };
    let c = compare_images(rgb(vec![3, 4, 0, 1, 0, 0]), vec![rgb(vec![0, 0, 5, 0, 0, 3])], &opts()).unwrap();
    assert_eq!(c.difference.pixels, [0.0, 2.0]);
    let m = vector_magnitude(rgb(vec![3, 4, 0, 1, 2, 2])).unwrap();
    assert_eq!(m.pixels, [5.0, 3.0]);
    assert_eq!(vector_magnitude(image(&[2], Pixels::I16(vec![-3, 4]), 1)).unwrap().pixels, [3.0, 4.0]);
    // A non-scalar pixel type with one component is its absolute value, as ITK-Wasm does.
    let mut one = image(&[2], Pixels::F32(vec![-2.0, 2.0]), 1);
    one.scalar = false;
    let c = compare_images(one, vec![image(&[2], Pixels::F32(vec![2.0, 2.0]), 1)], &opts()).unwrap();
    assert!(c.metrics.almost_equal);
}

#[test]
fn every_component_type_compares_as_float64() {
    let all = [
        Pixels::I8(vec![-3, 4]),
        Pixels::U8(vec![3, 4]),
        Pixels::I16(vec![-3, 4]),
        Pixels::U16(vec![3, 4]),
        Pixels::I32(vec![-3, 4]),
        Pixels::U32(vec![3, 4]),
        Pixels::I64(vec![-3, 4]),
        Pixels::U64(vec![3, 4]),
        Pixels::F32(vec![-3.0, 4.0]),
        Pixels::F64(vec![-3.0, 4.0]),
    ];
    for p in all {
        let name = p.ctype().name();
        // Against a float64 baseline (mixed types) and against one of the same type.
        let c = compare_images(image(&[2], p.clone(), 1), vec![f64s(&[2], vec![0.0, 0.0])], &opts()).unwrap();
        assert_eq!(c.metrics.total_difference, 7.0, "{name}");
        let zero = match p.clone() {
            Pixels::U8(v) => Pixels::U8(v.iter().map(|_| 0).collect()),
            Pixels::I64(v) => Pixels::I64(v.iter().map(|_| 0).collect()),
            Pixels::F32(v) => Pixels::F32(v.iter().map(|_| 0.0).collect()),
            other => other,
        };
        let c = compare_images(image(&[2], p, 1), vec![image(&[2], zero, 1)], &opts()).unwrap();
        let total = if matches!(name, "uint8" | "int64" | "float32") { 7.0 } else { 0.0 };
        assert_eq!(c.metrics.total_difference, total, "{name}");
    }
    // Large 64-bit integers read as the nearest float64.
    let big = image(&[1], Pixels::U64(vec![u64::MAX]), 1);
    let c = compare_images(big, vec![image(&[1], Pixels::U64(vec![0]), 1)], &opts()).unwrap();
    assert_eq!(c.metrics.total_difference, u64::MAX as f64);
}

#[test]
fn the_rendering_is_the_middle_slice_rescaled_and_truncated() {
    // 5 x 1 x 3: the middle slice is z = 1.
    let mut test = vec![0.0; 15];
    test[5..10].copy_from_slice(&[0.0, 1.0, 2.0, 3.0, 10.0]);
    test[0] = 100.0; // another slice: not in the rendering
    let mut t = f64s(&[5, 1, 3], test);
    t.geometry.origin = vec![1.0, 2.0, 3.0];
    t.geometry.spacing = vec![0.5, 0.6, 0.7];
    t.geometry.direction = vec![0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0];
    let mut b = f64s(&[5, 1, 3], vec![0.0; 15]);
    b.geometry = t.geometry.clone();
    let c = compare_images(t.clone(), vec![b.clone()], &opts()).unwrap();
    // 255 / 10 = 25.5 per unit: 25.5, 51, 76.5 truncate to 25, 51, 76.
    assert_eq!(c.difference_uchar.pixels, [0, 25, 51, 76, 255]);
    let g = &c.difference_uchar.geometry;
    assert_eq!(
        (g.origin.as_slice(), g.spacing.as_slice(), g.size.as_slice()),
        (&[1.0, 2.0][..], &[0.5, 0.6][..], &[5, 1][..])
    );
    assert_eq!(g.direction, [0.0, 1.0, 1.0, 0.0]);
    assert_eq!(c.difference.geometry, t.geometry);
    // A singular upper-left block collapses to the identity.
    t.geometry.direction = vec![0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0];
    b.geometry.direction = t.geometry.direction.clone();
    let c = compare_images(t, vec![b], &opts()).unwrap();
    assert_eq!(c.difference_uchar.geometry.direction, [1.0, 0.0, 0.0, 1.0]);
    // A constant slice renders as zeros.
    let c = compare_images(f64s(&[3], vec![1.0; 3]), vec![f64s(&[3], vec![0.0; 3])], &opts()).unwrap();
    assert_eq!(c.difference_uchar.pixels, [0, 0, 0]);
}

#[test]
fn faces_cover_every_pixel_once_in_itk_order() {
    // Summing in face order equals the plain sum (integers), and every pixel is visited.
    let dims = [6usize, 5, 4];
    let n: usize = dims.iter().product();
    let test: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
    let base = vec![-1.0; n];
    for radius in 0..4 {
        let o = Options { radius_tolerance: radius, ..opts() };
        let mut out = vec![f64::NAN; n];
        let s = difference(&test, &base, &dims, &o, &mut out);
        assert_eq!(s.count, n as u64, "radius {radius}");
        assert!(out.iter().all(|d| *d >= 1.0), "radius {radius}");
        let o = Options { ignore_boundary_pixels: true, ..o };
        let s = difference(&test, &base, &dims, &o, &mut out);
        let r = [radius as usize; 3].map(|r| r.min(2)); // (4 - 1) / 2 = 1 along z
        let interior: usize = dims.iter().zip(r).map(|(&d, r)| d - 2 * r.min((d - 1) / 2)).product();
        assert_eq!(s.count, interior as u64, "radius {radius}");
    }
}

/// One whole-image comparison's difference image and statistics.
fn difference(test: &[f64], base: &[f64], dims: &[usize], o: &Options, out: &mut [f64]) -> compare::Stats {
    let whole: Vec<(usize, usize)> = dims.iter().map(|&n| (0, n)).collect();
    compare::difference(test, base, dims, &whole, &whole, o, out);
    let r = compare::radii(dims, o.radius_tolerance);
    compare::statistics(out, dims, &r, o.ignore_boundary_pixels, o.difference_threshold)
}

fn code<T: std::fmt::Debug>(r: Result<T, crate::Failure>) -> (Code, String) {
    let e = r.unwrap_err();
    (e.code, e.message)
}

#[test]
fn bad_inputs_are_typed_errors() {
    let ok = || f64s(&[2, 2], vec![0.0; 4]);
    let (c, m) = code(compare_images(ok(), vec![], &opts()));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.contains("baseline-images is empty"), "{m}");

    let (c, m) = code(compare_images(ok(), vec![ok(), f64s(&[2, 3], vec![0.0; 6])], &opts()));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.contains("baseline-images[1] has size [2, 3] but test-image has size [2, 2]"), "{m}");

    let (c, m) = code(compare_images(ok(), vec![f64s(&[2, 2, 1], vec![0.0; 4])], &opts()));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.contains("is 3-D but test-image is 2-D"), "{m}");

    let (c, m) = code(compare_double_images(image(&[2, 2], Pixels::U8(vec![0; 4]), 1), vec![ok()], &opts()));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.contains("scalar float64") && m.contains("uint8"), "{m}");
    let (c, _) = code(compare_double_images(ok(), vec![image(&[2, 2], Pixels::F32(vec![0.0; 4]), 1)], &opts()));
    assert_eq!(c, Code::InvalidArgument);
    let (c, _) = code(compare_double_images(ok(), vec![image(&[2, 2], Pixels::F64(vec![0.0; 8]), 2)], &opts()));
    assert_eq!(c, Code::InvalidArgument);

    let mut moved = ok();
    moved.geometry.origin = vec![0.0, 1e-7];
    let (c, m) = code(compare_images(ok(), vec![moved.clone()], &opts()));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.contains("same physical space") && m.contains("origin"), "{m}");
    compare_images(ok(), vec![moved], &Options { spatial_tolerance: 1e-6, ..opts() }).unwrap();
    let mut nearly = ok();
    nearly.geometry.spacing = vec![1.0, 1.0 + 5e-9];
    compare_images(ok(), vec![nearly], &opts()).unwrap();

    let mut empty = ok();
    empty.pixels = None;
    empty.what = "test-image".into();
    let (c, m) = code(compare_images(empty, vec![ok()], &opts()));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.starts_with("test-image: the image has no pixel data"), "{m}");

    let (c, _) = code(compare_images(ok(), vec![f64s(&[2, 2], vec![0.0; 3])], &opts()));
    assert_eq!(c, Code::InvalidData);

    let mut part = ok();
    part.held = Some(vec![(0, 2), (0, 1)]);
    part.pixels = Some(Pixels::F64(vec![0.0; 2]));
    assert_eq!(code(compare_images(ok(), vec![part], &opts())).0, Code::Unsupported);

    let mut flat = ok();
    flat.geometry.size = vec![2, 0];
    assert_eq!(code(compare_images(flat, vec![ok()], &opts())).0, Code::InvalidArgument);

    let mut bad = ok();
    bad.dimension = 3;
    assert_eq!(code(compare_images(bad, vec![ok()], &opts())).0, Code::InvalidArgument);

    let o = Options { difference_threshold: f64::NAN, ..opts() };
    assert_eq!(code(compare_images(ok(), vec![ok()], &o)).0, Code::InvalidArgument);
    let o = Options { spatial_tolerance: -1.0, ..opts() };
    assert_eq!(code(compare_images(ok(), vec![ok()], &o)).0, Code::InvalidArgument);
}

/// Deterministic noise in [0, 8): small integers, so many pixels tie and the radius matters.
fn noise(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 33) % 8) as f64 + if (s >> 20).is_multiple_of(5) { 0.5 } else { 0.0 }
        })
        .collect()
}

/// The part of a dense image (`dims`, x fastest) inside `b`.
fn crop(v: &[f64], dims: &[usize], b: &[(usize, usize)], components: usize) -> Vec<f64> {
    let s = compare::strides(dims);
    let mut out = Vec::new();
    compare::for_each_row(b, |index| {
        let first: usize = index.iter().zip(&s).map(|(i, s)| i * s).sum();
        out.extend_from_slice(&v[first * components..(first + b[0].1 - b[0].0) * components]);
    });
    out
}

fn held(image: &Image, b: &[(usize, usize)]) -> Image {
    let dims = image.geometry.dims();
    let Some(Pixels::F64(v)) = &image.pixels else { panic!("float64 test images") };
    Image {
        held: Some(b.iter().map(|&(s, e)| (s as u64, e as u64)).collect()),
        pixels: Some(Pixels::F64(crop(v, &dims, b, image.components))),
        ..image.clone()
    }
}

/// Every region split of the image, stitched, gives each baseline's whole difference
/// image, and the statistics of the stitched best difference are the whole call's metrics.
#[test]
fn regions_stitch_to_the_whole_comparison() {
    for (dims, components) in [(vec![7usize, 6, 5], 1usize), (vec![9, 4], 1), (vec![11], 1), (vec![5, 4, 3], 3)] {
        let n: usize = dims.iter().product();
        let size: Vec<u64> = dims.iter().map(|&d| d as u64).collect();
        let mk = |seed| Image {
            components,
            scalar: components == 1,
            ..image(&size, Pixels::F64(noise(n * components, seed)), components)
        };
        let test = mk(1);
        let baselines = vec![mk(2), mk(3)];
        for radius in 0..3 {
            for (threshold, ignore) in [(0.0, false), (0.5, true), (-1.0, true), (2.0, false)] {
                let o = Options {
                    radius_tolerance: radius,
                    difference_threshold: threshold,
                    ignore_boundary_pixels: ignore,
                    ..opts()
                };
                let whole = compare_images(test.clone(), baselines.clone(), &o).unwrap();
                // Per baseline, the whole difference image (compared alone).
                let alone: Vec<Vec<f64>> = baselines
                    .iter()
                    .map(|b| compare_images(test.clone(), vec![b.clone()], &o).unwrap().difference.pixels)
                    .collect();
                let d = dims.len();
                for axis in 0..d {
                    let cuts = [0, dims[axis] / 3, dims[axis] / 3 + 1, dims[axis]];
                    let mut stitched = vec![vec![f64::NAN; n]; baselines.len()];
                    for w in cuts.windows(2).filter(|w| w[0] < w[1]) {
                        let mut index = vec![0u64; d];
                        let mut extent = size.clone();
                        index[axis] = w[0] as u64;
                        extent[axis] = (w[1] - w[0]) as u64;
                        let (region, need) = crate::region_input(&size, radius, &index, &extent).unwrap();
                        let parts = baselines.iter().map(|b| held(b, &need)).collect();
                        let (_, got, outs) =
                            crate::compare_images_region(held(&test, &need), parts, &index, &extent, &o).unwrap();
                        assert_eq!(got, region);
                        let s = compare::strides(&dims);
                        for (k, out) in outs.iter().enumerate() {
                            let mut i = 0;
                            compare::for_each_row(&region, |at| {
                                let first: usize = at.iter().zip(&s).map(|(i, s)| i * s).sum();
                                let len = region[0].1 - region[0].0;
                                stitched[k][first..first + len].copy_from_slice(&out[i..i + len]);
                                i += len;
                            });
                        }
                    }
                    assert_eq!(stitched, alone, "{dims:?} radius {radius} threshold {threshold} axis {axis}");
                    let best = whole.metrics.best_baseline_index as usize;
                    let r = compare::radii(&dims, radius);
                    let s = compare::statistics(&stitched[best], &dims, &r, ignore, threshold);
                    let m = whole.metrics;
                    assert_eq!(
                        (s.count, s.min, s.max, s.total),
                        (
                            m.number_of_pixels_with_differences,
                            m.minimum_difference,
                            m.maximum_difference,
                            m.total_difference
                        )
                    );
                }
            }
        }
    }
}

#[test]
fn a_region_needs_its_neighbourhood_and_one_box_for_every_image() {
    let size = [6u64, 5];
    let test = f64s(&size, noise(30, 1));
    let base = f64s(&size, noise(30, 2));
    let o = Options { radius_tolerance: 1, ..opts() };
    let (region, need) = crate::region_input(&size, 1, &[0, 2], &[6, 2]).unwrap();
    assert_eq!((region, need.clone()), (vec![(0, 6), (2, 4)], vec![(0, 6), (1, 5)]));
    // One row short of the radius.
    let short = vec![(0, 6), (1, 4)];
    let (c, m) =
        code(crate::compare_images_region(held(&test, &short), vec![held(&base, &short)], &[0, 2], &[6, 2], &o));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.contains("does not hold the pixels"), "{m}");
    let (c, m) = code(crate::compare_images_region(held(&test, &need), vec![base.clone()], &[0, 2], &[6, 2], &o));
    assert_eq!(c, Code::InvalidArgument);
    assert!(m.contains("same buffered-region"), "{m}");
    for (index, extent) in
        [(vec![0u64, 4], vec![6u64, 2]), (vec![0, 0], vec![6, 0]), (vec![0], vec![6]), (vec![u64::MAX, 0], vec![2, 1])]
    {
        let (c, _) = code(crate::compare_images_region(test.clone(), vec![base.clone()], &index, &extent, &o));
        assert_eq!(c, Code::InvalidArgument, "{index:?} {extent:?}");
    }
    // The whole call still takes only whole images.
    assert_eq!(code(compare_images(held(&test, &need), vec![held(&base, &need)], &o)).0, Code::Unsupported);
}
