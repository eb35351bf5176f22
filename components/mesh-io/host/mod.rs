//! Paths for mesh-io: the host reads a mesh file with the companion files it names (a
//! GIFTI surface's external data files, confined to its folder as image-io's are) and
//! writes the files the component returns (the generated `*_path` and `*_to_path`
//! methods); the component never touches the file system.

use super::MeshIo;
use crate::error::Result;
use crate::files::read_with_companions;
use crate::pipelines::types::witk::types::spatial::Mesh;
use std::path::Path;

impl crate::pipelines::Setup for MeshIo {}

impl MeshIo {
    /// Read the mesh file at `path` (format by its bytes, else its extension), with any
    /// companion file it names; those must be regular files inside its folder. (The
    /// generated `read_mesh_path` takes companions the caller resolved.)
    pub fn read_mesh_file(&self, path: &Path, information_only: bool) -> Result<Mesh> {
        let (main, companions) = read_with_companions("mesh-io", path, &[], |h| self.companion_files(h))?;
        self.read_mesh(&main, &companions, information_only)
    }
}
