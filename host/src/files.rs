//! Files for components that take `binary-file`s: the host reads inputs (and the
//! companion files a detached header names) and writes what the component returns; no
//! component touches the file system.

use crate::error::{Error, ErrorCode, Result};
use crate::pipelines::types::witk::types::spatial::BinaryFile;
use std::path::{Path, PathBuf};

/// Enough of a file for a component to parse any header witk reads (companion names).
pub const HEADER_BYTES: usize = 1 << 20;

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.display().to_string(), source }
}

/// The name a component knows the file at `path` by: its file name, without folders.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// A file as a component receives it: its name (without folders) and bytes.
pub fn read_binary_file(path: &Path) -> Result<BinaryFile> {
    let data = std::fs::read(path).map_err(|e| io(path, e))?;
    Ok(BinaryFile { path: file_name(path), data })
}

/// Files given as a list (a DICOM series), each named by its path as given (results that
/// list them name them as the caller did).
pub fn read_named_files(paths: &[std::path::PathBuf]) -> Result<Vec<BinaryFile>> {
    paths
        .iter()
        .map(|p| Ok(BinaryFile { path: p.display().to_string(), data: std::fs::read(p).map_err(|e| io(p, e))? }))
        .collect()
}

/// The file at `path` and the companion files it names, read for `pipeline`'s component:
/// `companion_files` (the component's own function) is given the file's first
/// [`HEADER_BYTES`] (headers name companions, data do not), and the whole file only if
/// it could not tell from them; each companion is read by [`read_companion`]'s rule.
pub fn read_with_companions(
    pipeline: &str,
    path: &Path,
    allowed_roots: &[PathBuf],
    companion_files: impl Fn(&BinaryFile) -> Result<Vec<String>>,
) -> Result<(BinaryFile, Vec<BinaryFile>)> {
    let main = read_binary_file(path)?;
    let header = BinaryFile { path: main.path.clone(), data: main.data[..main.data.len().min(HEADER_BYTES)].to_vec() };
    let names = match companion_files(&header) {
        Err(Error::Pipeline { .. }) if header.data.len() < main.data.len() => companion_files(&main)?,
        other => other?,
    };
    let companions =
        names.iter().map(|name| read_companion(pipeline, path, name, allowed_roots)).collect::<Result<Vec<_>>>()?;
    Ok((main, companions))
}

/// A companion file that `header` names (a detached header's data file), read for
/// `pipeline`'s component under witk's confinement rule: after following symlinks the
/// file must be inside the header's folder, or inside one of `allowed_roots` (which the
/// caller opts into explicitly), and it must be a regular file (no FIFO, device or
/// folder). Anything else is an `invalid-argument` [`Error::Pipeline`] naming `name`
/// as the header wrote it; a companion that does not exist is an [`Error::Io`].
///
/// The component gets the file under the base name of `name` (what its header says),
/// not that of a symlink's target.
pub fn read_companion(pipeline: &str, header: &Path, name: &str, allowed_roots: &[PathBuf]) -> Result<BinaryFile> {
    let (base, mut file, real) = open_companion(pipeline, header, name, allowed_roots)?;
    let mut data = Vec::with_capacity(file.metadata().map_or(0, |m| m.len() as usize));
    std::io::Read::read_to_end(&mut file, &mut data).map_err(|e| io(&real, e))?;
    Ok(BinaryFile { path: base, data })
}

/// The companion file `name` that `header` names, opened under [`read_companion`]'s rule
/// for a caller that reads only part of it: its base name, the open file and the path
/// it resolved to (for messages).
pub fn open_companion(
    pipeline: &str,
    header: &Path,
    name: &str,
    allowed_roots: &[PathBuf],
) -> Result<(String, std::fs::File, PathBuf)> {
    let refuse = |why: String| Error::Pipeline {
        pipeline: pipeline.to_string(),
        code: ErrorCode::InvalidArgument,
        message: format!("{} names the companion file '{name}', {why}", header.display()),
    };
    let parent = header.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let folder = std::fs::canonicalize(parent).map_err(|e| io(parent, e))?;
    let target = parent.join(name); // an absolute `name` replaces the folder
    let real = std::fs::canonicalize(&target).map_err(|e| io(&target, e))?;
    let inside = real.starts_with(&folder)
        || allowed_roots.iter().filter_map(|r| std::fs::canonicalize(r).ok()).any(|r| real.starts_with(r));
    if !inside {
        let via = if real == target { String::new() } else { format!(" (it resolves to {})", real.display()) };
        return Err(refuse(format!(
            "which is outside the header's folder {}{via}; companion files must be inside it, or in a folder \
             allowed explicitly",
            folder.display()
        )));
    }
    // Look before opening: opening a FIFO would block until a writer came.
    let meta = std::fs::metadata(&real).map_err(|e| io(&real, e))?;
    if !meta.is_file() {
        return Err(refuse(format!("which is not a regular file ({})", kind(&meta.file_type()))));
    }
    // Opening the canonical path means no symlink is followed any more, but a folder on
    // it could still be swapped between the check and the open (a residual TOCTOU race
    // that only cap-std-style `openat` confinement would close); the opened file is
    // checked again to be the regular file that was looked at.
    let file = std::fs::File::open(&real).map_err(|e| io(&real, e))?;
    let opened = file.metadata().map_err(|e| io(&real, e))?;
    if !opened.is_file() || !same_file(&meta, &opened) {
        return Err(refuse("which changed while it was being opened".into()));
    }
    let base = Path::new(name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok((base, file, real))
}

/// The first [`HEADER_BYTES`] of the file at `path` (named by its file name, as
/// [`read_binary_file`] names it), the open file, and its size.
pub fn read_header(path: &Path) -> Result<(BinaryFile, std::fs::File, u64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let size = file.metadata().map_err(|e| io(path, e))?.len();
    let mut data = Vec::with_capacity(HEADER_BYTES.min(size as usize));
    (&mut file).take(HEADER_BYTES as u64).read_to_end(&mut data).map_err(|e| io(path, e))?;
    Ok((BinaryFile { path: file_name(path), data }, file, size))
}

/// Fill `out` from `file` at byte `offset` (a read error names `path`).
pub fn read_exact_at(file: &mut std::fs::File, path: &Path, offset: u64, out: &mut [u8]) -> Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset)).and_then(|_| file.read_exact(out)).map_err(|e| io(path, e))
}

fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a plain file"
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// Write `chunks` one after the other as the file at `path`.
pub fn write_all(path: &Path, chunks: &[&[u8]]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path).map_err(|e| io(path, e))?;
    chunks.iter().try_for_each(|c| file.write_all(c)).map_err(|e| io(path, e))
}

/// Write a component's output files: the first at `path`, the others beside it.
pub fn write_binary_files(path: &Path, files: &[BinaryFile]) -> Result<()> {
    let folder = path.parent().unwrap_or(Path::new(""));
    for (i, f) in files.iter().enumerate() {
        let target =
            if i == 0 { path.to_path_buf() } else { folder.join(Path::new(&f.path).file_name().unwrap_or_default()) };
        std::fs::write(&target, &f.data).map_err(|e| io(&target, e))?;
    }
    Ok(())
}
