//! Raw pixels straight from the file. For an uncompressed NRRD, MetaImage or NIfTI file
//! (`raw-pixel-layout` says which), the component reads only the header, from the
//! file's first MiB, and the host reads the pixels from the file into the result: one
//! buffer in memory, the result, and one pass over the file, as a native reader does.
//! Every other file (compressed, text, rescaled, cast on reading) goes to the component
//! whole, and so does one whose pixels the header's layout does not account for: the
//! component then reports the problem as it always does.

use super::ImageIo;
use crate::buffers;
use crate::error::Result;
use crate::files::{file_name, open_companion, read_exact_at, read_header, write_all};
use crate::pipelines::types::witk::types::spatial::{BinaryFile, Image};
use std::path::{Path, PathBuf};

/// Where a raw file's companion (a detached header's data file) comes from.
pub(super) enum Companions<'a> {
    /// Already read (the bindings resolve and read them).
    Read(&'a [BinaryFile]),
    /// Opened here under the host's confinement rule, with these extra allowed folders.
    Open(&'a [PathBuf]),
}

impl ImageIo {
    /// The image at `path` with its pixels read by the host, if they are raw; `None` if
    /// the component must read the file.
    pub(super) fn read_raw(&self, path: &Path, companions: Companions<'_>) -> Result<Option<Image>> {
        let (header, mut file, size) = read_header(path)?;
        let Ok((true, data_file, offset, big_endian)) = self.raw_pixel_layout(&header) else {
            return Ok(None);
        };
        // The header alone: no companion is needed for the metadata.
        let Ok(mut image) = self.read_image(&header, &[], true, None, None) else {
            return Ok(None);
        };
        let components = u64::from(image.image_type.components.max(1));
        let value_bytes = witk_spatial::ComponentType::from(image.image_type.component_type).size() as u64;
        let Some(nbytes) = image.size.iter().try_fold(components * value_bytes, |n, &s| n.checked_mul(s)) else {
            return Ok(None);
        };
        // Where the pixels are, checked to hold them all before anything is allocated.
        enum Source<'f> {
            Main,
            Bytes(&'f [u8]),
            File(std::fs::File, PathBuf),
        }
        let fits = |len: u64| offset.checked_add(nbytes).is_some_and(|end| end <= len);
        let source = if data_file.is_empty() || data_file == header.path {
            if !fits(size) {
                return Ok(None);
            }
            Source::Main
        } else {
            match companions {
                Companions::Read(read) => {
                    let base = Path::new(&data_file).file_name().map(|n| n.to_string_lossy().into_owned());
                    let Some(c) = read.iter().find(|c| Some(&c.path) == base.as_ref()) else {
                        return Ok(None);
                    };
                    if !fits(c.data.len() as u64) {
                        return Ok(None);
                    }
                    Source::Bytes(&c.data[offset as usize..(offset + nbytes) as usize])
                }
                Companions::Open(allowed_roots) => {
                    let (_, companion, real) = open_companion("image-io", path, &data_file, allowed_roots)?;
                    if !fits(companion.metadata().map_or(0, |m| m.len())) {
                        return Ok(None);
                    }
                    Source::File(companion, real)
                }
            }
        };
        let mut data = buffers::zeros(image.image_type.component_type, (nbytes / value_bytes) as usize, "image-io")?;
        let pixels = buffers::as_bytes_mut(&mut data);
        match source {
            Source::Main => read_exact_at(&mut file, path, offset, pixels)?,
            Source::Bytes(bytes) => pixels.copy_from_slice(bytes),
            Source::File(mut companion, real) => read_exact_at(&mut companion, &real, offset, pixels)?,
        }
        if big_endian {
            buffers::swap_bytes(&mut data);
        }
        image.data = Some(data);
        crate::validate::image("read-image", &image)?;
        Ok(Some(image))
    }
}

impl ImageIo {
    /// Write `image` to `path` with its pixels written by the host from the image's own
    /// buffer, if the format stores them raw: the component writes the header alone (an
    /// information-only write), `raw-pixel-layout` says where the pixels go, and they go
    /// there unchanged (little-endian, as witk's writers store them). Returns false, having
    /// written nothing, for anything else, which the component writes whole (and checks).
    pub(super) fn write_raw(&self, image: &Image, path: &Path) -> Result<bool> {
        let Some(data) = &image.data else { return Ok(false) };
        let components = u64::from(image.image_type.components.max(1));
        let values = image.size.iter().try_fold(components, |n, &s| n.checked_mul(s));
        // A buffer of the wrong length (or type) is the component's error to report.
        let same_type = witk_spatial::ComponentType::from(image.image_type.component_type).size()
            == buffers::bytes(data) / buffers::values(data).max(1);
        if values != Some(buffers::values(data) as u64) || !same_type {
            return Ok(false);
        }
        let name = file_name(path);
        let header_only = Image { buffered_region: image.buffered_region.clone(), ..crate::regions::header(image) };
        let Ok(files) = self.write_image(&header_only, &name, true, false) else { return Ok(false) };
        let [header] = files.as_slice() else { return Ok(false) };
        let Ok((true, data_file, offset, false)) = self.raw_pixel_layout(header) else { return Ok(false) };
        let pixels = buffers::as_bytes(data);
        let parts: Vec<(PathBuf, Vec<&[u8]>)> = if data_file.is_empty() || data_file == name {
            // The pixels follow the header in its file.
            if offset != header.data.len() as u64 {
                return Ok(false);
            }
            vec![(path.to_path_buf(), vec![&header.data, pixels])]
        } else {
            // A detached header: the data file beside it holds the pixels alone.
            let Some(base) = Path::new(&data_file).file_name().filter(|b| **b == *data_file) else {
                return Ok(false);
            };
            if offset != 0 {
                return Ok(false);
            }
            let folder = path.parent().unwrap_or(Path::new(""));
            vec![(path.to_path_buf(), vec![&header.data]), (folder.join(base), vec![pixels])]
        };
        for (target, chunks) in parts {
            write_all(&target, &chunks)?;
        }
        Ok(true)
    }
}
