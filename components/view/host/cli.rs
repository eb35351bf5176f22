//! `witk view FILE --out PNG`: a picture of an image or a mesh for a quick look on a
//! headless machine or in a CI report: an image's orthogonal slices (or projections), or
//! a mesh's surface; read by image-io (else mesh-io), written by image-io.
//!
//! `witk view FILE... --open`: the browser viewer on those files instead. It is served by
//! witk's Python package (`python -m witk.viewing`, the server `witk.view` uses), which
//! carries the viewer and its npm packages in its wheels: one server, with one rule for
//! what it may serve, rather than a second copy of both in this binary.

use super::View;
use crate::cli::Context;
use crate::error::{Error, Result};
use crate::pipelines::image_io::ImageIo;
use crate::pipelines::mesh_io::MeshIo;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// view: write a picture of an image (its orthogonal middle slices side by side:
    /// axial, coronal, sagittal; or one plane, windowed to 8 bits) or of a mesh (its surface)
    View(Args),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Axis {
    X,
    Y,
    Z,
}

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the picture (.png, or any format image-io writes RGB to)
    #[arg(long, short = 'o', value_name = "FILE", default_value = "slices.png")]
    out: PathBuf,
    /// Window width, in pixel values (default: the 0.5th to 99.5th percentile range)
    #[arg(long, value_name = "W")]
    window: Option<f64>,
    /// Window centre, in pixel values (default: the middle of that range)
    #[arg(long, value_name = "L")]
    level: Option<f64>,
    /// Show only the plane normal to this axis (z: axial, y: coronal, x: sagittal)
    #[arg(long, value_enum)]
    axis: Option<Axis>,
    /// The slice shown along each plane's normal (default: the middle one)
    #[arg(long, value_name = "N")]
    slice: Option<u64>,
    /// Maximum-intensity projections instead of slices
    #[arg(long)]
    mip: bool,
    /// Show integer labels in distinct colours instead of windowing
    #[arg(long)]
    labels: bool,
    /// A mesh's picture width, in pixels
    #[arg(long, value_name = "PIXELS", default_value_t = 384)]
    width: u32,
    /// A mesh's picture height, in pixels
    #[arg(long, value_name = "PIXELS", default_value_t = 384)]
    height: u32,
    /// Turn a mesh about the vertical axis, in degrees
    #[arg(long, value_name = "DEGREES", default_value_t = 0.0, allow_negative_numbers = true)]
    yaw: f64,
    /// Then about the horizontal axis, in degrees
    #[arg(long, value_name = "DEGREES", default_value_t = 0.0, allow_negative_numbers = true)]
    pitch: f64,
    /// Open the files in the browser viewer instead of writing a picture: served on
    /// 127.0.0.1 until interrupted, by witk's Python package (the interpreter is
    /// $WITK_PYTHON, else python3); the address is printed when no browser opens
    #[arg(long)]
    open: bool,
    /// With --open: the port to serve on (default: a free one)
    #[arg(long, value_name = "PORT", requires = "open")]
    port: Option<u16>,
    /// The image (any format image-io reads) or mesh (any format mesh-io reads)
    input: PathBuf,
    /// With --open: more files to show with it (a mesh over the image, DICOM files)
    #[arg(requires = "open")]
    more: Vec<PathBuf>,
}

/// `python -m witk.viewing FILES`: it serves until interrupted.
fn open_viewer(a: &Args) -> Result<ExitCode> {
    let mut args: Vec<std::ffi::OsString> = vec![a.input.clone().into()];
    args.extend(a.more.iter().map(|p| p.clone().into()));
    if let Some(port) = a.port {
        args.extend(["--port".into(), port.to_string().into()]);
    }
    crate::cli::python_module("witk view --open", "witk.viewing", args)
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::View(a) = self;
        if a.open {
            return open_viewer(&a);
        }
        let view: View = ctx.pipeline()?;
        let io: ImageIo = ctx.builtin()?;
        let picture = match io.read_path(&a.input, false, None, None) {
            Ok(image) => {
                let axis = a.axis.map(|x| x as u32);
                view.render_slices(&image, axis, a.slice, a.window, a.level, a.mip, a.labels)?
            }
            // Not an image: a mesh, if mesh-io reads it (a .vtk can be either).
            Err(image_error @ Error::Pipeline { .. }) => {
                let meshes: MeshIo = ctx.builtin()?;
                let mesh = meshes.read_mesh_file(&a.input, false).map_err(|_| image_error)?;
                view.render_mesh(&mesh, a.width, a.height, a.yaw, a.pitch)?
            }
            Err(other) => return Err(other),
        };
        io.write_path(&picture, &a.out, false, false)?;
        eprintln!("{}: {}x{} pixels", a.out.display(), picture.size[0], picture.size[1]);
        Ok(ExitCode::SUCCESS)
    }
}
