//! downsample through the Rust API (one call and in parallel slabs) and the CLI.

mod common;
use common::runtime_with;
use std::process::Command;
use witk::pipelines::downsample::ParallelDownsample;
use witk::pipelines::downsample::{self as ds, Downsample};
use witk::pipelines::image_io::ImageIo;
use witk::pipelines::types::witk::types::spatial::{Buffer, ComponentType, Image, ImageType, PixelType};
use witk::regions::Splits;
use witk::{Error, ErrorCode};

fn image(size: &[u64], data: Buffer, components: u32) -> Image {
    let d = size.len();
    let component_type = match &data {
        Buffer::Uint8(_) => ComponentType::Uint8,
        Buffer::Int16(_) => ComponentType::Int16,
        Buffer::Uint16(_) => ComponentType::Uint16,
        Buffer::Float32(_) => ComponentType::Float32,
        Buffer::Float64(_) => ComponentType::Float64,
        _ => unimplemented!("not used here"),
    };
    Image {
        image_type: ImageType {
            dimension: d as u32,
            component_type,
            pixel_type: if components == 1 { PixelType::Scalar } else { PixelType::VariableLengthVector },
            components,
        },
        name: "synthetic".into(),
        origin: vec![0.0; d],
        spacing: vec![1.0; d],
        direction: (0..d * d).map(|i| if i % (d + 1) == 0 { 1.0 } else { 0.0 }).collect(),
        size: size.to_vec(),
        metadata: vec![("source".into(), "\"test\"".into())],
        data: Some(data),
        buffered_region: None,
    }
}

/// Deterministic values in 0..modulus.
fn values(n: usize, modulus: u64) -> impl Iterator<Item = u64> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..n).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % modulus
    })
}

fn pipeline() -> (Downsample, tempfile::TempDir) {
    let (rt, dir) = runtime_with(Default::default());
    (Downsample::builtin(&rt).unwrap(), dir)
}

#[test]
fn sigma_radius_and_a_known_answer() {
    let (p, _dir) = pipeline();
    assert_eq!(
        p.downsample_sigma(&[1, 2, 3, 4]).unwrap(),
        [0.0, 0.735534255037358, 1.2011224087864498, 1.6447045940431997]
    );
    let radius = p.gaussian_kernel_radius(
        &[64, 64, 5],
        &[0.5, 1.0, 3.0],
        ds::DEFAULT_MAX_KERNEL_WIDTH,
        ds::DEFAULT_MAX_KERNEL_ERROR,
    );
    assert_eq!(radius.unwrap(), [2, 3, 5]);
    // ITK-Wasm 2.0.2 on a float32 ramp 8 y + x, spacing (0.5, 2), origin (1, -3).
    let mut ramp = image(&[8, 6], Buffer::Float32((0..48).map(|i| i as f32).collect()), 1);
    ramp.spacing = vec![0.5, 2.0];
    ramp.origin = vec![1.0, -3.0];
    let out = p.downsample(&ramp, &[2, 2], None).unwrap();
    assert_eq!(
        (out.size.as_slice(), out.origin.as_slice(), out.spacing.as_slice()),
        (&[4, 3][..], &[1.25, -2.0][..], &[1.0, 4.0][..])
    );
    assert_eq!((out.name.as_str(), out.metadata.as_slice()), (ramp.name.as_str(), ramp.metadata.as_slice()));
    let Some(Buffer::Float32(v)) = &out.data else { panic!("float32 pixels") };
    let itk = [
        5.533842, 7.418971, 9.418971, 11.304099, 20.614872, 22.5, 24.5, 26.385128, 35.6959, 37.581028, 39.581028,
        41.466156,
    ];
    assert!(v.iter().zip(itk).all(|(a, b)| (a - b).abs() < 1e-5), "{v:?}");
    let out = p.downsample_bin_shrink(&ramp, &[2, 3], false).unwrap();
    assert_eq!(out.data, Some(Buffer::Float32(vec![8.5, 10.5, 12.5, 14.5, 32.5, 34.5, 36.5, 38.5])));
    assert_eq!(out.origin, [1.25, -1.0]);
}

/// Slabs on several threads give exactly the one-call result, for every method.
#[test]
fn parallel_slabs_equal_one_call() {
    let (p, _dir) = pipeline();
    let parallel = ParallelDownsample::new(p.clone()).with_threads(3).with_min_slab_bytes(1);
    let size = [13u64, 11, 29];
    let n = size.iter().product::<u64>() as usize;
    let u16s = image(&size, Buffer::Uint16(values(n, 4000).map(|v| v as u16).collect()), 1);
    let f32s = image(&size, Buffer::Float32(values(n, 1000).map(|v| v as f32 * 0.37 - 50.0).collect()), 1);
    let rgb = image(&size, Buffer::Uint8(values(3 * n, 256).map(|v| v as u8).collect()), 3);
    let labels = image(&size, Buffer::Uint8(values(n, 5).map(|v| v as u8).collect()), 1);
    for input in [&u16s, &f32s, &rgb] {
        for (shrink, crop) in [([2u32, 2, 2], None), ([3, 1, 4], Some(&[1u32, 0, 2][..])), ([2, 2, 9], None)] {
            let one = p.downsample(input, &shrink, crop).unwrap();
            assert_eq!(parallel.downsample(input, &shrink, crop).unwrap(), one, "{shrink:?} {crop:?}");
            let one = p.downsample_bin_shrink(input, &shrink, false).unwrap();
            assert_eq!(parallel.downsample_bin_shrink(input, &shrink, false).unwrap(), one, "{shrink:?}");
        }
    }
    for (shrink, crop) in [([2u32, 2, 2], None), ([2, 3, 3], Some(&[0u32, 1, 1][..]))] {
        let one = p.downsample_label_image(&labels, &shrink, crop).unwrap();
        assert_eq!(parallel.downsample_label_image(&labels, &shrink, crop).unwrap(), one);
    }
    // Information only: the header, no pixels, with or without input pixels.
    let info = parallel.downsample_bin_shrink(&u16s, &[2, 2, 2], true).unwrap();
    assert_eq!(info, p.downsample_bin_shrink(&u16s, &[2, 2, 2], true).unwrap());
    assert_eq!((info.size.as_slice(), info.data.is_none()), (&[6, 5, 14][..], true));
    let mut header = u16s.clone();
    header.data = None;
    assert_eq!(parallel.downsample_bin_shrink(&header, &[2, 2, 2], true).unwrap(), info);
}

/// Installed as overrides, the parallel versions serve every `Downsample` of the runtime.
#[test]
fn installed_overrides_split_large_images() {
    let (rt, _dir) = runtime_with(Default::default());
    let p = Downsample::builtin(&rt).unwrap();
    let size = [64u64, 48, 40];
    let n = size.iter().product::<u64>() as usize;
    let input = image(&size, Buffer::Int16(values(n, 2000).map(|v| v as i16 - 1000).collect()), 1);
    let one = p.downsample(&input, &[2, 2, 2], None).unwrap();
    ParallelDownsample::new(p.clone()).with_threads(2).with_min_slab_bytes(1).install(&rt);
    assert_eq!(rt.overrides().list().len(), 3);
    assert_eq!(p.downsample(&input, &[2, 2, 2], None).unwrap(), one);
    let err = p.downsample(&input, &[2, 0, 2], None).unwrap_err();
    assert!(
        matches!(&err, Error::Pipeline { pipeline, code: ErrorCode::InvalidArgument, .. } if pipeline == "downsample"),
        "{err}"
    );
}

#[test]
fn bad_inputs_are_typed_errors() {
    let (p, _dir) = pipeline();
    let input = image(&[4, 4], Buffer::Float32(vec![0.0; 16]), 1);
    let parallel = ParallelDownsample::new(p.clone()).with_min_slab_bytes(1);
    for (shrink, crop, says) in [
        (&[0u32, 2][..], None, "shrink factor 0 along axis 0"),
        (&[2, 2, 2], None, "shrink-factors has 3 values"),
        (&[8, 2], None, "empty along axis 0"),
        (&[2, 2], Some(&[3u32, 3][..]), "crop radius 3"),
    ] {
        for err in
            [p.downsample(&input, shrink, crop).unwrap_err(), parallel.downsample(&input, shrink, crop).unwrap_err()]
        {
            assert_eq!(err.code(), Some(ErrorCode::InvalidArgument), "{err}");
            assert!(err.to_string().contains(says), "{err}");
        }
    }
    let mut header = input.clone();
    header.data = None;
    let err = parallel.downsample(&header, &[2, 2], None).unwrap_err();
    assert!(err.to_string().contains("downsample: invalid-argument: the input image has no pixel data"), "{err}");
    let empty = image(&[0, 4], Buffer::Float32(vec![]), 1);
    let err = p.downsample(&empty, &[1, 1], None).unwrap_err();
    assert!(err.code() == Some(ErrorCode::InvalidArgument) && err.to_string().contains("empty"), "{err}");
    let mut short = input.clone();
    short.data = Some(Buffer::Float32(vec![0.0; 15]));
    assert_eq!(p.downsample(&short, &[2, 2], None).unwrap_err().code(), Some(ErrorCode::InvalidArgument));
    let rgb = image(&[4, 4], Buffer::Uint8(vec![0; 48]), 3);
    assert_eq!(p.downsample_label_image(&rgb, &[2, 2], None).unwrap_err().code(), Some(ErrorCode::Unsupported));
    assert_eq!(p.downsample_sigma(&[2, 0]).unwrap_err().code(), Some(ErrorCode::InvalidArgument));
    assert_eq!(p.gaussian_kernel_radius(&[4], &[1.0], 32, 0.0).unwrap_err().code(), Some(ErrorCode::InvalidArgument));
}

#[test]
fn the_cli_downsamples_files() {
    let dir = tempfile::tempdir().unwrap();
    let phantom = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/phantom.nrrd");
    let out = dir.path().join("small.nrrd");
    let witk = |args: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_witk")).args(args).env("WITK_CACHE_DIR", dir.path()).output().unwrap()
    };
    for command in ["downsample", "downsample-bin-shrink", "downsample-label-image"] {
        let o =
            witk(&[command.as_ref(), "--shrink-factors".as_ref(), "2".as_ref(), phantom.as_os_str(), out.as_os_str()]);
        assert!(o.status.success(), "{command}: {}", String::from_utf8_lossy(&o.stderr));
        let (rt, _cache) = runtime_with(Default::default());
        let small = ImageIo::builtin(&rt).unwrap().read_path(&out, false, None, None).unwrap();
        assert_eq!((small.size.as_slice(), small.spacing.as_slice()), (&[32, 32, 32][..], &[6.0, 6.0, 6.0][..]));
        assert_eq!(small.origin, [-93.0, -93.0, -93.0]);
    }
    let o = witk(&["downsample".as_ref(), "-s".as_ref(), "2,0,2".as_ref(), phantom.as_os_str(), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("downsample: invalid-argument: shrink factor 0 along axis 1"), "{stderr}");
}

/// Timings of 256^3 downsampling (`WITK_BENCH_SIDE` to change), one call and in slabs
/// (`cargo test --release -p witk --test downsample -- --ignored --nocapture`).
#[test]
#[ignore]
fn timings() {
    let (p, _dir) = pipeline();
    let side = std::env::var("WITK_BENCH_SIDE").ok().and_then(|s| s.parse().ok()).unwrap_or(256u64);
    let size = [side, side, side];
    let n = size.iter().product::<u64>() as usize;
    let parallel = ParallelDownsample::new(p.clone());
    let time = |what: &str, f: &dyn Fn() -> Image| {
        let best = (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .min()
            .unwrap();
        println!("{what}: {:.1} ms", best.as_secs_f64() * 1e3);
    };
    for input in [
        image(&size, Buffer::Uint16(values(n, 4000).map(|v| v as u16).collect()), 1),
        image(&size, Buffer::Float32(values(n, 4000).map(|v| v as f32).collect()), 1),
    ] {
        let t = format!("{:?}", input.image_type.component_type);
        time(&format!("{t} downsample, one call"), &|| p.downsample(&input, &[2, 2, 2], None).unwrap());
        time(&format!("{t} downsample, slabs"), &|| parallel.downsample(&input, &[2, 2, 2], None).unwrap());
        time(&format!("{t} bin shrink, one call"), &|| p.downsample_bin_shrink(&input, &[2, 2, 2], false).unwrap());
        time(&format!("{t} bin shrink, slabs"), &|| parallel.downsample_bin_shrink(&input, &[2, 2, 2], false).unwrap());
        time(&format!("{t} label, one call"), &|| p.downsample_label_image(&input, &[2, 2, 2], None).unwrap());
        time(&format!("{t} info only (the input's lowering)"), &|| {
            p.downsample_bin_shrink(&input, &[2, 2, 2], true).unwrap()
        });
    }
}
