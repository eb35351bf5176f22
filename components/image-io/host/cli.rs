//! `witk image-io convert|info`.

use super::ImageIo;
use crate::cli::{print_json, Context};
use crate::error::{Error, ErrorCode, Result};
use crate::pipelines::types::witk::types::spatial::ComponentType;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// image-io: convert between image formats, or print an image's header
    #[command(subcommand)]
    ImageIo(Command),
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Read INPUT and write OUTPUT in the format OUTPUT's extension names (.nrrd .nhdr
    /// .mha .mhd .nii .nii.gz .vtk .png .tif .bmp .witk .iwi.cbor .iwi.cbor.zst)
    Convert {
        /// Compress the output's pixel data (gzip, zlib) where the format allows
        #[arg(long)]
        use_compression: bool,
        /// Cast pixel components to this type (int8 ... uint64, float32, float64)
        #[arg(long, value_name = "TYPE")]
        component_type: Option<String>,
        #[command(flatten)]
        companions: Companions,
        input: PathBuf,
        output: PathBuf,
    },
    /// Print an image file's type and geometry as JSON, without reading its pixels
    Info {
        #[command(flatten)]
        companions: Companions,
        input: PathBuf,
    },
}

#[derive(clap::Args)]
pub struct Companions {
    /// Also read companion files (a header's data file) from this folder; by default only
    /// the header's own folder is allowed
    #[arg(long = "allow-companions-in", value_name = "DIR")]
    roots: Vec<PathBuf>,
}

fn component_type(name: &str) -> Result<ComponentType> {
    let known = witk_spatial::ComponentType::from_name(name).ok_or_else(|| Error::Pipeline {
        pipeline: "image-io".into(),
        code: ErrorCode::InvalidArgument,
        message: format!("unknown component type '{name}'; use one of int8 ... uint64, float32, float64"),
    })?;
    Ok(known.into())
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::ImageIo(command) = self;
        let pipeline: ImageIo = ctx.pipeline()?;
        match command {
            Command::Convert { use_compression, component_type: ct, companions, input, output } => {
                let ct = ct.as_deref().map(component_type).transpose()?;
                let image = pipeline.read_path_allowing(&input, false, None, ct, &companions.roots)?;
                pipeline.write_path(&image, &output, false, use_compression)?;
            }
            Command::Info { companions, input } => {
                let image = pipeline.read_path_allowing(&input, true, None, None, &companions.roots)?;
                let t = &image.image_type;
                print_json(&serde_json::json!({
                    "imageType": {
                        "dimension": t.dimension,
                        "componentType": witk_spatial::ComponentType::from(t.component_type).name(),
                        "pixelType": witk_spatial::PixelType::from(t.pixel_type).name(),
                        "components": t.components,
                    },
                    "name": image.name,
                    "origin": image.origin,
                    "spacing": image.spacing,
                    "direction": image.direction,
                    "size": image.size,
                }))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
