//! Paths for image-io: the host reads an image file and the companion files its header
//! names (data files of `.nhdr`, `.mhd`, `.hdr`), and writes every file the component
//! returns; the component itself never touches the file system.

use super::ImageIo;
use crate::error::{Error, Result};
use crate::files::{read_binary_file, write_binary_files, HEADER_BYTES};
use crate::pipelines::types::witk::types::spatial::{BinaryFile, ComponentType, Image, PixelType};
use std::path::Path;

impl crate::pipelines::Setup for ImageIo {}

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
