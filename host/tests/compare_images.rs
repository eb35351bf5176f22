//! compare-images through the Rust API and the CLI: known answers, typed errors, and the
//! host's slabs (`ParallelCompare`) equal to one call.

mod common;
use common::runtime_with;
use std::process::Command;
use witk::pipelines::compare_images::{self as ci, CompareImages, ParallelCompare};
use witk::pipelines::image_io::ImageIo;
use witk::pipelines::types::witk::types::spatial::{Buffer, ComponentType, Image, ImageType, PixelType};
use witk::regions::Splits;
use witk::{Error, ErrorCode};

fn image(size: Vec<u64>, data: Buffer, components: u32) -> Image {
    let d = size.len();
    let component_type = match &data {
        Buffer::Uint8(_) => ComponentType::Uint8,
        Buffer::Int16(_) => ComponentType::Int16,
        Buffer::Float32(_) => ComponentType::Float32,
        Buffer::Float64(_) => ComponentType::Float64,
        _ => unimplemented!("not used here"),
    };
    Image {
        image_type: ImageType {
            dimension: d as u32,
            component_type,
            pixel_type: if components == 1 { PixelType::Scalar } else { PixelType::Rgb },
            components,
        },
        name: "Image".into(),
        origin: vec![0.0; d],
        spacing: vec![1.0; d],
        direction: (0..d * d).map(|i| if i % (d + 1) == 0 { 1.0 } else { 0.0 }).collect(),
        size,
        metadata: vec![],
        data: Some(data),
        buffered_region: None,
    }
}

fn pixels(i: &Image) -> &[f64] {
    match &i.data {
        Some(Buffer::Float64(v)) => v,
        other => panic!("expected float64 pixels, got {:?}", other.as_ref().map(|_| "another type")),
    }
}

fn compare(p: &CompareImages, test: &Image, baselines: &[Image]) -> witk::Result<(ci::Metrics, Image, Image)> {
    p.compare_images(
        test,
        baselines,
        ci::DEFAULT_DIFFERENCE_THRESHOLD,
        ci::DEFAULT_RADIUS_TOLERANCE,
        ci::DEFAULT_NUMBER_OF_PIXELS_TOLERANCE,
        ci::DEFAULT_IGNORE_BOUNDARY_PIXELS,
        ci::DEFAULT_SPATIAL_TOLERANCE,
    )
}

#[test]
fn known_answers_through_the_component() {
    let (rt, _dir) = runtime_with(Default::default());
    let p = CompareImages::builtin(&rt).unwrap();
    let base = image(vec![4, 3], Buffer::Float32(vec![1.0; 12]), 1);
    let mut changed = base.clone();
    changed.data = Some(Buffer::Float32((0..12).map(|i| if i == 5 { 4.0 } else { 1.0 }).collect()));

    let (m, diff, uchar) = compare(&p, &base, std::slice::from_ref(&base)).unwrap();
    assert!(m.almost_equal);
    assert_eq!((m.number_of_pixels_with_differences, m.minimum_difference), (0, f64::MAX));
    assert_eq!(pixels(&diff), [0.0; 12]);
    assert_eq!(uchar.data, Some(Buffer::Uint8(vec![0; 12])));

    let (m, diff, uchar) = compare(&p, &changed, &[base.clone(), changed.clone(), base.clone()]).unwrap();
    assert_eq!((m.almost_equal, m.best_baseline_index, m.number_of_pixels_with_differences), (true, 1, 0));
    assert_eq!(diff.image_type.component_type, ComponentType::Float64);
    assert_eq!(uchar.image_type.component_type, ComponentType::Uint8);

    let (m, diff, uchar) = compare(&p, &changed, std::slice::from_ref(&base)).unwrap();
    assert!(!m.almost_equal);
    assert_eq!(m.number_of_pixels_with_differences, 1);
    assert_eq!([m.minimum_difference, m.maximum_difference, m.total_difference, m.mean_difference], [3.0; 4]);
    assert_eq!(pixels(&diff)[5], 3.0);
    let Some(Buffer::Uint8(u)) = &uchar.data else { panic!("uint8 rendering") };
    assert_eq!((u[5], u.iter().map(|&x| x as u32).sum::<u32>()), (255, 255));
    assert_eq!((uchar.size.as_slice(), diff.size.as_slice()), (&[4, 3][..], &[4, 3][..]));

    // The pixels tolerance and the double-only variant.
    let (m, ..) = p.compare_images(&changed, std::slice::from_ref(&base), 0.0, 0, 1, false, 1e-8).unwrap();
    assert!(m.almost_equal);
    let as_double = |i: &Image| {
        let Some(Buffer::Float32(v)) = &i.data else { unreachable!() };
        let mut d = image(i.size.clone(), Buffer::Float64(v.iter().map(|&x| x as f64).collect()), 1);
        d.origin.clone_from(&i.origin);
        d
    };
    let (m, ..) = p.compare_double_images(&as_double(&changed), &[as_double(&base)], 2.5, 1e-8, 0, 0, false).unwrap();
    assert_eq!(m.number_of_pixels_with_differences, 1);
    let (m, ..) = p.compare_double_images(&as_double(&changed), &[as_double(&base)], 3.0, 1e-8, 0, 0, false).unwrap();
    assert_eq!(m.number_of_pixels_with_differences, 0);

    // RGB compares by magnitude; vector-magnitude gives it.
    let rgb = image(vec![2], Buffer::Uint8(vec![3, 4, 0, 0, 0, 1]), 3);
    let magnitude = p.vector_magnitude(&rgb).unwrap();
    assert_eq!(pixels(&magnitude), [5.0, 1.0]);
    let other = image(vec![2], Buffer::Uint8(vec![0, 0, 5, 0, 1, 0]), 3);
    assert!(compare(&p, &rgb, &[other]).unwrap().0.almost_equal);
}

fn expect_invalid(r: witk::Result<(ci::Metrics, Image, Image)>, needle: &str) {
    match r {
        Err(Error::Pipeline { code: ErrorCode::InvalidArgument, message, pipeline }) => {
            assert!(pipeline.starts_with("compare-"), "{pipeline}");
            assert!(message.contains(needle), "{message:?} should say {needle:?}");
        }
        Err(e) => panic!("expected an invalid-argument error, got {e}"),
        Ok(_) => panic!("expected an invalid-argument error"),
    }
}

#[test]
fn bad_inputs_are_typed_errors_and_the_next_call_works() {
    let (rt, _dir) = runtime_with(Default::default());
    let p = CompareImages::builtin(&rt).unwrap();
    let a = image(vec![3, 2], Buffer::Float64(vec![0.0; 6]), 1);
    expect_invalid(compare(&p, &a, &[]), "baseline-images is empty");
    expect_invalid(compare(&p, &a, &[image(vec![2, 3], Buffer::Float64(vec![0.0; 6]), 1)]), "has size [2, 3]");
    expect_invalid(
        compare(&p, &a, &[image(vec![6], Buffer::Float64(vec![0.0; 6]), 1)]),
        "is 1-D but test-image is 2-D",
    );
    let mut moved = a.clone();
    moved.origin[1] = 0.5;
    expect_invalid(compare(&p, &a, &[moved]), "same physical space");
    let bytes = image(vec![3, 2], Buffer::Uint8(vec![0; 6]), 1);
    expect_invalid(p.compare_double_images(&bytes, std::slice::from_ref(&a), 0.0, 1e-8, 0, 0, false), "scalar float64");
    // compare-images takes the same uint8 image.
    assert!(compare(&p, &bytes, std::slice::from_ref(&a)).unwrap().0.almost_equal);
}

#[test]
fn cli_prints_metrics_and_exits_by_almost_equal() {
    let dir = tempfile::tempdir().unwrap();
    let (rt, _d) = runtime_with(Default::default());
    let io = ImageIo::builtin(&rt).unwrap();
    let base = image(vec![5, 4, 3], Buffer::Float32(vec![2.0; 60]), 1);
    let mut test = base.clone();
    test.data = Some(Buffer::Float32((0..60).map(|i| if i == 27 { 2.75 } else { 2.0 }).collect()));
    let path = |n: &str| dir.path().join(n);
    io.write_path(&base, &path("base.nrrd"), false, false).unwrap();
    io.write_path(&test, &path("test.nii.gz"), false, true).unwrap();
    let witk = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_witk"))
            .arg("compare-images")
            .args(args)
            .env("WITK_CACHE_DIR", dir.path().join("cache"))
            .output()
            .unwrap()
    };
    let p = |n: &str| path(n).display().to_string();

    let out = witk(&[&p("base.nrrd"), &p("base.nrrd")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"almostEqual\": true") && text.contains("\"numberOfPixelsWithDifferences\": 0"), "{text}");

    let out = witk(&[&p("test.nii.gz"), &p("base.nrrd"), "--difference-image", &p("d.mha")]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for field in ["\"almostEqual\": false", "\"numberOfPixelsWithDifferences\": 1", "\"maximumDifference\": 0.75"] {
        assert!(text.contains(field), "{text}");
    }
    let diff = io.read_path(&path("d.mha"), false, None, None).unwrap();
    assert_eq!(pixels(&diff)[27], 0.75);

    let out = witk(&[&p("test.nii.gz"), &p("base.nrrd"), "-n", "1", "--difference-uchar-image", &p("d.png")]);
    assert_eq!(out.status.code(), Some(0));
    let png = io.read_path(&path("d.png"), false, None, None).unwrap();
    assert_eq!(png.size, [5, 4]);
    let Some(Buffer::Uint8(u)) = png.data else { panic!("8-bit png") };
    assert_eq!(u[7], 255); // pixel 27 = (2, 1, 1): in the middle slice z = 1, at 2 + 5 * 1

    let out = witk(&[&p("test.nii.gz"), &p("base.nrrd"), "--difference-threshold", "0.75"]);
    assert_eq!(out.status.code(), Some(0));

    // A rejected input is an error message and exit status 1, with nothing on stdout.
    io.write_path(&image(vec![5, 4], Buffer::Float32(vec![0.0; 20]), 1), &path("flat.nrrd"), false, false).unwrap();
    let out = witk(&[&p("test.nii.gz"), &p("flat.nrrd")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is 2-D but test-image is 3-D"));
    let out = witk(&[&p("test.nii.gz"), &p("missing.nrrd")]);
    assert_eq!(out.status.code(), Some(2));
}

/// Deterministic small integers (so many pixels tie and the radius matters), with a
/// half here and there.
fn noise(n: usize, seed: u64) -> impl Iterator<Item = f64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n).map(move |_| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 33) % 8) as f64 + if (s >> 20).is_multiple_of(5) { 0.5 } else { 0.0 }
    })
}

fn noisy(size: &[u64], components: u32, kind: ComponentType, seed: u64) -> Image {
    let n = size.iter().product::<u64>() as usize * components as usize;
    let data = match kind {
        ComponentType::Uint8 => Buffer::Uint8(noise(n, seed).map(|v| v as u8).collect()),
        ComponentType::Int16 => Buffer::Int16(noise(n, seed).map(|v| v as i16 - 3).collect()),
        ComponentType::Float32 => Buffer::Float32(noise(n, seed).map(|v| v as f32).collect()),
        _ => Buffer::Float64(noise(n, seed).collect()),
    };
    let mut i = image(size.to_vec(), data, components);
    // An oblique grid, so the slabs' geometry checks see real directions.
    if size.len() >= 2 {
        let (c, s) = (0.8f64, 0.6f64);
        i.direction[0] = c;
        i.direction[1] = -s;
        i.direction[size.len()] = s;
        i.direction[size.len() + 1] = c;
    }
    i.origin = (0..size.len()).map(|a| a as f64 - 1.5).collect();
    i.spacing = (0..size.len()).map(|a| 0.5 + a as f64).collect();
    i
}

/// A comparison's result, comparable bit for bit (the metrics record has no `PartialEq`).
fn bits(c: &(ci::Metrics, Image, Image)) -> ((bool, u64, [u64; 4], u32), &Image, &Image) {
    let m = &c.0;
    let floats = [m.minimum_difference, m.maximum_difference, m.total_difference, m.mean_difference].map(f64::to_bits);
    ((m.almost_equal, m.number_of_pixels_with_differences, floats, m.best_baseline_index), &c.1, &c.2)
}

#[test]
fn parallel_slabs_equal_one_call() {
    let (rt, _dir) = runtime_with(Default::default());
    let p = CompareImages::builtin(&rt).unwrap();
    let cases = [
        (vec![7u64, 6, 9], 1u32, ComponentType::Float64),
        (vec![9, 11], 1, ComponentType::Uint8),
        (vec![13], 1, ComponentType::Float32),
        (vec![5, 4, 7], 3, ComponentType::Int16),
    ];
    for (size, components, kind) in cases {
        let test = noisy(&size, components, kind, 1);
        // Two baselines, the second a copy of the first: the last of equals is the best.
        let base = noisy(&size, components, kind, 2);
        let baselines = [base.clone(), noisy(&size, components, kind, 3), base];
        for radius in 0..3 {
            for (threshold, ignore) in [(0.0, false), (0.5, true), (-1.0, true), (2.0, false)] {
                let one = p.compare_images(&test, &baselines, threshold, radius, 3, ignore, 1e-8).unwrap();
                for (threads, share) in [(3, usize::MAX), (4, 0), (2, 0)] {
                    let parallel = ParallelCompare::new(p.clone())
                        .with_threads(threads)
                        .with_min_slab_bytes(1)
                        .with_share_whole_bytes(share);
                    let got = parallel.compare_images(&test, &baselines, threshold, radius, 3, ignore, 1e-8).unwrap();
                    assert_eq!(
                        bits(&got),
                        bits(&one),
                        "{size:?} {kind:?} radius {radius} threshold {threshold} threads {threads}"
                    );
                    if kind == ComponentType::Float64 {
                        let got = parallel
                            .compare_double_images(&test, &baselines, threshold, 1e-8, radius, 3, ignore)
                            .unwrap();
                        assert_eq!(bits(&got), bits(&one));
                    }
                }
            }
        }
    }
}

#[test]
fn slabs_fit_where_one_call_does_not_and_errors_are_the_calls() {
    // 16 MiB of uint8 test and baseline each: one call holds them and a 128 MiB float64
    // difference in one instance, over the 48 MiB limit; sixteen slabs hold a 16th each.
    let size = [256u64, 256, 256];
    let test = noisy(&size, 1, ComponentType::Uint8, 4);
    let baseline = noisy(&size, 1, ComponentType::Uint8, 5);
    let (big, _d1) = runtime_with(Default::default());
    let expected = compare(&CompareImages::builtin(&big).unwrap(), &test, std::slice::from_ref(&baseline)).unwrap();
    let (small, _d2) = runtime_with(witk::Limits { memory_bytes: 48 << 20, ..Default::default() });
    let p = CompareImages::builtin(&small).unwrap();
    assert!(compare(&p, &test, std::slice::from_ref(&baseline)).is_err(), "one call fits the limit");
    let parallel = ParallelCompare::new(p.clone()).with_threads(16).with_share_whole_bytes(0);
    let got = parallel.compare_images(&test, std::slice::from_ref(&baseline), 0.0, 1, 0, false, 1e-8).unwrap();
    let one = CompareImages::builtin(&big)
        .unwrap()
        .compare_images(&test, std::slice::from_ref(&baseline), 0.0, 1, 0, false, 1e-8)
        .unwrap();
    assert_eq!(bits(&got), bits(&one));
    assert_ne!(bits(&expected).0, bits(&one).0, "the radius changes the answer");

    // Installed, the slabs answer every call of the runtime, with the component's errors.
    ParallelCompare::new(p.clone()).with_threads(16).with_share_whole_bytes(0).install(&small);
    let mut moved = baseline.clone();
    moved.origin[2] += 0.5;
    expect_invalid(compare(&p, &test, &[moved]), "same physical space");
    expect_invalid(p.compare_images(&test, std::slice::from_ref(&baseline), f64::NAN, 0, 0, false, 1e-8), "NaN");
    let bytes = noisy(&[8, 8, 8], 1, ComponentType::Uint8, 6);
    expect_invalid(
        p.compare_double_images(&bytes, std::slice::from_ref(&bytes), 0.0, 1e-8, 0, 0, false),
        "scalar float64",
    );
    assert_eq!(bits(&compare(&p, &test, std::slice::from_ref(&baseline)).unwrap()), bits(&expected));
}

#[test]
fn vector_magnitude_in_slabs_equals_one_call() {
    let (rt, _dir) = runtime_with(Default::default());
    let p = CompareImages::builtin(&rt).unwrap();
    for (size, components, kind) in [
        (vec![5u64, 4, 7], 3u32, ComponentType::Int16),
        (vec![9, 11], 2, ComponentType::Float32),
        (vec![6, 5, 4], 1, ComponentType::Float64),
    ] {
        let image = noisy(&size, components, kind, 8);
        let one = p.vector_magnitude(&image).unwrap();
        for threads in [2, 3, 4] {
            let parallel = ParallelCompare::new(p.clone()).with_threads(threads).with_min_slab_bytes(1);
            assert_eq!(parallel.vector_magnitude(&image).unwrap(), one, "{size:?} threads {threads}");
        }
    }
    // Installed: the same answer, and the component's error for a bad image.
    ParallelCompare::new(p.clone()).with_threads(3).with_min_slab_bytes(1).install(&rt);
    let image = noisy(&[5, 4, 7], 3, ComponentType::Int16, 8);
    assert_eq!(
        p.vector_magnitude(&image).unwrap(),
        ParallelCompare::new(p.clone()).with_threads(1).vector_magnitude(&image).unwrap()
    );
    let mut short = image.clone();
    short.data = Some(Buffer::Int16(vec![0; 10]));
    assert!(matches!(p.vector_magnitude(&short), Err(Error::Pipeline { code: ErrorCode::InvalidData, .. })));
}
