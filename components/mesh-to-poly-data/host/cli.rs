//! `witk mesh-to-poly-data`: a mesh file (read by mesh-io) as the poly data vtk.js and
//! PyVista would get, summarized as JSON.

use super::MeshToPolyData;
use crate::cli::{print_json, Context};
use crate::error::Result;
use crate::pipelines::mesh_io::MeshIo;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// mesh-to-poly-data: convert a mesh file to VTK poly data; print its points, cells
    /// per section and data as JSON
    MeshToPolyData {
        /// The mesh (any format mesh-io reads)
        input: PathBuf,
    },
}

/// The number of cells in a `[n, ids...]` connectivity array.
fn cells(connectivity: &Option<Vec<u32>>) -> u64 {
    let (mut at, mut n) = (0usize, 0u64);
    let c = connectivity.as_deref().unwrap_or_default();
    while at < c.len() {
        at += 1 + c[at] as usize;
        n += 1;
    }
    n
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::MeshToPolyData { input } = self;
        let pipeline: MeshToPolyData = ctx.pipeline()?;
        let io: MeshIo = ctx.builtin()?;
        let p = pipeline.mesh_to_poly_data(&io.read_mesh_file(&input, false)?)?;
        print_json(&serde_json::json!({
            "name": p.name,
            "numberOfPoints": p.number_of_points,
            "vertices": cells(&p.vertices),
            "lines": cells(&p.lines),
            "polygons": cells(&p.polygons),
            "triangleStrips": cells(&p.triangle_strips),
            "numberOfPointPixels": p.number_of_point_pixels,
            "numberOfCellPixels": p.number_of_cell_pixels,
        }))?;
        Ok(ExitCode::SUCCESS)
    }
}
