//! The `witk downsample*` verbs: read an image with image-io, downsample it on every
//! core, write the result. And `witk ngff`: an OME-Zarr pyramid of an image, written by
//! witk's Python package (`witk.ngff`, on this pipeline through dask), where the Zarr
//! ecosystem's writers are, rather than a second OME-Zarr writer in this binary.

use super::{Downsample, ParallelDownsample};
use crate::cli::Context;
use crate::error::Result;
use crate::pipelines::image_io::ImageIo;
use crate::pipelines::types::witk::types::spatial::Image;
use crate::regions::Splits;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// downsample: Gaussian anti-aliasing, then subsampling (ITK-Wasm's downsample)
    Downsample(DownsampleArgs),
    /// downsample-bin-shrink: subsample by averaging shrink-factor blocks
    DownsampleBinShrink(BinShrinkArgs),
    /// downsample-label-image: subsample a label image by voting of local labels
    DownsampleLabelImage(DownsampleArgs),
    /// ngff: an OME-Zarr (OME-NGFF 0.4 or 0.5) multiscale pyramid of an image, chunk by
    /// chunk on every core with a progress bar: ngff-zarr's ITKWASM_* pyramids, by
    /// witk.ngff (runs `python -m witk.ngff`: $WITK_PYTHON, else python3)
    Ngff(NgffArgs),
}

/// Options of `witk ngff`.
#[derive(Args)]
pub struct NgffArgs {
    /// Each level's scale factor from the first, for every spatial axis (2,4,8)
    #[arg(long, short = 's', value_name = "LIST", value_delimiter = ',', required = true)]
    scale_factors: Vec<u32>,
    /// How each level is computed
    #[arg(long, value_enum, default_value_t = NgffMethod::Gaussian)]
    method: NgffMethod,
    /// OME-NGFF version: 0.4 (Zarr v2) or 0.5 (Zarr v3)
    #[arg(long = "ngff-version", value_name = "VERSION", default_value = "0.4", value_parser = ["0.4", "0.5"])]
    ngff_version: String,
    /// Chunk side, in pixels [default: 128 in 3-D, 256 in 2-D]
    #[arg(long, value_name = "N")]
    chunks: Option<u32>,
    /// With --ngff-version 0.5: chunks per shard side (sharded arrays)
    #[arg(long, value_name = "N")]
    chunks_per_shard: Option<u32>,
    /// Write an image whose direction is not the identity (OME-NGFF has no rotation)
    #[arg(long)]
    ignore_direction: bool,
    /// No progress bar
    #[arg(long)]
    quiet: bool,
    /// Image file to read (any format image-io reads; raw NRRD, MetaImage and NIfTI of any size, mapped)
    input: PathBuf,
    /// The OME-Zarr store to write (a folder, usually NAME.ome.zarr)
    output: PathBuf,
}

/// `witk ngff --method`: witk.ngff's names.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum NgffMethod {
    /// Gaussian anti-aliasing, then subsampling (ngff-zarr's ITKWASM_GAUSSIAN)
    Gaussian,
    /// The mean of shrink-factor blocks (ITKWASM_BIN_SHRINK)
    BinShrink,
    /// Label voting: never a new label (ITKWASM_LABEL_IMAGE)
    Label,
}

impl NgffArgs {
    fn run(&self) -> Result<ExitCode> {
        let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let method = match self.method {
            NgffMethod::Gaussian => "gaussian",
            NgffMethod::BinShrink => "bin_shrink",
            NgffMethod::Label => "label",
        };
        let mut args: Vec<std::ffi::OsString> = vec![self.input.clone().into(), self.output.clone().into()];
        for (flag, value) in [
            ("--scale-factors", Some(list(&self.scale_factors))),
            ("--method", Some(method.to_string())),
            ("--version", Some(self.ngff_version.clone())),
            ("--chunks", self.chunks.map(|n| n.to_string())),
            ("--chunks-per-shard", self.chunks_per_shard.map(|n| n.to_string())),
        ] {
            if let Some(value) = value {
                args.extend([flag.into(), value.into()]);
            }
        }
        for (flag, on) in [("--ignore-direction", self.ignore_direction), ("--quiet", self.quiet)] {
            if on {
                args.push(flag.into());
            }
        }
        crate::cli::python_module("witk ngff", "witk.ngff", args)
    }
}

/// Options of `witk downsample` and `witk downsample-label-image`.
#[derive(Args)]
pub struct DownsampleArgs {
    /// Shrink factor per dimension, x first (2,2,1), or one factor for every dimension
    #[arg(long, short = 's', value_name = "LIST", value_delimiter = ',', required = true)]
    shrink_factors: Vec<u32>,
    /// Pixels to drop at both ends of each dimension, x first, or one value for every dimension
    #[arg(long, short = 'r', value_name = "LIST", value_delimiter = ',')]
    crop_radius: Option<Vec<u32>>,
    #[command(flatten)]
    common: Common,
}

/// Options of `witk downsample-bin-shrink`.
#[derive(Args)]
pub struct BinShrinkArgs {
    /// Shrink factor per dimension, x first (2,2,1), or one factor for every dimension
    #[arg(long, short = 's', value_name = "LIST", value_delimiter = ',', required = true)]
    shrink_factors: Vec<u32>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct Common {
    /// Compress the output's pixel data (gzip, zlib) where the format allows
    #[arg(long)]
    use_compression: bool,
    /// Threads to split a large image across [default: one per CPU]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Where to compute: `auto` on a hardware GPU when there is one (and
    /// WITK_ACCELERATORS is not `none`), `wgpu` on any GPU adapter, software ones
    /// included, `none` on the component. Without a usable GPU, the component computes.
    #[arg(long, value_enum, default_value_t = Accelerator::Auto)]
    accelerator: Accelerator,
    /// Image file to read (any format image-io reads)
    input: PathBuf,
    /// Where to write the result (the extension names the format)
    output: PathBuf,
}

/// `--accelerator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Accelerator {
    Auto,
    Wgpu,
    None,
}

/// One value per dimension: a single value is repeated.
fn per_axis(values: &[u32], dimension: usize) -> Vec<u32> {
    match values {
        [one] => vec![*one; dimension],
        many => many.to_vec(),
    }
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let (shrink, crop, common) = match &self {
            Cli::Downsample(a) | Cli::DownsampleLabelImage(a) => (&a.shrink_factors, a.crop_radius.as_ref(), &a.common),
            Cli::DownsampleBinShrink(a) => (&a.shrink_factors, None, &a.common),
            Cli::Ngff(a) => return a.run(),
        };
        let pipeline: Downsample = ctx.pipeline()?;
        let mut parallel = ParallelDownsample::new(pipeline);
        if let Some(n) = common.threads {
            parallel = parallel.with_threads(n);
        }
        let compute = accelerated(parallel, common.accelerator);
        let io: ImageIo = ctx.builtin()?;
        let image = io.read_path(&common.input, false, None, None)?;
        let d = image.size.len();
        let shrink = per_axis(shrink, d);
        let crop = crop.map(|c| per_axis(c, d));
        let result = match self {
            Cli::Downsample(_) => compute.downsample(&image, &shrink, crop.as_deref())?,
            Cli::DownsampleBinShrink(_) => compute.downsample_bin_shrink(&image, &shrink, false)?,
            Cli::DownsampleLabelImage(_) => compute.downsample_label_image(&image, &shrink, crop.as_deref())?,
            Cli::Ngff(_) => unreachable!("returned above"),
        };
        drop(image);
        io.write_path(&result, &common.output, false, common.use_compression)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// The downsample functions `--accelerator` asks for.
enum Compute {
    Component(ParallelDownsample),
    #[cfg(feature = "wgpu")]
    Gpu(super::gpu::GpuDownsample),
}

fn accelerated(parallel: ParallelDownsample, accelerator: Accelerator) -> Compute {
    #[cfg(feature = "wgpu")]
    {
        use super::gpu::{AdapterKind, GpuDownsample};
        let kind = match accelerator {
            Accelerator::None => return Compute::Component(parallel),
            Accelerator::Auto if std::env::var("WITK_ACCELERATORS").as_deref() == Ok("none") => {
                return Compute::Component(parallel)
            }
            Accelerator::Auto => AdapterKind::from_env(),
            Accelerator::Wgpu => AdapterKind::Any,
        };
        match GpuDownsample::new(parallel.clone(), kind) {
            Ok(g) => return Compute::Gpu(g),
            Err(e) if accelerator == Accelerator::Wgpu => eprintln!("witk: warning: {e}; computing on the CPU"),
            Err(e) => log::debug!(target: "witk::gpu", "{e}"),
        }
    }
    #[cfg(not(feature = "wgpu"))]
    if accelerator == Accelerator::Wgpu {
        eprintln!("witk: warning: this witk was built without the wgpu feature; computing on the CPU");
    }
    Compute::Component(parallel)
}

impl Compute {
    fn downsample(&self, input: &Image, shrink: &[u32], crop: Option<&[u32]>) -> Result<Image> {
        match self {
            Compute::Component(p) => p.downsample(input, shrink, crop),
            #[cfg(feature = "wgpu")]
            Compute::Gpu(g) => g.downsample(input, shrink, crop),
        }
    }

    fn downsample_bin_shrink(&self, input: &Image, shrink: &[u32], information_only: bool) -> Result<Image> {
        match self {
            Compute::Component(p) => p.downsample_bin_shrink(input, shrink, information_only),
            #[cfg(feature = "wgpu")]
            Compute::Gpu(g) => g.downsample_bin_shrink(input, shrink, information_only),
        }
    }

    fn downsample_label_image(&self, input: &Image, shrink: &[u32], crop: Option<&[u32]>) -> Result<Image> {
        match self {
            Compute::Component(p) => p.downsample_label_image(input, shrink, crop),
            #[cfg(feature = "wgpu")]
            Compute::Gpu(g) => g.downsample_label_image(input, shrink, crop),
        }
    }
}
