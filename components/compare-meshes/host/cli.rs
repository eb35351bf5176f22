//! `witk compare-meshes`: meshes read (and difference meshes written) by mesh-io;
//! ITK-Wasm's metrics printed as JSON; exit status 1 when not almost equal.

use super::{
    CompareMeshes, DEFAULT_CELL_DATA_DIFFERENCE_THRESHOLD, DEFAULT_NUMBER_OF_CELL_DATA_TOLERANCE,
    DEFAULT_NUMBER_OF_DIFFERENT_POINTS_TOLERANCE, DEFAULT_NUMBER_OF_POINT_DATA_TOLERANCE,
    DEFAULT_POINTS_DIFFERENCE_THRESHOLD, DEFAULT_POINT_DATA_DIFFERENCE_THRESHOLD,
};
use crate::cli::{print_json, Context};
use crate::error::Result;
use crate::pipelines::mesh_io::MeshIo;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// compare-meshes: compare a test mesh with baseline meshes (regression testing);
    /// print the metrics as JSON, exit 0 if almost equal and 1 if not
    CompareMeshes(Args),
}

#[derive(clap::Args)]
pub struct Args {
    /// Squared distance for points to be considered different
    #[arg(long, value_name = "D", default_value_t = DEFAULT_POINTS_DIFFERENCE_THRESHOLD)]
    points_difference_threshold: f64,
    /// Number of points that can differ before the test fails
    #[arg(long, value_name = "N", default_value_t = DEFAULT_NUMBER_OF_DIFFERENT_POINTS_TOLERANCE)]
    number_of_different_points_tolerance: u64,
    /// Difference for point data to be considered different
    #[arg(long, value_name = "D", default_value_t = DEFAULT_POINT_DATA_DIFFERENCE_THRESHOLD)]
    point_data_difference_threshold: f64,
    /// Number of point data that can differ before the test fails
    #[arg(long, value_name = "N", default_value_t = DEFAULT_NUMBER_OF_POINT_DATA_TOLERANCE)]
    number_of_point_data_tolerance: u64,
    /// Difference for cell data to be considered different
    #[arg(long, value_name = "D", default_value_t = DEFAULT_CELL_DATA_DIFFERENCE_THRESHOLD)]
    cell_data_difference_threshold: f64,
    /// Number of cell data that can differ before the test fails
    #[arg(long, value_name = "N", default_value_t = DEFAULT_NUMBER_OF_CELL_DATA_TOLERANCE)]
    number_of_cell_data_tolerance: u64,
    /// Write the test mesh with each point's squared distance as point data to this file
    #[arg(long, value_name = "FILE")]
    points_difference_mesh: Option<PathBuf>,
    /// The mesh to test (any format mesh-io reads)
    test_mesh: PathBuf,
    /// The baseline meshes; the metrics are for the closest
    #[arg(required = true)]
    baseline_meshes: Vec<PathBuf>,
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::CompareMeshes(a) = self;
        let pipeline: CompareMeshes = ctx.pipeline()?;
        let io: MeshIo = ctx.builtin()?;
        let test = io.read_mesh_file(&a.test_mesh, false)?;
        let baselines = a.baseline_meshes.iter().map(|p| io.read_mesh_file(p, false)).collect::<Result<Vec<_>>>()?;
        let (m, points, _, _) = pipeline.compare_meshes(
            &test,
            &baselines,
            a.points_difference_threshold,
            a.number_of_different_points_tolerance,
            a.point_data_difference_threshold,
            a.number_of_point_data_tolerance,
            a.cell_data_difference_threshold,
            a.number_of_cell_data_tolerance,
        )?;
        if let Some(path) = &a.points_difference_mesh {
            io.write_mesh_to_path(&points, path, false, false, true)?;
        }
        let data = |d: &super::DataMetrics| {
            serde_json::json!({
                "numberWithDifferences": d.number_with_differences,
                "minimumDifference": d.minimum_difference,
                "maximumDifference": d.maximum_difference,
            })
        };
        print_json(&serde_json::json!({
            "almostEqual": m.almost_equal,
            "points": {
                "sameNumber": m.points.same_number,
                "numberWithDifferences": m.points.number_with_differences,
                "minimumDifference": m.points.minimum_difference,
                "maximumDifference": m.points.maximum_difference,
                "meanDifference": m.points.mean_difference,
            },
            "cells": {
                "sameTypes": m.cells.same_types,
                "numberOfDifferentTypes": m.cells.number_of_different_types,
                "samePoints": m.cells.same_points,
                "numberOfDifferentPoints": m.cells.number_of_different_points,
            },
            "pointData": data(&m.point_data),
            "cellData": data(&m.cell_data),
            "bestBaselineIndex": m.best_baseline_index,
        }))?;
        Ok(if m.almost_equal { ExitCode::SUCCESS } else { ExitCode::from(1) })
    }
}
