//! Format detection and dispatch: each format is a module with `read(bytes, info_only)`
//! and `write(mesh, &Options)`; this table names them, their extensions and magic.

pub mod byu;
pub mod freesurfer;
pub mod gifti;
pub mod iwm;
pub mod mz3;
pub mod obj;
pub mod off;
pub mod ply;
pub mod stl;
pub mod swc;
pub mod vtk;
pub mod vtp;
pub mod xml;

use crate::model::{Code, Failure, Mesh};

/// How to write: ITK-Wasm's `information-only`, `use-compression`, `binary-file-type`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub info_only: bool,
    pub compression: bool,
    pub binary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Vtk,
    Vtp,
    Gifti,
    Byu,
    FreeSurferAscii,
    FreeSurferBinary,
    Mz3,
    Obj,
    Off,
    Ply,
    Stl,
    Swc,
    Iwm,
    IwmZstd,
}

/// Every format, in the order content sniffing and the extensionless fallback try them:
/// magic bytes first, binary STL (recognised by its size alone: 84 + 50 x triangles) after
/// them, so an 84-byte MZ3 is not taken for an empty STL (found by fuzzing).
pub const ALL: [Format; 14] = [
    Format::Iwm,
    Format::IwmZstd,
    Format::Vtk,
    Format::Vtp,
    Format::Gifti,
    Format::Ply,
    Format::Off,
    Format::Mz3,
    Format::FreeSurferBinary,
    Format::FreeSurferAscii,
    Format::Stl,
    Format::Obj,
    Format::Byu,
    Format::Swc,
];

/// The formats that hold point sets (ITK-Wasm's `*-read-point-set`, and PLY).
pub const POINT_SET_FORMATS: [Format; 8] =
    [Format::Vtk, Format::Vtp, Format::Mz3, Format::Obj, Format::Off, Format::Ply, Format::Iwm, Format::IwmZstd];

impl Format {
    /// ITK-Wasm's name for the format, the prefix of its per-format functions.
    pub fn itk_wasm_name(self) -> &'static str {
        match self {
            Format::Vtk => "vtk-poly-data",
            Format::Vtp => "vtk-xml-poly-data",
            Format::Gifti => "gifti",
            Format::Byu => "byu",
            Format::FreeSurferAscii => "free-surfer-ascii",
            Format::FreeSurferBinary => "free-surfer-binary",
            Format::Mz3 => "mz3",
            Format::Obj => "obj",
            Format::Off => "off",
            Format::Ply => "ply",
            Format::Stl => "stl",
            Format::Swc => "swc",
            Format::Iwm => "wasm",
            Format::IwmZstd => "wasm-zstd",
        }
    }

    /// File name endings (lowercase), longest first where one ends another.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Vtk => &[".vtk"],
            Format::Vtp => &[".vtp"],
            Format::Gifti => &[".gii"],
            Format::Byu => &[".byu", ".g"],
            Format::FreeSurferAscii => &[".fsa", ".asc"],
            Format::FreeSurferBinary => &[".fsb"],
            Format::Mz3 => &[".mz3"],
            Format::Obj => &[".obj"],
            Format::Off => &[".off"],
            Format::Ply => &[".ply"],
            Format::Stl => &[".stl"],
            Format::Swc => &[".swc"],
            Format::Iwm => &[".iwm.cbor", ".iwm"],
            Format::IwmZstd => &[".iwm.cbor.zst"],
        }
    }

    /// Whether the bytes carry this format's magic (formats without one: never).
    pub fn sniff(self, b: &[u8]) -> bool {
        let text =
            |magic: &[u8]| b.trim_ascii_start().get(..magic.len()).is_some_and(|s| s.eq_ignore_ascii_case(magic));
        match self {
            Format::Vtk => b.starts_with(b"# vtk DataFile"),
            Format::Vtp => vtp::looks_like(b),
            Format::Gifti => gifti::looks_like(b),
            Format::Ply => b.starts_with(b"ply\n") || b.starts_with(b"ply\r\n"),
            Format::Stl => stl::is_binary(b) || text(b"solid") && stl::looks_ascii(b),
            Format::Off => off::looks_like(b),
            Format::Mz3 => mz3::looks_like(b),
            Format::FreeSurferBinary => b.starts_with(&freesurfer::TRIANGLE_MAGIC),
            Format::FreeSurferAscii => b.starts_with(b"#!ascii"),
            Format::Iwm => iwm::looks_like(b),
            Format::IwmZstd => b.starts_with(witk_cbor::zstd_io::ZSTD_MAGIC),
            Format::Obj | Format::Byu | Format::Swc => false,
        }
    }

    fn named(self, lower_name: &str) -> bool {
        self.extensions().iter().any(|e| lower_name.ends_with(e))
    }

    fn read(self, bytes: &[u8], companions: &Companions, info_only: bool) -> Result<Mesh, Failure> {
        let mesh = match self {
            Format::Vtk => vtk::read(bytes)?,
            Format::Vtp => vtp::read(bytes)?,
            Format::Gifti => gifti::read(bytes, companions)?,
            Format::Byu => byu::read(bytes)?,
            Format::FreeSurferAscii => freesurfer::read_ascii(bytes)?,
            Format::FreeSurferBinary => freesurfer::read_binary(bytes)?,
            Format::Mz3 => mz3::read(bytes)?,
            Format::Obj => obj::read(bytes)?,
            Format::Off => off::read(bytes)?,
            Format::Ply => ply::read(bytes)?,
            Format::Stl => stl::read(bytes)?,
            Format::Swc => swc::read(bytes)?,
            Format::Iwm => iwm::read(bytes, info_only)?,
            Format::IwmZstd => iwm::read_zstd(bytes, info_only)?,
        };
        // Every reader builds a consistent mesh; this is the guarantee callers rely on.
        mesh.check().map_err(|m| Failure::new(Code::InvalidData, format!("{}: {m}", self.itk_wasm_name())))?;
        Ok(if info_only { mesh.header_only() } else { mesh })
    }

    fn write(self, mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
        if o.info_only && !matches!(self, Format::Iwm | Format::IwmZstd) {
            return Err(Failure::new(
                Code::Unsupported,
                format!("{}: information-only files are .iwm.cbor and .iwm.cbor.zst only", self.itk_wasm_name()),
            ));
        }
        if !o.info_only && mesh.is_header_only() {
            return Err(Failure::new(
                Code::InvalidArgument,
                "the mesh has no point or cell buffers (it was read information-only)",
            ));
        }
        match self {
            Format::Vtk => vtk::write(mesh, o),
            Format::Vtp => vtp::write(mesh, o),
            Format::Gifti => gifti::write(mesh, o),
            Format::Byu => byu::write(mesh),
            Format::FreeSurferAscii => freesurfer::write_ascii(mesh),
            Format::FreeSurferBinary => freesurfer::write_binary(mesh),
            Format::Mz3 => mz3::write(mesh, o),
            Format::Obj => obj::write(mesh),
            Format::Off => off::write(mesh),
            Format::Ply => ply::write(mesh, o),
            Format::Stl => stl::write(mesh, o),
            Format::Swc => swc::write(mesh),
            Format::Iwm => iwm::write(mesh, o.info_only),
            Format::IwmZstd => iwm::write_zstd(mesh, o.info_only),
        }
    }
}

fn lower(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn supported() -> String {
    ALL.iter().flat_map(|f| f.extensions().iter().copied()).collect::<Vec<_>>().join(" ")
}

/// By magic bytes first (a misnamed file still reads), else by extension (the longest
/// matching ending: `mesh.v2.vtk` is VTK, `a.iwm.cbor.zst` zstd).
pub fn detect(name: &str, bytes: &[u8]) -> Result<Format, Failure> {
    if let Some(f) = ALL.iter().find(|f| f.sniff(bytes)) {
        return Ok(*f);
    }
    by_extension(name).ok_or_else(|| {
        Failure::new(
            Code::Unsupported,
            format!("{name}: not a mesh format witk reads (by content or extension: {})", supported()),
        )
    })
}

fn by_extension(name: &str) -> Option<Format> {
    let name = lower(name);
    ALL.iter()
        .filter_map(|f| {
            f.extensions().iter().filter(|e| name.ends_with(*e)).map(|e| (e.len(), *f)).max_by_key(|(l, _)| *l)
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, f)| f)
}

/// Companion files (a GIFTI surface's external data files), each under the name its
/// header gives it (a base name is enough: they are matched by base name).
pub type Companions<'a> = [(&'a str, &'a [u8])];

/// Read a mesh in whatever format it is.
pub fn read(name: &str, bytes: &[u8], info_only: bool) -> Result<Mesh, Failure> {
    read_with(name, bytes, &[], info_only)
}

/// [`read`], with the companion files [`companions`] named.
pub fn read_with(name: &str, bytes: &[u8], companions: &Companions, info_only: bool) -> Result<Mesh, Failure> {
    detect(name, bytes)?.read(bytes, companions, info_only)
}

/// The companion files a mesh file names (relative to it), for the binding to read.
pub fn companions(name: &str, bytes: &[u8]) -> Result<Vec<String>, Failure> {
    match detect(name, bytes)? {
        Format::Gifti => gifti::external_files(bytes),
        _ => Ok(Vec::new()),
    }
}

/// ITK-Wasm's per-format readers: `None` when the file is not in this format (neither
/// its magic nor, for formats without one, its name says so).
pub fn read_as(format: Format, name: &str, bytes: &[u8], info_only: bool) -> Result<Option<Mesh>, Failure> {
    read_as_with(format, name, bytes, &[], info_only)
}

/// [`read_as`], with companion files.
pub fn read_as_with(
    format: Format,
    name: &str,
    bytes: &[u8],
    companions: &Companions,
    info_only: bool,
) -> Result<Option<Mesh>, Failure> {
    let other_magic = ALL.iter().any(|f| *f != format && f.sniff(bytes));
    if format.sniff(bytes) || (!other_magic && format.named(&lower(name))) {
        format.read(bytes, companions, info_only).map(Some)
    } else {
        Ok(None)
    }
}

/// Write a mesh in the format its file name says.
pub fn write(mesh: &Mesh, name: &str, o: &Options) -> Result<Vec<u8>, Failure> {
    let format = by_extension(name).ok_or_else(|| {
        Failure::new(
            Code::Unsupported,
            format!("{name}: no mesh format has this extension (witk writes {})", supported()),
        )
    })?;
    format.write(mesh, o)
}

/// ITK-Wasm's per-format writers: the bytes, written whatever the file is named.
pub fn write_as(format: Format, mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
    format.write(mesh, o)
}

/// Cells a format that holds only polygons (or triangles) cannot take: the first one.
pub fn only_polygons(mesh: &Mesh, format: &str) -> Result<(), Failure> {
    use crate::model::cell;
    let mut index = 0u64;
    mesh.each_cell(|kind, _| {
        if !matches!(kind, cell::TRIANGLE | cell::QUADRILATERAL | cell::POLYGON) {
            return Err(format!("{format} holds polygons only: cell {index} has ITK cell type {kind}"));
        }
        index += 1;
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))
}

/// Cells a format that holds only triangles of 3-D points cannot take: the first one.
pub fn only_triangles(mesh: &Mesh, format: &str) -> Result<(), Failure> {
    only_polygons(mesh, format)?;
    let mut index = 0u64;
    mesh.each_cell(|_, ids| {
        if ids.len() != 3 {
            return Err(format!("{format} holds triangles only: cell {index} has {} points", ids.len()));
        }
        index += 1;
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))?;
    if mesh.dimension != 3 {
        return Err(Failure::new(
            Code::Unsupported,
            format!("{format} holds 3-D surfaces; the mesh is {}-D", mesh.dimension),
        ));
    }
    Ok(())
}
