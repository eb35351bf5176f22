//! downsample on the GPU (the `wgpu` feature) through the typed API's overrides and the
//! CLI's `--accelerator`: the same bytes as the component, and the component whenever the
//! GPU cannot compute a call.
//!
//! These need a GPU adapter; the test command installs Mesa's lavapipe
//! and sets `WITK_WGPU_REQUIRE=1`, so there a missing adapter fails them.
#![cfg(feature = "wgpu")]

mod common;
use common::runtime_with;
use std::process::Command;
use witk::pipelines::downsample::gpu::{self, AdapterKind, Gpu, GpuDownsample};
use witk::pipelines::downsample::{Downsample, ParallelDownsample};
use witk::pipelines::image_io::ImageIo;
use witk::pipelines::types::witk::types::spatial::{Buffer, ComponentType, Image, ImageType, PixelType};
use witk::ErrorCode;

fn required() -> bool {
    std::env::var("WITK_WGPU_REQUIRE").as_deref() == Ok("1")
}

/// The runtime's pipeline with the GPU installed, and one without (the reference).
fn pipelines() -> Option<(Downsample, Downsample, Vec<tempfile::TempDir>)> {
    let (gpu_rt, a) = runtime_with(Default::default());
    let (cpu_rt, b) = runtime_with(Default::default());
    match gpu::install(&gpu_rt, AdapterKind::Any).unwrap() {
        Ok(adapter) => eprintln!("on {adapter}"),
        Err(e) if required() => panic!("{e}"),
        Err(e) => {
            eprintln!("skipping: {e}");
            return None;
        }
    }
    Some((Downsample::builtin(&gpu_rt).unwrap(), Downsample::builtin(&cpu_rt).unwrap(), vec![a, b]))
}

fn phantom() -> Image {
    let (rt, _dir) = runtime_with(Default::default());
    let io = ImageIo::builtin(&rt).unwrap();
    io.read_path(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/phantom.nrrd")), false, None, None)
        .unwrap()
}

fn with_data(mut image: Image, data: Buffer, component_type: ComponentType, size: Vec<u64>) -> Image {
    let d = size.len();
    image.image_type = ImageType { dimension: d as u32, component_type, pixel_type: PixelType::Scalar, components: 1 };
    image.origin = vec![0.0; d];
    image.spacing = vec![1.0; d];
    image.direction = (0..d * d).map(|i| if i % (d + 1) == 0 { 1.0 } else { 0.0 }).collect();
    image.size = size;
    image.data = Some(data);
    image.buffered_region = None;
    image
}

#[test]
fn the_bundled_phantom_gives_the_components_bytes() {
    let Some((gpu, cpu, _dirs)) = pipelines() else { return };
    let image = phantom();
    for shrink in [[2u32, 2, 2], [4, 4, 2], [3, 1, 5]] {
        assert_eq!(gpu.downsample(&image, &shrink, None).unwrap(), cpu.downsample(&image, &shrink, None).unwrap());
        assert_eq!(
            gpu.downsample_bin_shrink(&image, &shrink, false).unwrap(),
            cpu.downsample_bin_shrink(&image, &shrink, false).unwrap()
        );
        assert_eq!(
            gpu.downsample_label_image(&image, &shrink, Some(&[1, 0, 2])).unwrap(),
            cpu.downsample_label_image(&image, &shrink, Some(&[1, 0, 2])).unwrap()
        );
    }
    // Header only: the component answers (the override must not need pixels).
    assert_eq!(
        gpu.downsample_bin_shrink(&image, &[2, 2, 2], true).unwrap(),
        cpu.downsample_bin_shrink(&image, &[2, 2, 2], true).unwrap()
    );
}

#[test]
fn calls_the_gpu_does_not_take_get_the_components_answer() {
    let Some((gpu, cpu, _dirs)) = pipelines() else { return };
    let image = phantom();
    // Invalid calls: the component's error, word for word.
    let e = gpu.downsample(&image, &[2, 2], None).unwrap_err();
    assert_eq!(e.to_string(), cpu.downsample(&image, &[2, 2], None).unwrap_err().to_string());
    assert_eq!(e.code(), Some(ErrorCode::InvalidArgument));
    let mut short = image.clone();
    short.data = Some(Buffer::Int16(vec![0; 10]));
    short.image_type.component_type = ComponentType::Int16;
    let e = gpu.downsample_bin_shrink(&short, &[2, 2, 2], false).unwrap_err();
    assert_eq!(e.to_string(), cpu.downsample_bin_shrink(&short, &[2, 2, 2], false).unwrap_err().to_string());
    // A 4-D image: the kernels take three axes, the component any number.
    let four = with_data(
        image.clone(),
        Buffer::Float32((0..4 * 5 * 6 * 4).map(|v| v as f32).collect()),
        ComponentType::Float32,
        vec![4, 5, 6, 4],
    );
    assert_eq!(
        gpu.downsample(&four, &[2, 2, 2, 2], None).unwrap(),
        cpu.downsample(&four, &[2, 2, 2, 2], None).unwrap()
    );
    // A slab (partly buffered input) goes to the component too, through the region function.
    let mut slab = image.clone();
    slab.buffered_region = Some(witk::pipelines::types::witk::types::spatial::ImageRegion {
        index: vec![0, 0, 1],
        size: vec![image.size[0], image.size[1], image.size[2] - 1],
    });
    assert_eq!(
        gpu.downsample(&slab, &[2, 2, 2], None).unwrap_err().to_string(),
        cpu.downsample(&slab, &[2, 2, 2], None).unwrap_err().to_string()
    );
}

#[test]
fn a_device_that_binds_little_splits_into_slabs() {
    let Some((_, cpu, _dirs)) = pipelines() else { return };
    let (rt, _dir) = runtime_with(Default::default());
    let small = Gpu::new(AdapterKind::Any).unwrap().with_max_binding_bytes(96 << 10);
    GpuDownsample::with_gpu(ParallelDownsample::new(Downsample::builtin(&rt).unwrap()), small).install(&rt);
    let gpu = Downsample::builtin(&rt).unwrap();
    let image = phantom();
    assert_eq!(gpu.downsample(&image, &[2, 3, 2], None).unwrap(), cpu.downsample(&image, &[2, 3, 2], None).unwrap());
    let u64s = with_data(
        image,
        Buffer::Uint64((0..64 * 64 * 16).map(|v| (v as u64) << 40).collect()),
        ComponentType::Uint64,
        vec![64, 64, 16],
    );
    assert_eq!(gpu.downsample(&u64s, &[2, 2, 3], None).unwrap(), cpu.downsample(&u64s, &[2, 2, 3], None).unwrap());
}

fn witk(args: &[&str], envs: &[(&str, &str)], cache: &std::path::Path) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_witk"));
    c.args(args).env("WITK_CACHE_DIR", cache);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn the_cli_accelerator_flag_and_its_fallback() {
    if pipelines().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let phantom = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/phantom.nrrd");
    let out = |name: &str| dir.path().join(name).display().to_string();
    for verb in ["downsample", "downsample-bin-shrink", "downsample-label-image"] {
        let mut files = Vec::new();
        for (accelerator, envs) in [
            ("none", vec![]),
            ("wgpu", vec![]),
            ("auto", vec![("WITK_WGPU_ADAPTER", "any")]),
            // No Vulkan driver at all: the CPU computes, with a warning.
            ("wgpu", vec![("VK_ICD_FILENAMES", "/nonexistent.json"), ("VK_DRIVER_FILES", "/nonexistent.json")]),
        ] {
            let file = out(&format!("{verb}-{accelerator}-{}.nrrd", envs.len()));
            let o = witk(&[verb, "-s", "2,3,2", "--accelerator", accelerator, phantom, &file], &envs, dir.path());
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "{verb} --accelerator {accelerator}: {stderr}");
            if envs.iter().any(|(k, _)| *k == "VK_ICD_FILENAMES") {
                assert!(stderr.contains("computing on the CPU"), "{stderr}");
            }
            files.push(std::fs::read(&file).unwrap());
        }
        assert!(files.windows(2).all(|w| w[0] == w[1]), "{verb}: outputs differ between accelerators");
    }
    // The debug log says why auto did not take the software adapter.
    let o = witk(&["downsample", "-s", "2", phantom, &out("auto.nrrd")], &[("WITK_LOG", "debug")], dir.path());
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    if !stderr.contains("debug") {
        // A hardware GPU was found and used: nothing to explain.
        assert!(stderr.trim().is_empty() || !stderr.contains("error"), "{stderr}");
    }
}

#[test]
fn a_lost_device_falls_back_to_the_component() {
    let Some((_, cpu, _dirs)) = pipelines() else { return };
    let (rt, _dir) = runtime_with(Default::default());
    let accel =
        GpuDownsample::new(ParallelDownsample::new(Downsample::builtin(&rt).unwrap()), AdapterKind::Any).unwrap();
    accel.install(&rt);
    let gpu = Downsample::builtin(&rt).unwrap();
    let image = phantom();
    let want = cpu.downsample(&image, &[2, 2, 2], None).unwrap();
    assert_eq!(gpu.downsample(&image, &[2, 2, 2], None).unwrap(), want);
    accel.gpu().destroy();
    assert!(accel.gpu().is_lost());

    for _ in 0..2 {
        assert_eq!(gpu.downsample(&image, &[2, 2, 2], None).unwrap(), want);
        assert_eq!(
            gpu.downsample_label_image(&image, &[2, 2, 2], None).unwrap(),
            cpu.downsample_label_image(&image, &[2, 2, 2], None).unwrap()
        );
    }
}
