//! Files for components that take `binary-file`s: the host reads inputs (and the
//! companion files a detached header names) and writes what the component returns; no
//! component touches the file system.

use crate::error::{Error, Result};
use crate::pipelines::types::witk::types::spatial::BinaryFile;
use std::path::Path;

/// Enough of a file for a component to parse any header witk reads (companion names).
pub const HEADER_BYTES: usize = 1 << 20;

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.display().to_string(), source }
}

/// A file as a component receives it: its name (without folders) and bytes.
pub fn read_binary_file(path: &Path) -> Result<BinaryFile> {
    let data = std::fs::read(path).map_err(|e| io(path, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(BinaryFile { path: name, data })
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
