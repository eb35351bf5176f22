//! `witk transform-io convert|info`.

use super::TransformIo;
use crate::cli::{print_json, Context};
use crate::error::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// transform-io: convert between transform formats, or print a file's transforms
    #[command(subcommand)]
    TransformIo(Command),
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Read INPUT and write OUTPUT in the format OUTPUT's extension names (.h5 .hdf5
    /// .txt .tfm .mat .xfm .iwt.cbor .iwt.cbor.zst)
    Convert {
        /// Write float (not double) parameters
        #[arg(long)]
        float_parameters: bool,
        /// Compress the output where the format allows (HDF5's deflate)
        #[arg(long)]
        use_compression: bool,
        input: PathBuf,
        output: PathBuf,
    },
    /// Print a transform file's transforms as JSON: type, dimensions, parameters
    Info { input: PathBuf },
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::TransformIo(command) = self;
        let pipeline: TransformIo = ctx.pipeline()?;
        match command {
            Command::Convert { float_parameters, use_compression, input, output } => {
                let list = pipeline.read_transform_path(&input, false)?;
                pipeline.write_transform_to_path(&list, &output, float_parameters, use_compression)?;
            }
            Command::Info { input } => {
                let list = pipeline.read_transform_path(&input, false)?;
                let json: Vec<serde_json::Value> = list
                    .iter()
                    .map(|t| {
                        let ty = &t.transform_type;
                        serde_json::json!({
                            "transformType": {
                                "transformParameterization":
                                    witk_spatial::Parameterization::from(ty.transform_parameterization).name(),
                                "parametersValueType": witk_spatial::ComponentType::from(ty.parameters_value_type).name(),
                                "inputDimension": ty.input_dimension,
                                "outputDimension": ty.output_dimension,
                            },
                            "numberOfFixedParameters": t.number_of_fixed_parameters,
                            "numberOfParameters": t.number_of_parameters,
                            "fixedParameters": t.fixed_parameters,
                        })
                    })
                    .collect();
                print_json(&serde_json::Value::Array(json))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
