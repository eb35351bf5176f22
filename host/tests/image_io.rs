//! image-io through the Rust API and the CLI, on the bundled phantom and synthetic images.

mod common;
use common::runtime_with;
use std::process::Command;
use witk::pipelines::image_io::ImageIo;
use witk::pipelines::types::witk::types::spatial::{Buffer, ComponentType, Image, ImageType, PixelType};
use witk::{Error, ErrorCode};

fn phantom_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/phantom.nrrd")
}

fn synthetic() -> Image {
    let size = vec![5u64, 4, 3];
    let n = 5 * 4 * 3;
    Image {
        image_type: ImageType {
            dimension: 3,
            component_type: ComponentType::Float32,
            pixel_type: PixelType::Scalar,
            components: 1,
        },
        name: "synthetic".into(),
        origin: vec![1.5, -2.0, 30.25],
        spacing: vec![0.5, 0.75, 2.0],
        direction: vec![0.6, -0.8, 0.0, 0.8, 0.6, 0.0, 0.0, 0.0, 1.0],
        size,
        metadata: vec![],
        data: Some(Buffer::Float32((0..n).map(|i| i as f32 * 0.25 - 3.0).collect())),
        buffered_region: None,
    }
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5)
}

#[test]
fn the_phantom_reads_with_its_geometry() {
    let (rt, _dir) = runtime_with(Default::default());
    let io = ImageIo::builtin(&rt).unwrap();
    let image = io.read_path(&phantom_path(), false, None, None).unwrap();
    assert_eq!(image.size, [64, 64, 64]);
    assert_eq!(image.spacing, [3.0, 3.0, 3.0]);
    assert_eq!(image.origin, [-94.5, -94.5, -94.5]);
    assert_eq!(image.image_type.component_type, ComponentType::Uint8);
    match image.data {
        Some(Buffer::Uint8(v)) => assert_eq!(v.len(), 64 * 64 * 64),
        other => panic!("expected uint8 pixels, got {:?}", other.map(|_| "another type")),
    }
}

#[test]
fn every_format_round_trips_through_files() {
    let (rt, _dir) = runtime_with(Default::default());
    let io = ImageIo::builtin(&rt).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let image = synthetic();
    for name in ["a.nrrd", "a.nhdr", "a.mha", "a.mhd", "a.nii", "a.nii.gz", "a.witk"] {
        for compress in [false, true] {
            let path = dir.path().join(name);
            io.write_path(&image, &path, false, compress).unwrap();
            let back = io.read_path(&path, false, None, None).unwrap();
            assert_eq!(back.data, image.data, "{name}");
            assert_eq!(back.size, image.size, "{name}");
            assert!(close(&back.origin, &image.origin) && close(&back.spacing, &image.spacing), "{name}");
            assert!(close(&back.direction, &image.direction), "{name}: {:?}", back.direction);
        }
    }
    let info = io.read_path(&dir.path().join("a.mhd"), true, None, None).unwrap();
    assert!(info.data.is_none());
    let cast = io.read_path(&dir.path().join("a.nrrd"), false, None, Some(ComponentType::Int16)).unwrap();
    assert!(matches!(cast.data, Some(Buffer::Int16(_))));
}

#[test]
fn raw_pixels_read_and_written_by_the_host_equal_the_components() {
    // read_path and write_path read and write raw pixels themselves
    // (components/image-io/host/raw.rs); read_image and write_image are the component's.
    let (rt, _dir) = runtime_with(Default::default());
    let io = ImageIo::builtin(&rt).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut vector = synthetic();
    vector.image_type = ImageType {
        component_type: ComponentType::Int16,
        pixel_type: PixelType::Vector,
        components: 2,
        ..vector.image_type
    };
    vector.data = Some(Buffer::Int16((0..120).map(|i| i * 7 - 300).collect()));
    for image in [synthetic(), vector] {
        for name in ["a.nrrd", "a.nhdr", "a.mha", "a.mhd", "a.nii"] {
            let path = dir.path().join(name);
            io.write_path(&image, &path, false, false).unwrap();
            // The host wrote the raw pixels itself: the component's files are the same bytes.
            let files = io.write_image(&image, name, false, false).unwrap();
            for f in &files {
                let base = std::path::Path::new(&f.path).file_name().unwrap();
                assert_eq!(std::fs::read(dir.path().join(base)).unwrap(), f.data, "{name}: {}", f.path);
            }
            let (main, companions) =
                witk::files::read_with_companions("image-io", &path, &[], |h| io.companion_files(h)).unwrap();
            let component = io.read_image(&main, &companions, false, None, None).unwrap();
            let host = io.read_path(&path, false, None, None).unwrap();
            assert_eq!(host, component, "{name}");
            assert_eq!(host.data, image.data, "{name}");
        }
    }
    // The pixels never enter the component: a 64 MiB image reads and writes under a
    // 32 MiB memory limit, which the component's own reading and writing exceed.
    let (small, _cache) = runtime_with(witk::Limits { memory_bytes: 32 << 20, ..Default::default() });
    let small = ImageIo::builtin(&small).unwrap();
    let mut big = synthetic();
    big.size = vec![256, 256, 256];
    big.data = Some(Buffer::Float32((0..1 << 24).map(|i| i as f32).collect()));
    for name in ["big.nrrd", "big.mhd", "big.nii"] {
        let path = dir.path().join(name);
        small.write_path(&big, &path, false, false).unwrap();
        assert_eq!(small.read_path(&path, false, None, None).unwrap().data, big.data, "{name}");
        let whole = witk::files::read_binary_file(&path).unwrap();
        let component = small.read_image(&whole, &[], false, None, None);
        assert!(matches!(component, Err(Error::MemoryLimit { .. } | Error::Pipeline { .. })), "{name}");
    }
    assert!(matches!(small.write_image(&big, "big.nrrd", false, false), Err(Error::MemoryLimit { .. })));
    // A header whose pixels are not all there: the component's error, as before.
    let short = dir.path().join("short.mha");
    std::fs::write(&short, b"NDims = 2\nDimSize = 8 8\nElementType = MET_UCHAR\nElementDataFile = LOCAL\nab").unwrap();
    assert!(matches!(
        io.read_path(&short, false, None, None),
        Err(Error::Pipeline { code: ErrorCode::InvalidData, .. })
    ));
    let detached = dir.path().join("lost.mhd");
    std::fs::write(&detached, b"NDims = 1\nDimSize = 4\nElementType = MET_UCHAR\nElementDataFile = ../x.raw\n")
        .unwrap();
    assert!(matches!(io.read_path(&detached, false, None, None), Err(Error::Io { .. })));
}

#[test]
fn bad_images_are_typed_errors() {
    let (rt, _dir) = runtime_with(Default::default());
    let io = ImageIo::builtin(&rt).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.nrrd");
    std::fs::write(&path, b"NRRD0004\ntype: uint16\ndimension: 2\nsizes: 4 4\nencoding: raw\n\nxyz").unwrap();
    match io.read_path(&path, false, None, None) {
        Err(Error::Pipeline { code: ErrorCode::InvalidData, message, .. }) => assert!(message.contains("short.nrrd")),
        other => panic!("{other:?}"),
    }
    let mut wrong = synthetic();
    wrong.data = Some(Buffer::Float32(vec![1.0; 7]));
    match io.write_path(&wrong, &dir.path().join("w.nrrd"), false, false) {
        Err(Error::Pipeline { code: ErrorCode::InvalidArgument, message, .. }) => {
            assert!(message.contains("pixel buffer"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(io.read_path(&dir.path().join("none.nii"), false, None, None), Err(Error::Io { .. })));
}

#[test]
fn cli_converts_between_formats() {
    let dir = tempfile::tempdir().unwrap();
    let witk = env!("CARGO_BIN_EXE_witk");
    let mut previous = phantom_path();
    for name in ["p.nii.gz", "p.mha", "p.nhdr", "p.witk", "p.nrrd"] {
        let out = dir.path().join(name);
        let status = Command::new(witk)
            .args(["image-io", "convert", "--use-compression"])
            .arg(&previous)
            .arg(&out)
            .env("WITK_CACHE_DIR", dir.path().join("cache"))
            .status()
            .unwrap();
        assert!(status.success(), "{name}");
        previous = out;
    }
    let (rt, _d) = runtime_with(Default::default());
    let io = ImageIo::builtin(&rt).unwrap();
    let a = io.read_path(&phantom_path(), false, None, None).unwrap();
    let b = io.read_path(&previous, false, None, None).unwrap();
    assert_eq!(a.data, b.data);
    assert!(close(&a.origin, &b.origin) && close(&a.spacing, &b.spacing) && close(&a.direction, &b.direction));
    let info = Command::new(witk).args(["image-io", "info"]).arg(&previous).output().unwrap();
    let text = String::from_utf8(info.stdout).unwrap();
    assert!(text.contains("\"componentType\": \"uint8\"") && text.contains("[64, 64, 64]"), "{text}");
}
