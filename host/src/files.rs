//! Files for components that take `binary-file`s: the host reads inputs (and the
//! companion files a detached header names) and writes what the component returns; no
//! component touches the file system.

use crate::error::{Error, Result};
use crate::pipelines::image_io::ImageIo;
use crate::pipelines::types::witk::types::spatial::{BinaryFile, ComponentType, Image, PixelType};
use std::path::Path;

/// Enough of a file for companion-files to parse any header witk reads.
const HEADER_BYTES: usize = 1 << 20;

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

impl ImageIo {
    /// Read an image file, with any companion file its header names.
    pub fn read_path(
        &self,
        path: &Path,
        information_only: bool,
        pixel_type: Option<PixelType>,
        component_type: Option<ComponentType>,
    ) -> Result<Image> {
        let main = read_binary_file(path)?;
        let folder = path.parent().unwrap_or(Path::new(""));
        // A header is all companion-files needs; the pixels need not cross into the guest twice.
        let header =
            BinaryFile { path: main.path.clone(), data: main.data[..main.data.len().min(HEADER_BYTES)].to_vec() };
        let names = match self.companion_files(&header) {
            Err(Error::Pipeline { .. }) if header.data.len() < main.data.len() => self.companion_files(&main)?,
            other => other?,
        };
        let companions = names.iter().map(|name| read_binary_file(&folder.join(name))).collect::<Result<Vec<_>>>()?;
        self.read_image(&main, &companions, information_only, pixel_type, component_type)
    }

    /// Write an image in the format `path`'s extension names (plus any companion file).
    pub fn write_path(&self, image: &Image, path: &Path, information_only: bool, use_compression: bool) -> Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let files = self.write_image(image, &name, information_only, use_compression)?;
        write_binary_files(path, &files)
    }
}
