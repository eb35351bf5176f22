//! `witk mesh-io convert|info`.

use super::MeshIo;
use crate::cli::{print_json, Context};
use crate::error::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// mesh-io: convert between mesh formats, or print a mesh's counts and types
    #[command(subcommand)]
    MeshIo(Command),
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Read INPUT and write OUTPUT in the format OUTPUT's extension names (.vtk .vtp .gii
    /// .stl .obj .off .ply .byu .fsa .fsb .mz3 .swc .iwm.cbor .iwm.cbor.zst)
    Convert {
        /// Write the binary variant of the format (VTK, VTP, STL, PLY)
        #[arg(long)]
        binary_file_type: bool,
        /// Compress the output where the format allows (MZ3's gzip, GIFTI's and VTP's zlib)
        #[arg(long)]
        use_compression: bool,
        input: PathBuf,
        output: PathBuf,
    },
    /// Print a mesh file's type and counts as JSON, without reading its buffers
    Info { input: PathBuf },
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::MeshIo(command) = self;
        let pipeline: MeshIo = ctx.pipeline()?;
        match command {
            Command::Convert { binary_file_type, use_compression, input, output } => {
                let mesh = pipeline.read_mesh_file(&input, false)?;
                pipeline.write_mesh_to_path(&mesh, &output, false, use_compression, binary_file_type)?;
            }
            Command::Info { input } => {
                let m = pipeline.read_mesh_file(&input, true)?;
                let t = &m.mesh_type;
                let ct = |c| witk_spatial::ComponentType::from(c).name();
                let pt = |p| witk_spatial::PixelType::from(p).name();
                print_json(&serde_json::json!({
                    "meshType": {
                        "dimension": t.dimension,
                        "pointComponentType": ct(t.point_component_type),
                        "pointPixelComponentType": ct(t.point_pixel_component_type),
                        "pointPixelType": pt(t.point_pixel_type),
                        "pointPixelComponents": t.point_pixel_components,
                        "cellComponentType": ct(t.cell_component_type),
                        "cellPixelComponentType": ct(t.cell_pixel_component_type),
                        "cellPixelType": pt(t.cell_pixel_type),
                        "cellPixelComponents": t.cell_pixel_components,
                    },
                    "name": m.name,
                    "numberOfPoints": m.number_of_points,
                    "numberOfPointPixels": m.number_of_point_pixels,
                    "numberOfCells": m.number_of_cells,
                    "numberOfCellPixels": m.number_of_cell_pixels,
                    "cellBufferSize": m.cell_buffer_size,
                }))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
