//! Paths for transform-io: the host reads a transform file and writes the file the
//! component returns; the component itself never touches the file system.

use super::TransformIo;
use crate::error::Result;
use crate::files::{read_binary_file, write_binary_files};
use crate::pipelines::types::witk::types::spatial::Transform;
use std::path::Path;

impl crate::pipelines::Setup for TransformIo {}

impl TransformIo {
    /// Read the transform file at `path` (format by its bytes, else its extension).
    pub fn read_transform_path(&self, path: &Path, float_parameters: bool) -> Result<Vec<Transform>> {
        self.read_transform(&read_binary_file(path)?, float_parameters)
    }

    /// Write `transforms` to `path` in the format its extension names.
    pub fn write_transform_path(
        &self,
        transforms: &[Transform],
        path: &Path,
        float_parameters: bool,
        use_compression: bool,
    ) -> Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let files = self.write_transform(transforms, &name, float_parameters, use_compression)?;
        write_binary_files(path, &files)
    }
}
