//! Format detection and dispatch.

pub mod iwi;
pub mod metaimage;
pub mod nifti;
pub mod nrrd;
pub mod raster;
pub mod vtk;
pub mod witk;

use crate::model::Image;
use crate::{Code, Failure};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Nrrd,
    MetaImage,
    Nifti,
    Witk,
    Png,
    Tiff,
    Bmp,
    Jpeg,
    Vtk,
    /// ITK-Wasm's CBOR image (.iwi.cbor)
    Iwi,
    /// ITK-Wasm's CBOR image, zstd-compressed (.iwi.cbor.zst)
    IwiZstd,
}

impl Format {
    /// ITK-Wasm's name for the format, the prefix of its per-format functions.
    pub fn itk_wasm_name(self) -> &'static str {
        match self {
            Format::Nrrd => "nrrd",
            Format::MetaImage => "meta",
            Format::Nifti => "nifti",
            Format::Witk => "witk",
            Format::Png => "png",
            Format::Tiff => "tiff",
            Format::Bmp => "bmp",
            Format::Jpeg => "jpeg",
            Format::Vtk => "vtk",
            Format::Iwi => "wasm",
            Format::IwiZstd => "wasm-zstd",
        }
    }
}

const SUPPORTED: &str =
    ".nrrd .nhdr .mha .mhd .nii .nii.gz .hdr .witk .iwi.cbor .iwi.cbor.zst .vtk .png .tif .tiff .bmp .jpg .jpeg (read)";

/// By magic bytes first (a misnamed file still reads), else by extension.
pub fn detect(name: &str, bytes: &[u8]) -> Result<Format, Failure> {
    if bytes.starts_with(nrrd::MAGIC) {
        return Ok(Format::Nrrd);
    }
    if bytes.starts_with(witk::MAGIC) {
        return Ok(Format::Witk);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || bytes.starts_with(b"II+\0")
        || bytes.starts_with(b"MM\0+")
    {
        return Ok(Format::Tiff);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"BM") && bytes.len() > 54 {
        return Ok(Format::Bmp);
    }
    if bytes.starts_with(&[0x1f, 0x8b]) && lower(name).ends_with(".nii.gz") || nifti::looks_like(bytes) {
        return Ok(Format::Nifti);
    }
    if iwi::looks_like(bytes) {
        return Ok(Format::Iwi);
    }
    if bytes.starts_with(iwi::ZSTD_MAGIC) && lower(name).contains(".iwi") {
        return Ok(Format::IwiZstd);
    }
    if vtk::looks_like(bytes) {
        return Ok(Format::Vtk);
    }
    if metaimage::looks_like(bytes) {
        return Ok(Format::MetaImage);
    }
    by_extension(name).ok_or_else(|| {
        Failure::new(Code::Unsupported, format!("{name}: unknown image format (supported: {SUPPORTED})"))
    })
}

fn lower(name: &str) -> String {
    name.to_ascii_lowercase()
}

pub fn by_extension(name: &str) -> Option<Format> {
    let n = lower(name);
    [
        (".nrrd", Format::Nrrd),
        (".nhdr", Format::Nrrd),
        (".mha", Format::MetaImage),
        (".mhd", Format::MetaImage),
        (".nii", Format::Nifti),
        (".nii.gz", Format::Nifti),
        (".hdr", Format::Nifti),
        (".witk", Format::Witk),
        (".png", Format::Png),
        (".tif", Format::Tiff),
        (".tiff", Format::Tiff),
        (".bmp", Format::Bmp),
        (".jpg", Format::Jpeg),
        (".jpeg", Format::Jpeg),
        (".vtk", Format::Vtk),
        (".iwi.cbor", Format::Iwi),
        (".iwi.cbor.zst", Format::IwiZstd),
    ]
    .into_iter()
    .find(|(ext, _)| n.ends_with(ext))
    .map(|(_, f)| f)
}

/// Every message names the file it is about.
fn named(name: &str, f: Failure) -> Failure {
    if f.message.starts_with(name) {
        f
    } else {
        Failure::new(f.code, format!("{name}: {}", f.message))
    }
}

/// Files besides `name` that reading it needs.
pub fn companions(name: &str, bytes: &[u8]) -> Result<Vec<String>, Failure> {
    companions_of(name, bytes).map_err(|f| named(name, f))
}

/// Where a file keeps its pixels as they lie in memory: (the file holding them, empty
/// for this one, else a companion as [`companions`] names it; the byte offset of the first
/// pixel; whether they are big-endian).
pub type Layout = (String, u64, bool);

/// The [`Layout`] of an uncompressed NRRD, MetaImage or NIfTI file, or `None` for any
/// other (those are read whole). The header is enough: the first MiB of a large file.
pub fn raw_layout(name: &str, bytes: &[u8]) -> Result<Option<Layout>, Failure> {
    let layout = match detect(name, bytes).map_err(|f| named(name, f))? {
        Format::Nrrd => nrrd::raw_layout(bytes, name),
        Format::MetaImage => metaimage::raw_layout(bytes, name),
        Format::Nifti if !bytes.starts_with(&[0x1f, 0x8b]) => nifti::raw_layout(bytes, name, name),
        _ => Ok(None),
    };
    layout.map_err(|f| named(name, f))
}

fn companions_of(name: &str, bytes: &[u8]) -> Result<Vec<String>, Failure> {
    match detect(name, bytes)? {
        Format::Nrrd => nrrd::companions(bytes, name),
        Format::MetaImage => metaimage::companions(bytes, name),
        Format::Nifti if !bytes.starts_with(&[0x1f, 0x8b]) => nifti::companions(bytes, name, name),
        _ => Ok(vec![]),
    }
}

pub fn read(name: &str, bytes: &[u8], companion: Option<&[u8]>, info_only: bool) -> Result<Image, Failure> {
    let image = read_named(name, bytes, companion, info_only).map_err(|f| named(name, f))?;
    // Every reader builds a consistent image; this is the guarantee callers rely on (a
    // direction of NaN from a degenerate header passed the readers: found by fuzzing).
    image.validate().map_err(|f| Failure::new(Code::InvalidData, format!("{name}: {}", f.message)))?;
    Ok(image)
}

fn read_named(name: &str, bytes: &[u8], companion: Option<&[u8]>, info_only: bool) -> Result<Image, Failure> {
    match detect(name, bytes)? {
        Format::Nrrd => nrrd::read(bytes, companion, info_only, name),
        Format::MetaImage => metaimage::read(bytes, companion, info_only, name),
        Format::Nifti if bytes.starts_with(&[0x1f, 0x8b]) => {
            nifti::read(&nifti::gunzip(bytes, name)?, None, info_only, name)
        }
        Format::Nifti => nifti::read(bytes, companion, info_only, name),
        Format::Witk => witk::read(bytes, info_only, name),
        Format::Png => raster::read_png(bytes, info_only, name),
        Format::Tiff => raster::read_tiff(bytes, info_only, name),
        Format::Bmp => raster::read_bmp(bytes, info_only, name),
        Format::Jpeg => raster::read_jpeg(bytes, info_only, name),
        Format::Vtk => vtk::read(bytes, info_only, name),
        Format::Iwi => iwi::read(bytes, info_only, name),
        Format::IwiZstd => iwi::read_zstd(bytes, info_only, name),
    }
}

/// Read `name` only if it is in `format` (ITK-Wasm's per-format readers): `None` when
/// it is not, an error when it is but cannot be read.
pub fn read_as(
    format: Format,
    name: &str,
    bytes: &[u8],
    companion: Option<&[u8]>,
    info_only: bool,
) -> Result<Option<Image>, Failure> {
    match detect(name, bytes) {
        Ok(f) if f == format => read(name, bytes, companion, info_only).map(Some),
        _ => Ok(None),
    }
}

/// Write `image` in `format` (ITK-Wasm's per-format writers): `None` when the format
/// cannot hold it (JPEG, or a pixel type or dimension the format lacks).
pub fn write_as(
    format: Format,
    image: &Image,
    name: &str,
    info_only: bool,
    compress: bool,
) -> Result<Option<Files>, Failure> {
    image.validate()?;
    match write_format(format, image, name, info_only, compress) {
        Ok(files) => Ok(Some(files)),
        Err(f) if f.code == Code::Unsupported => Ok(None),
        Err(f) => Err(f),
    }
}

/// Files to write: (file name, bytes), the named file first.
pub type Files = Vec<(String, Vec<u8>)>;

/// The files to write for `name`, in the format its extension names.
pub fn write(image: &Image, name: &str, info_only: bool, compress: bool) -> Result<Files, Failure> {
    image.validate()?;
    let format = by_extension(name).ok_or_else(|| {
        Failure::new(Code::Unsupported, format!("{name}: cannot tell the format from the extension (use {SUPPORTED})"))
    })?;
    write_format(format, image, name, info_only, compress)
}

fn write_format(format: Format, image: &Image, name: &str, info_only: bool, compress: bool) -> Result<Files, Failure> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let l = lower(name);
    Ok(match format {
        Format::Nrrd if l.ends_with(".nhdr") => {
            let data_name = format!("{stem}.{}", if compress { "raw.gz" } else { "raw" });
            let (h, d) = nrrd::write(image, Some(&data_name), info_only, compress)?;
            let mut files = vec![(name.to_string(), h)];
            if let Some(d) = d {
                files.push((data_name, d));
            }
            files
        }
        Format::Nrrd => vec![(name.to_string(), nrrd::write(image, None, info_only, compress)?.0)],
        Format::MetaImage if l.ends_with(".mhd") => {
            let data_name = format!("{stem}.{}", if compress { "zraw" } else { "raw" });
            let (h, d) = metaimage::write(image, Some(&data_name), info_only, compress)?;
            let mut files = vec![(name.to_string(), h)];
            if let Some(d) = d {
                files.push((data_name, d));
            }
            files
        }
        Format::MetaImage => vec![(name.to_string(), metaimage::write(image, None, info_only, compress)?.0)],
        Format::Nifti if l.ends_with(".hdr") => {
            return Err(Failure::new(
                Code::Unsupported,
                "writing .hdr/.img pairs is not supported; use .nii or .nii.gz",
            ))
        }
        Format::Nifti => vec![(name.to_string(), nifti::write(image, info_only, compress || l.ends_with(".gz"))?)],
        Format::Witk => vec![(name.to_string(), witk::write(image, info_only, compress)?)],
        Format::Png => vec![(name.to_string(), raster::write_png(image, compress)?)],
        Format::Tiff => vec![(name.to_string(), raster::write_tiff(image, compress)?)],
        Format::Bmp => vec![(name.to_string(), raster::write_bmp(image)?)],
        Format::Vtk => vec![(name.to_string(), vtk::write(image, info_only)?)],
        Format::Iwi => vec![(name.to_string(), iwi::write(image, info_only)?)],
        Format::IwiZstd => vec![(name.to_string(), iwi::write_zstd(image, info_only)?)],
        Format::Jpeg => {
            return Err(Failure::new(
                Code::Unsupported,
                format!("{name}: JPEG is lossy; witk reads it but does not write it"),
            ))
        }
    })
}
