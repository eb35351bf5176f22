//! Paths for image-io: the host reads an image file and the companion files its header
//! names (data files of `.nhdr`, `.mhd`, `.hdr`), and writes every file the component
//! returns; the component itself never touches the file system. Companion files must be
//! regular files inside the header's folder (after following symlinks), unless a caller
//! allows other folders explicitly with [`ImageIo::read_path_allowing`].
//!
//! Raw pixels (`raw.rs`) are read by the host straight into the result, and written
//! from the image's buffer.

mod raw;

use super::{overrides, ImageIo, ReadImagePathFn, WriteImageToPathFn};
use crate::error::Result;
use crate::files::{file_name, read_binary_file, read_with_companions, write_binary_files};
use crate::pipelines::types::witk::types::spatial::{BinaryFile, ComponentType, Image, PixelType};
use crate::Runtime;
use raw::Companions;
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl crate::pipelines::Setup for ImageIo {
    /// A file the bindings give by path (with the companions they resolved) has its raw
    /// pixels read by the host; one they write to a path, written by it.
    fn setup(&self, runtime: &Runtime) {
        let p = self.clone();
        let f: ReadImagePathFn = Arc::new(move |path, companions, info, pixel, ctype| {
            p.read_path_given(path, companions, info, pixel, ctype)
        });
        runtime.overrides().register(overrides::READ_IMAGE_PATH, f);
        let p = self.clone();
        let f: WriteImageToPathFn =
            Arc::new(move |image, path, info, compress| p.write_path(image, path, info, compress));
        runtime.overrides().register(overrides::WRITE_IMAGE_TO_PATH, f);
    }
}

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
        if !information_only && pixel_type.is_none() && component_type.is_none() {
            if let Some(image) = self.read_raw(path, Companions::Open(allowed_roots))? {
                return Ok(image);
            }
        }
        let (main, companions) =
            read_with_companions("image-io", path, allowed_roots, |header| self.companion_files(header))?;
        self.read_image(&main, &companions, information_only, pixel_type, component_type)
    }

    /// `read-image` of the file at `path` with the companions a binding resolved and read.
    fn read_path_given(
        &self,
        path: &Path,
        companions: &[BinaryFile],
        information_only: bool,
        pixel_type: Option<PixelType>,
        component_type: Option<ComponentType>,
    ) -> Result<Image> {
        if !information_only && pixel_type.is_none() && component_type.is_none() {
            if let Some(image) = self.read_raw(path, Companions::Read(companions))? {
                return Ok(image);
            }
        }
        self.read_image(&read_binary_file(path)?, companions, information_only, pixel_type, component_type)
    }

    /// Write an image in the format `path`'s extension names (plus any companion file).
    /// Raw pixels are written by the host from the image's buffer (`raw.rs`).
    pub fn write_path(&self, image: &Image, path: &Path, information_only: bool, use_compression: bool) -> Result<()> {
        if !information_only && !use_compression && self.write_raw(image, path)? {
            return Ok(());
        }
        let files = self.write_image(image, &file_name(path), information_only, use_compression)?;
        write_binary_files(path, &files)
    }
}
