//! What each fuzz target checks, in one place for the two that run it: `fuzz/` (libFuzzer,
//! SanitizerCoverage) and this crate's corpus test (the committed corpus replayed by
//! `cargo test`, so every CI run checks every input fuzzing kept).
//!
//! Each target has two functions over one input:
//! - `check` panics when an invariant breaks (what reads passes the model's own checks, a
//!   header-only read agrees with the full read, what is written reads back the same);
//! - `outcome` is what the input gives, as one line: `ok <digest>` of what reading it and
//!   writing it as ITK-Wasm's CBOR gives, or `err <code>: <message>`. The corpus test
//!   records it per input (`fuzz/corpus/<target>.outcomes`), and the host's test
//!   (`host/tests/fuzz_corpus.rs`) computes it through the components in wasmtime: the
//!   native build and the component must give the same line for every input.
//!
//! The input's first byte picks the file name (the format, where magic bytes do not
//! decide) for the readers that take a name; the rest is the file.

use witk_guest::{Code, Failure};

/// The fuzz targets, by name (`fuzz/fuzz_targets/<name>.rs`, `fuzz/corpus/<name>/`).
pub const TARGETS: [&str; 5] = ["image_io", "compress_stringify", "dicom", "mesh_io", "transform_io"];

/// `check` of the target called `name`.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "image_io" => image_io::check(data),
        "compress_stringify" => compress_stringify::check(data),
        "dicom" => dicom::check(data),
        "mesh_io" => mesh_io::check(data),
        "transform_io" => transform_io::check(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// The file name the input is read as: picked by its first byte for the readers that take
/// one (the host's test reads the rest of the input under this name), else fixed.
pub fn file_name(target: &str, data: &[u8]) -> &'static str {
    let names: &[&'static str] = match target {
        "image_io" => &image_io::NAMES,
        "mesh_io" => &mesh_io::NAMES,
        "transform_io" => &transform_io::NAMES,
        "dicom" => return "x.dcm",
        _ => return "-",
    };
    pick(names, data).map_or("-", |(name, _)| name)
}

/// `outcome` of the target called `name`.
pub fn outcome(target: &str, data: &[u8]) -> String {
    match target {
        "image_io" => image_io::outcome(data),
        "compress_stringify" => compress_stringify::outcome(data),
        "dicom" => dicom::outcome(data),
        "mesh_io" => mesh_io::outcome(data),
        "transform_io" => transform_io::outcome(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// 64-bit FNV-1a: a digest that is the same in every build (the host's test has the same
/// ten lines), unlike std's hasher.
pub fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A failure as the WIT error the component returns: `err <code>: <message>`.
fn err(f: &Failure) -> String {
    let code = match f.code {
        Code::InvalidArgument => "invalid-argument",
        Code::InvalidData => "invalid-data",
        Code::LimitExceeded => "limit-exceeded",
        Code::Unsupported => "unsupported",
        Code::Internal => "internal",
    };
    format!("err {code}: {}", f.message)
}

/// `ok <digest>` of what was written, or the write's error.
fn written(result: Result<Vec<u8>, Failure>) -> String {
    match result {
        Ok(bytes) => format!("ok {}", fnv(&bytes)),
        Err(f) => format!("written {}", err(&f)),
    }
}

/// The name the first byte picks from `names`, and the file.
fn pick<'a>(names: &[&'static str], data: &'a [u8]) -> Option<(&'static str, &'a [u8])> {
    let (&pick, bytes) = data.split_first()?;
    Some((names[pick as usize % names.len()], bytes))
}

pub mod image_io {
    use super::*;
    use witk_image_io_component::formats;

    pub const NAMES: [&str; 13] = [
        "x.nrrd",
        "x.mha",
        "x.nii",
        "x.nii.gz",
        "x.vtk",
        "x.png",
        "x.tif",
        "x.bmp",
        "x.jpg",
        "x.iwi.cbor",
        "x.iwi.cbor.zst",
        "x.witk",
        "x",
    ];

    pub fn check(data: &[u8]) {
        let Some((name, bytes)) = pick(&NAMES, data) else { return };
        let Ok(image) = formats::read(name, bytes, None, false) else { return };
        image.validate().expect("a read image fails its own checks");
        assert!(image.data.is_some(), "a full read gave no pixels");
        assert!(image.spacing.iter().all(|s| s.is_finite()), "spacing {:?}", image.spacing);
        let header =
            formats::read(name, bytes, None, true).expect("the header-only read failed where the full read did not");
        assert_eq!((&header.size, header.ctype, header.components), (&image.size, image.ctype, image.components));
        // Written in the detected format (by the name; extensionless files as .iwi.cbor).
        let out = if name == "x" { "x.iwi.cbor" } else { name };
        let Ok(files) = formats::write(&image, out, false, false) else { return };
        let main = &files.first().expect("a write gave no file").1;
        let companion = files.get(1).map(|f| f.1.as_slice());
        let back = formats::read(out, main, companion, false).expect("what was written does not read back");
        // A NIfTI vector image's header cannot tell a trailing axis of size 1 from none
        // (dim[0] is 5 for any vector image; ITK reads it so too): compared without them.
        let trim = |size: &[u64]| {
            let keep =
                if out.contains(".nii") { size.iter().rposition(|&n| n != 1).map_or(1, |i| i + 1) } else { size.len() };
            size[..keep].to_vec()
        };
        assert_eq!((trim(&back.size), back.ctype, back.components), (trim(&image.size), image.ctype, image.components));
        if !matches!(out, "x.jpg" | "x.png" | "x.bmp" | "x.tif") {
            assert_eq!(back.data, image.data, "{out}: the pixels changed in a round trip");
        }
    }

    /// `read-image` of the file (no companion, no cast), then `write-image` as `.iwi.cbor`.
    pub fn outcome(data: &[u8]) -> String {
        let Some((name, bytes)) = pick(&NAMES, data) else { return "empty".into() };
        match witk_image_io_component::read(name, bytes, None, false, None, None) {
            Ok(image) => written(
                formats::write(&image, "x.iwi.cbor", false, false)
                    .map(|files| files.into_iter().next().map(|f| f.1).unwrap_or_default()),
            ),
            Err(f) => err(&f),
        }
    }
}

pub mod compress_stringify {
    use super::*;
    use witk_compress_stringify_component::{codec, data_url, parse_string_decompress};

    pub fn check(data: &[u8]) {
        let _ = data_url::decode(data);
        let from_url = data_url::decode_frame(data).and_then(|frame| codec::decompress(&frame));
        for decoded in [from_url, codec::decompress(data)].into_iter().flatten() {
            let frame = codec::compress(&decoded, 1).expect("compressing what decoded failed");
            assert_eq!(codec::decompress(&frame).expect("our frame does not decode"), decoded);
            let url = data_url::encode("data:application/zstd;base64,", &frame).expect("encoding failed");
            assert_eq!(data_url::decode_frame(&url).expect("our data URL does not decode"), frame);
        }
    }

    /// `parse-string-decompress` with `parse-string` true, then false.
    pub fn outcome(data: &[u8]) -> String {
        let one = |parse: bool| match parse_string_decompress(data.to_vec(), parse) {
            Ok(bytes) => format!("ok {}", fnv(&bytes)),
            Err(f) => err(&f),
        };
        format!("{} | {}", one(true), one(false))
    }
}

pub mod dicom {
    use super::*;
    use witk_dicom_component::{pdf, series, sr, tags};

    pub fn check(data: &[u8]) {
        let _ = tags::read_dicom_tags(data, "x.dcm", None);
        if let Ok(volume) = series::read_series(vec![("x.dcm".to_string(), data.to_vec())], false) {
            assert_eq!(volume.pixels.ctype(), volume.ctype);
            assert!(volume.components > 0 && volume.pixels.count() % volume.components == 0);
            assert_eq!(volume.sorted, ["x.dcm"]);
        }
        let _ = sr::structured_report_to_text(data, "x.dcm", sr::Options::default());
        let _ = pdf::read_encapsulated_pdf(data, "x.dcm");
    }

    /// `read-dicom-tags` of every tag (their count and a digest of `tag=value` lines), then
    /// `read-image-dicom-file-series` of the one file: size, type, components, a digest of
    /// the pixels and of the geometry.
    pub fn outcome(data: &[u8]) -> String {
        let tags = match tags::read_dicom_tags(data, "x.dcm", None) {
            Ok(list) => {
                let lines: String = list.iter().map(|(t, v)| format!("{t}={v}\n")).collect();
                format!("ok {} {}", list.len(), fnv(lines.as_bytes()))
            }
            Err(f) => err(&f),
        };
        let series = match series::read_series(vec![("x.dcm".to_string(), data.to_vec())], false) {
            Ok(v) => {
                let g = &v.geometry;
                let geometry = format!("{:?} {:?} {:?}", g.origin, g.spacing, g.direction);
                format!(
                    "ok {:?} {} {} {} {}",
                    g.size,
                    v.ctype.name(),
                    v.components,
                    fnv(&v.pixels),
                    fnv(geometry.as_bytes())
                )
            }
            Err(f) => err(&f),
        };
        format!("{tags} | {series}")
    }
}

pub mod mesh_io {
    use super::*;
    use witk_mesh_io_component::formats::{self, Options};

    pub const NAMES: [&str; 15] = [
        "x.vtk",
        "x.vtp",
        "x.gii",
        "x.byu",
        "x.fsa",
        "x.fsb",
        "x.mz3",
        "x.obj",
        "x.off",
        "x.ply",
        "x.stl",
        "x.swc",
        "x.iwm.cbor",
        "x.iwm.cbor.zst",
        "x",
    ];

    pub fn check(data: &[u8]) {
        let Some((name, bytes)) = pick(&NAMES, data) else { return };
        let Ok(mesh) = formats::read(name, bytes, false) else { return };
        mesh.validate().expect("a read mesh fails its own checks");
        let out = if name == "x" { "x.iwm.cbor" } else { name };
        let options = Options { info_only: false, compression: false, binary: true };
        let Ok(written) = formats::write(&mesh, out, &options) else { return };
        let back = formats::read(out, &written, false).expect("what was written does not read back");
        // STL holds triangles only: points in no triangle are not in the file.
        if out != "x.stl" {
            assert_eq!(back.number_of_points, mesh.number_of_points, "{out}: the point count changed");
        }
    }

    /// `read-mesh`, then `write-mesh` as `.iwm.cbor` (binary, uncompressed).
    pub fn outcome(data: &[u8]) -> String {
        let Some((name, bytes)) = pick(&NAMES, data) else { return "empty".into() };
        match formats::read(name, bytes, false) {
            Ok(mesh) => written(formats::write(
                &mesh,
                "x.iwm.cbor",
                &Options { info_only: false, compression: false, binary: true },
            )),
            Err(f) => err(&f),
        }
    }
}

pub mod transform_io {
    use super::*;
    use witk_transform_io_component::{formats, model};

    pub const NAMES: [&str; 6] = ["x.tfm", "x.txt", "x.h5", "x.mat", "x.iwt.cbor", "x"];

    pub fn check(data: &[u8]) {
        let Some((name, bytes)) = pick(&NAMES, data) else { return };
        let Ok(list) = formats::read(name, bytes, false) else { return };
        model::check_list(&list).expect("a read transform list fails its own checks");
        let out = if name == "x" { "x.iwt.cbor" } else { name };
        let Ok(written) = formats::write(&list, out, false, false) else { return };
        let back = formats::read(out, &written, false).expect("what was written does not read back");
        assert_eq!(back.len(), list.len(), "{out}: the number of transforms changed");
    }

    /// `read-transform` (float64 parameters), then `write-transform` as `.iwt.cbor`.
    pub fn outcome(data: &[u8]) -> String {
        let Some((name, bytes)) = pick(&NAMES, data) else { return "empty".into() };
        match formats::read(name, bytes, false) {
            Ok(list) => written(formats::write(&list, "x.iwt.cbor", false, false)),
            Err(f) => err(&f),
        }
    }
}
