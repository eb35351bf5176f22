//! Paths for mesh-io: the host reads a mesh file with the companion files it names (a
//! GIFTI surface's external data files, confined to its folder as image-io's are) and
//! writes the files the component returns; the component never touches the file system.

use super::MeshIo;
use crate::error::Result;
use crate::files::{read_binary_file, read_with_companions, write_binary_files};
use crate::pipelines::types::witk::types::spatial::{Mesh, PointSet};
use std::path::Path;

impl crate::pipelines::Setup for MeshIo {}

/// The file name the component sees: the format comes from its extension.
fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

impl MeshIo {
    /// Read the mesh file at `path` (format by its bytes, else its extension), with any
    /// companion file it names; those must be regular files inside its folder.
    pub fn read_mesh_path(&self, path: &Path, information_only: bool) -> Result<Mesh> {
        let (main, companions) = read_with_companions("mesh-io", path, &[], |h| self.companion_files(h))?;
        self.read_mesh(&main, &companions, information_only)
    }

    /// Write `mesh` to `path` in the format its extension names.
    pub fn write_mesh_path(
        &self,
        mesh: &Mesh,
        path: &Path,
        information_only: bool,
        use_compression: bool,
        binary_file_type: bool,
    ) -> Result<()> {
        let files = self.write_mesh(mesh, &file_name(path), information_only, use_compression, binary_file_type)?;
        write_binary_files(path, &files)
    }

    /// Read the point set file at `path`.
    pub fn read_point_set_path(&self, path: &Path, information_only: bool) -> Result<PointSet> {
        self.read_point_set(&read_binary_file(path)?, information_only)
    }

    /// Write `point_set` to `path` in the format its extension names.
    pub fn write_point_set_path(
        &self,
        point_set: &PointSet,
        path: &Path,
        information_only: bool,
        use_compression: bool,
        binary_file_type: bool,
    ) -> Result<()> {
        let name = file_name(path);
        let files = self.write_point_set(point_set, &name, information_only, use_compression, binary_file_type)?;
        write_binary_files(path, &files)
    }
}
