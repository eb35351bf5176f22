//! Paths for the dicom pipeline: the host reads the files (or every file of a folder)
//! and hands them to the component, which never touches the file system.

use super::Dicom;
use crate::error::{Error, Result};
use crate::files::read_binary_file;
use crate::pipelines::types::witk::types::spatial::{BinaryFile, Image};
use std::path::{Path, PathBuf};

impl crate::pipelines::Setup for Dicom {}

/// `paths`, with each folder replaced by the regular files in it (not its subfolders),
/// sorted by name: a series folder as a scanner writes it.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let io = |p: &Path, source| Error::Io { path: p.display().to_string(), source };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

impl Dicom {
    /// The tags of the DICOM file at `path` (see [`Dicom::read_dicom_tags`]).
    pub fn read_dicom_tags_path(&self, path: &Path, tags: Option<&[String]>) -> Result<Vec<(String, String)>> {
        self.read_dicom_tags(&read_binary_file(path)?, tags)
    }

    /// The series in the files (or folders of files) `paths`, and the files in slice
    /// order (their paths as given).
    pub fn read_series_paths(&self, paths: &[PathBuf], single_sorted_series: bool) -> Result<(Image, Vec<PathBuf>)> {
        let files = expand(paths)?;
        // Each file goes to the component under its path as given (it only names it in
        // messages and in the sorted list), so names that repeat in folders stay apart.
        let inputs = files
            .iter()
            .map(|p| Ok(BinaryFile { path: p.display().to_string(), data: read_binary_file(p)?.data }))
            .collect::<Result<Vec<_>>>()?;
        let (image, sorted) = self.read_image_dicom_file_series(&inputs, single_sorted_series)?;
        drop(inputs);
        let sorted = sorted.into_iter().map(PathBuf::from).collect();
        Ok((image, sorted))
    }
}
