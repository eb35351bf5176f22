//! Companion files of detached headers (.nhdr, .mhd, .hdr) are confined: after following
//! symlinks they must be regular files inside the header's folder (or in a folder allowed
//! explicitly). Real hostile files: names leaving the folder, absolute paths, symlinks out,
//! FIFOs, devices and folders, each an `invalid-argument` error naming the path; symlinks
//! that stay inside still read.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use witk::pipelines::image_io::ImageIo;
use witk::pipelines::types::witk::types::spatial::{Buffer, ComponentType, Image, ImageType, PixelType};
use witk::{Error, ErrorCode, Runtime, RuntimeConfig};

/// 16 pixels the header folder's files hold; files outside hold `SECRET` bytes.
const PIXELS: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const SECRET: u8 = 0xAB;

/// `root/outside.raw` (a secret) and `root/h/inside.raw` (the pixels); headers go in `root/h`.
struct Setup {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    folder: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let folder = root.join("h");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(root.join("outside.raw"), [SECRET; 16]).unwrap();
    std::fs::write(folder.join("inside.raw"), PIXELS).unwrap();
    Setup { _tmp: tmp, root, folder }
}

fn nhdr(data_file: &str) -> String {
    format!("NRRD0004\ntype: uint8\ndimension: 2\nsizes: 4 4\nencoding: raw\ndata file: {data_file}\n")
}

fn mhd(data_file: &str) -> String {
    format!(
        "ObjectType = Image\nNDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nBinaryData = True\n\
         ElementDataFile = {data_file}\n"
    )
}

/// image-io on a runtime whose compile cache (in cargo's scratch folder for tests) all
/// these tests share, so the component compiles once.
fn io() -> ImageIo {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("companions-cache");
    let rt = Runtime::new(RuntimeConfig { cache_dir: Some(cache), ..Default::default() }).unwrap();
    ImageIo::builtin(&rt).unwrap()
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Read `path` on another thread, so a binding that opened a FIFO fails instead of hanging.
fn read(path: &Path, roots: &[PathBuf]) -> witk::Result<Image> {
    let (path, roots) = (path.to_path_buf(), roots.to_vec());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(io().read_path_allowing(&path, false, None, None, &roots));
    });
    rx.recv_timeout(Duration::from_secs(120)).expect("reading the image hung (did it open a FIFO?)")
}

fn pixels(image: &Image) -> &[u8] {
    match &image.data {
        Some(Buffer::Uint8(v)) => v,
        other => panic!("expected uint8 pixels, got {:?}", other.as_ref().map(|_| "another type")),
    }
}

/// `path` reads as an `invalid-argument` error whose message names `name`.
#[track_caller]
fn refused(path: &Path, name: &str) {
    match read(path, &[]) {
        Err(Error::Pipeline { pipeline, code: ErrorCode::InvalidArgument, message }) => {
            assert_eq!(pipeline, "image-io");
            assert!(message.contains(&format!("'{name}'")), "{message}");
        }
        Ok(image) => panic!("{}: read {:?} instead of refusing {name}", path.display(), image.data),
        Err(other) => panic!("{}: expected invalid-argument naming {name}, got {other:?}", path.display()),
    }
}

#[test]
fn companions_inside_the_folder_read() {
    let s = setup();
    for (name, text) in [("ok.nhdr", nhdr("inside.raw")), ("ok.mhd", mhd("inside.raw"))] {
        let path = s.folder.join(name);
        std::fs::write(&path, text).unwrap();
        assert_eq!(pixels(&read(&path, &[]).unwrap()), PIXELS, "{name}");
    }
    // A subfolder, and `..` that comes back in, stay inside.
    std::fs::create_dir(s.folder.join("sub")).unwrap();
    std::fs::write(s.folder.join("sub/deeper.raw"), PIXELS).unwrap();
    for (name, file) in [("sub.nhdr", "sub/deeper.raw"), ("back.nhdr", "sub/../inside.raw")] {
        let path = s.folder.join(name);
        std::fs::write(&path, nhdr(file)).unwrap();
        assert_eq!(pixels(&read(&path, &[]).unwrap()), PIXELS, "{name}");
    }
    // A header given by a relative path resolves against its folder too.
    let io = io();
    let here = std::env::current_dir().unwrap();
    let relative = pathdiff(&s.folder.join("ok.nhdr"), &here);
    assert_eq!(pixels(&io.read_path(&relative, false, None, None).unwrap()), PIXELS);
}

/// `path` relative to `base` (both absolute), with `..` as needed.
fn pathdiff(path: &Path, base: &Path) -> PathBuf {
    let (p, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    out
}

#[test]
fn nrrd_data_files_outside_the_folder_are_refused() {
    let s = setup();
    let outside = s.root.join("outside.raw");
    let mut names = vec!["../outside.raw".to_string(), outside.display().to_string()];
    if cfg!(unix) {
        names.push("/dev/zero".into());
    }
    if Path::new("/etc/hostname").is_file() {
        names.push("/etc/hostname".into());
    }
    for name in &names {
        let path = s.folder.join("evil.nhdr");
        std::fs::write(&path, nhdr(name)).unwrap();
        refused(&path, name);
    }
}

#[test]
fn metaimage_data_files_outside_the_folder_are_refused() {
    let s = setup();
    let outside = s.root.join("outside.raw");
    for name in ["../outside.raw".to_string(), outside.display().to_string(), "/dev/zero".into()] {
        let path = s.folder.join("evil.mhd");
        std::fs::write(&path, mhd(&name)).unwrap();
        refused(&path, &name);
    }
}

/// `ElementDataFile = LIST` (and NRRD's `LIST`, `%d` patterns) naming outside files never
/// hand over their bytes: image-io does not read multi-file data (`unsupported`, or a bad
/// header line for NRRD's list), and were it to name them, the host would refuse them as
/// any other companion (`invalid-argument`).
#[test]
fn multi_file_lists_naming_outside_files_are_refused() {
    let s = setup();
    let cases = [
        ("list.mhd", format!("{}../outside.raw\n../outside.raw\n", mhd("LIST 1D"))),
        ("list2.mhd", format!("{}{}\n", mhd("LIST"), s.root.join("outside.raw").display())),
        ("pattern.mhd", mhd("../outside%d.raw 0 1 1")),
        ("list.nhdr", format!("{}../outside.raw\n", nhdr("LIST"))),
        ("pattern.nhdr", nhdr("../outside%01d.raw 0 3 1 0")),
    ];
    std::fs::write(s.root.join("outside0.raw"), [SECRET; 16]).unwrap();
    for (name, text) in cases {
        let path = s.folder.join(name);
        std::fs::write(&path, text).unwrap();
        match read(&path, &[]) {
            Err(Error::Pipeline {
                code: ErrorCode::InvalidArgument | ErrorCode::Unsupported | ErrorCode::InvalidData,
                message,
                ..
            }) => {
                assert!(message.contains(name) || message.contains("outside"), "{message}")
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_folder_are_refused_and_those_staying_inside_read() {
    let s = setup();
    symlink(&s.root.join("outside.raw"), &s.folder.join("out.raw"));
    symlink(Path::new("../outside.raw"), &s.folder.join("out-relative.raw"));
    symlink(&s.root, &s.folder.join("up"));
    symlink(Path::new("inside.raw"), &s.folder.join("in.raw"));
    symlink(&s.folder.join("inside.raw"), &s.folder.join("in-absolute.raw"));
    for name in ["out.raw", "out-relative.raw", "up/outside.raw"] {
        let path = s.folder.join("evil.nhdr");
        std::fs::write(&path, nhdr(name)).unwrap();
        refused(&path, name);
        let path = s.folder.join("evil.mhd");
        std::fs::write(&path, mhd(name)).unwrap();
        refused(&path, name);
    }
    for name in ["in.raw", "in-absolute.raw"] {
        let path = s.folder.join("ok.nhdr");
        std::fs::write(&path, nhdr(name)).unwrap();
        assert_eq!(pixels(&read(&path, &[]).unwrap()), PIXELS, "{name}");
    }
    // The header folder itself reached through a symlink: its companions are still inside.
    symlink(&s.folder, &s.root.join("alias"));
    assert_eq!(pixels(&read(&s.root.join("alias/ok.nhdr"), &[]).unwrap()), PIXELS);
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_folders_are_not_companions() {
    let s = setup();
    let status = Command::new("mkfifo").arg(s.folder.join("pipe.raw")).status().unwrap();
    assert!(status.success());
    std::fs::create_dir(s.folder.join("folder.raw")).unwrap();
    symlink(Path::new("/dev/zero"), &s.folder.join("zero.raw"));
    for name in ["pipe.raw", "folder.raw", "zero.raw", "/dev/zero"] {
        let path = s.folder.join("evil.nhdr");
        std::fs::write(&path, nhdr(name)).unwrap();
        refused(&path, name);
    }
    // Even in an allowed folder, a companion must be a regular file.
    for name in ["pipe.raw", "/dev/zero"] {
        let path = s.folder.join("evil.mhd");
        std::fs::write(&path, mhd(name)).unwrap();
        match read(&path, &[s.folder.clone(), PathBuf::from("/dev")]) {
            Err(Error::Pipeline { code: ErrorCode::InvalidArgument, message, .. }) => {
                assert!(message.contains(name) && message.contains("not a regular file"), "{message}")
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[cfg(unix)]
#[test]
fn a_nifti_hdr_whose_img_links_outside_is_refused() {
    let s = setup();
    let io = io();
    let image = Image {
        image_type: ImageType {
            dimension: 2,
            component_type: ComponentType::Uint8,
            pixel_type: PixelType::Scalar,
            components: 1,
        },
        name: "pair".into(),
        origin: vec![0.0, 0.0],
        spacing: vec![1.0, 1.0],
        direction: vec![1.0, 0.0, 0.0, 1.0],
        size: vec![4, 4],
        metadata: vec![],
        data: Some(Buffer::Uint8(PIXELS.to_vec())),
        buffered_region: None,
    };
    // A .hdr/.img pair from a .nii: its 348-byte header with the pair magic, and its pixels.
    let nii = s.root.join("single.nii");
    io.write_path(&image, &nii, false, false).unwrap();
    let bytes = std::fs::read(&nii).unwrap();
    let offset = f32::from_le_bytes(bytes[108..112].try_into().unwrap()) as usize;
    let mut hdr = bytes[..348].to_vec();
    hdr[344..348].copy_from_slice(b"ni1\0");
    std::fs::write(s.folder.join("pair.hdr"), &hdr).unwrap();
    std::fs::write(s.folder.join("pair.img"), &bytes[offset..]).unwrap();
    assert_eq!(pixels(&read(&s.folder.join("pair.hdr"), &[]).unwrap()), PIXELS);

    std::fs::write(s.folder.join("evil.hdr"), &hdr).unwrap();
    symlink(&s.root.join("outside.raw"), &s.folder.join("evil.img"));
    refused(&s.folder.join("evil.hdr"), "evil.img");
}

#[test]
fn allowed_roots_admit_other_folders() {
    let s = setup();
    let path = s.folder.join("shared.nhdr");
    std::fs::write(&path, nhdr("../outside.raw")).unwrap();
    refused(&path, "../outside.raw");
    assert_eq!(pixels(&read(&path, std::slice::from_ref(&s.root)).unwrap()), [SECRET; 16]);
    // A root that only shares a prefix with the file's folder does not admit it.
    let sibling = s.root.join("h2");
    std::fs::create_dir(&sibling).unwrap();
    std::fs::write(sibling.join("x.raw"), [SECRET; 16]).unwrap();
    std::fs::write(&path, nhdr("../h2/x.raw")).unwrap();
    refused(&path, "../h2/x.raw");
    // A missing companion stays a file error, not a refusal.
    std::fs::write(&path, nhdr("absent.raw")).unwrap();
    assert!(matches!(read(&path, &[]), Err(Error::Io { .. })));
}

#[test]
fn the_cli_refuses_with_exit_code_1() {
    let s = setup();
    let witk = env!("CARGO_BIN_EXE_witk");
    let evil = s.folder.join("evil.nhdr");
    std::fs::write(&evil, nhdr("../outside.raw")).unwrap();
    for args in [vec!["image-io", "info"], vec!["image-io", "convert"]] {
        let mut cmd = Command::new(witk);
        cmd.args(&args).arg(&evil).env("WITK_CACHE_DIR", s.root.join("cache"));
        if args[1] == "convert" {
            cmd.arg(s.root.join("out.nrrd"));
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("'../outside.raw'") && stderr.contains("invalid-argument"), "{stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(!s.root.join("out.nrrd").exists());
    let ok = s.folder.join("ok.nhdr");
    std::fs::write(&ok, nhdr("inside.raw")).unwrap();
    let out = Command::new(witk)
        .args(["image-io", "info"])
        .arg(&ok)
        .env("WITK_CACHE_DIR", s.root.join("cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // --allow-companions-in admits the outside folder explicitly.
    let out = Command::new(witk)
        .args(["image-io", "info", "--allow-companions-in"])
        .arg(&s.root)
        .arg(&evil)
        .env("WITK_CACHE_DIR", s.root.join("cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
