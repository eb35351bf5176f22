//! `witk compare-images`: images read (and difference images written) by image-io;
//! ITK-Wasm's metrics printed as JSON; exit status 1 when not almost equal.

use super::{
    CompareImages, ParallelCompare, DEFAULT_DIFFERENCE_THRESHOLD, DEFAULT_NUMBER_OF_PIXELS_TOLERANCE,
    DEFAULT_RADIUS_TOLERANCE, DEFAULT_SPATIAL_TOLERANCE,
};
use crate::cli::{print_json, Context};
use crate::error::Result;
use crate::pipelines::image_io::ImageIo;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// compare-images: compare a test image with baseline images (regression testing);
    /// print the metrics as JSON, exit 0 if almost equal and 1 if not
    CompareImages(Args),
}

#[derive(clap::Args)]
pub struct Args {
    /// Intensity difference for pixels to be considered different
    #[arg(long, short = 'd', value_name = "D", default_value_t = DEFAULT_DIFFERENCE_THRESHOLD)]
    difference_threshold: f64,
    /// Radius of the neighborhood around a pixel to search for similar intensity values
    #[arg(long, short = 'r', value_name = "PIXELS", default_value_t = DEFAULT_RADIUS_TOLERANCE)]
    radius_tolerance: u32,
    /// Number of pixels that can be different before the test fails
    #[arg(long, short = 'n', value_name = "N", default_value_t = DEFAULT_NUMBER_OF_PIXELS_TOLERANCE)]
    number_of_pixels_tolerance: u64,
    /// Ignore pixels within the radius of the image edge
    #[arg(long, short = 'i')]
    ignore_boundary_pixels: bool,
    /// Tolerance for origin and spacing (times the first spacing) and direction
    #[arg(long, value_name = "T", default_value_t = DEFAULT_SPATIAL_TOLERANCE)]
    spatial_tolerance: f64,
    /// Write the absolute difference image (float64) to this file
    #[arg(long, value_name = "FILE")]
    difference_image: Option<PathBuf>,
    /// Write the 8-bit rendering of the difference's middle slice to this file (.png, ...)
    #[arg(long, value_name = "FILE")]
    difference_uchar_image: Option<PathBuf>,
    /// The image to test (any format image-io reads)
    test_image: PathBuf,
    /// The baseline images; the metrics are for the closest
    #[arg(required = true)]
    baseline_images: Vec<PathBuf>,
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::CompareImages(a) = self;
        // Large images in slabs on every core (the same result as one call).
        let pipeline = ParallelCompare::new(ctx.pipeline::<CompareImages>()?);
        let io: ImageIo = ctx.builtin()?;
        let test = io.read_path(&a.test_image, false, None, None)?;
        let baselines =
            a.baseline_images.iter().map(|p| io.read_path(p, false, None, None)).collect::<Result<Vec<_>>>()?;
        let (m, difference, uchar) = pipeline.compare_images(
            &test,
            &baselines,
            a.difference_threshold,
            a.radius_tolerance,
            a.number_of_pixels_tolerance,
            a.ignore_boundary_pixels,
            a.spatial_tolerance,
        )?;
        if let Some(path) = &a.difference_image {
            io.write_path(&difference, path, false, false)?;
        }
        if let Some(path) = &a.difference_uchar_image {
            io.write_path(&uchar, path, false, false)?;
        }
        // ITK-Wasm's keys; an infinite difference (a NaN pixel against a number) is null.
        print_json(&serde_json::json!({
            "almostEqual": m.almost_equal,
            "numberOfPixelsWithDifferences": m.number_of_pixels_with_differences,
            "minimumDifference": m.minimum_difference,
            "maximumDifference": m.maximum_difference,
            "totalDifference": m.total_difference,
            "meanDifference": m.mean_difference,
            "bestBaselineIndex": m.best_baseline_index,
        }))?;
        Ok(if m.almost_equal { ExitCode::SUCCESS } else { ExitCode::from(1) })
    }
}
