//! Paths for image-io: the host reads an image file and the companion files its header
//! names (data files of `.nhdr`, `.mhd`, `.hdr`), and writes every file the component
//! returns; the component itself never touches the file system. Companion files must be
//! regular files inside the header's folder (after following symlinks), unless a caller
//! allows other folders explicitly with [`ImageIo::read_path_allowing`].

use super::ImageIo;
use crate::error::Result;
use crate::files::{read_with_companions, write_binary_files};
use crate::pipelines::types::witk::types::spatial::{ComponentType, Image, PixelType};
use std::path::{Path, PathBuf};

impl crate::pipelines::Setup for ImageIo {}

impl ImageIo {
    /// Read an image file, with any companion file its header names. Companions must be
    /// regular files inside the header's folder (after following symlinks); any other is
    /// an `invalid-argument` error naming it.
    pub fn read_path(
        &self,
        path: &Path,
        information_only: bool,
        pixel_type: Option<PixelType>,
        component_type: Option<ComponentType>,
    ) -> Result<Image> {
        self.read_path_allowing(path, information_only, pixel_type, component_type, &[])
    }

    /// [`read_path`](Self::read_path), also allowing companion files inside the folders
    /// `allowed_roots` (after following symlinks); they must still be regular files.
    pub fn read_path_allowing(
        &self,
        path: &Path,
        information_only: bool,
        pixel_type: Option<PixelType>,
        component_type: Option<ComponentType>,
        allowed_roots: &[PathBuf],
    ) -> Result<Image> {
        let (main, companions) =
            read_with_companions("image-io", path, allowed_roots, |header| self.companion_files(header))?;
        self.read_image(&main, &companions, information_only, pixel_type, component_type)
    }

    /// Write an image in the format `path`'s extension names (plus any companion file).
    pub fn write_path(&self, image: &Image, path: &Path, information_only: bool, use_compression: bool) -> Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let files = self.write_image(image, &name, information_only, use_compression)?;
        write_binary_files(path, &files)
    }
}
