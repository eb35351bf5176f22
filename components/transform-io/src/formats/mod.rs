//! Format detection and dispatch.

pub mod hdf5;
pub mod iwt;
pub mod mat;
pub mod txt;
pub mod xfm;

use crate::model::{check_list, Code, Failure, Transform};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Hdf5,
    Mat,
    Mnc,
    Txt,
    Iwt,
    IwtZstd,
}

pub const ALL: [Format; 6] = [Format::Hdf5, Format::Txt, Format::Mnc, Format::Iwt, Format::IwtZstd, Format::Mat];

impl Format {
    pub fn itk_wasm_name(self) -> &'static str {
        match self {
            Format::Hdf5 => "hdf5",
            Format::Mat => "mat",
            Format::Mnc => "mnc",
            Format::Txt => "txt",
            Format::Iwt => "wasm",
            Format::IwtZstd => "wasm-zstd",
        }
    }

    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Hdf5 => &[".h5", ".hdf5"],
            Format::Mat => &[".mat"],
            Format::Mnc => &[".xfm"],
            Format::Txt => &[".txt", ".tfm"],
            Format::Iwt => &[".iwt.cbor", ".iwt"],
            Format::IwtZstd => &[".iwt.cbor.zst"],
        }
    }

    pub fn sniff(self, b: &[u8]) -> bool {
        match self {
            // HDF5 files may have a user block: the signature is at 0, 512, 1024, ...
            Format::Hdf5 => [0usize, 512, 1024, 2048].iter().any(|&at| b.get(at..at + 8) == Some(hdf5::MAGIC)),
            Format::Txt => b.trim_ascii_start().starts_with(txt::MAGIC),
            Format::Mnc => b.trim_ascii_start().starts_with(xfm::MAGIC),
            Format::Iwt => iwt::looks_like(b),
            Format::IwtZstd => b.starts_with(witk_cbor::zstd_io::ZSTD_MAGIC),
            Format::Mat => mat::looks_like(b),
        }
    }

    fn named(self, lower: &str) -> bool {
        self.extensions().iter().any(|e| lower.ends_with(e))
    }

    pub fn read(self, b: &[u8], float: bool) -> Result<Vec<Transform>, Failure> {
        let list = match self {
            Format::Hdf5 => hdf5::read(b)?,
            Format::Mat => mat::read(b)?,
            Format::Mnc => xfm::read(b)?,
            Format::Txt => txt::read(b)?,
            Format::Iwt => iwt::read(b)?,
            Format::IwtZstd => iwt::read_zstd(b)?,
        };
        check_list(&list)
            .map_err(|f| Failure::new(Code::InvalidData, format!("{}: {}", self.itk_wasm_name(), f.message)))?;
        // ITK-Wasm's readers give float64 parameters, or float32 with float-parameters,
        // whatever the file stores.
        Ok(list.into_iter().map(|t| t.normalized().with_precision(float)).collect())
    }

    pub fn write(self, list: &[Transform], float: bool, compression: bool) -> Result<Vec<u8>, Failure> {
        check_list(list)?;
        if list.is_empty() {
            return Err(Failure::new(Code::InvalidArgument, "an empty transform list"));
        }
        match self {
            Format::Hdf5 => hdf5::write(list, float, compression),
            Format::Mat => mat::write(list, float),
            Format::Mnc => xfm::write(list),
            Format::Txt => txt::write(list, float),
            Format::Iwt => iwt::write(list, float),
            Format::IwtZstd => iwt::write_zstd(list, float),
        }
    }
}

fn supported() -> String {
    ALL.iter().flat_map(|f| f.extensions().iter().copied()).collect::<Vec<_>>().join(" ")
}

fn by_extension(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    ALL.iter()
        .filter_map(|f| {
            f.extensions().iter().filter(|e| lower.ends_with(*e)).map(|e| (e.len(), *f)).max_by_key(|x| x.0)
        })
        .max_by_key(|x| x.0)
        .map(|x| x.1)
}

/// By magic bytes first, else by extension.
pub fn detect(name: &str, b: &[u8]) -> Result<Format, Failure> {
    ALL.iter().find(|f| f.sniff(b)).copied().or_else(|| by_extension(name)).ok_or_else(|| {
        Failure::new(Code::Unsupported, format!("{name}: not a transform format witk reads ({})", supported()))
    })
}

pub fn read(name: &str, b: &[u8], float: bool) -> Result<Vec<Transform>, Failure> {
    detect(name, b)?.read(b, float)
}

/// ITK-Wasm's per-format readers: `None` when the file is not in this format.
pub fn read_as(format: Format, name: &str, b: &[u8], float: bool) -> Result<Option<Vec<Transform>>, Failure> {
    let other = ALL.iter().any(|f| *f != format && f.sniff(b));
    if format.sniff(b) || (!other && format.named(&name.to_ascii_lowercase())) {
        format.read(b, float).map(Some)
    } else {
        Ok(None)
    }
}

pub fn write(list: &[Transform], name: &str, float: bool, compression: bool) -> Result<Vec<u8>, Failure> {
    let format = by_extension(name).ok_or_else(|| {
        Failure::new(Code::Unsupported, format!("{name}: no transform format has this extension ({})", supported()))
    })?;
    format.write(list, float, compression)
}
