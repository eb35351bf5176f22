//! `witk dicom tags|series`.

use super::Dicom;
use crate::cli::{print_json, Context};
use crate::error::Result;
use crate::pipelines::image_io::ImageIo;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// dicom: print a DICOM file's tags, or read a DICOM series into any image format
    #[command(subcommand)]
    Dicom(Command),
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the tags of a DICOM file as JSON: {"gggg|eeee": value, ...}
    Tags {
        /// Only this tag (gggg|eeee; repeat for more)
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        input: PathBuf,
    },
    /// Read a DICOM series (files, or folders of them) and write it as OUTPUT, in the
    /// format its extension names (.nrrd .nii.gz .mha ...); print the files in slice order
    Series {
        /// The files are one series, already sorted: keep their order
        #[arg(long)]
        single_sorted_series: bool,
        /// Compress the output's pixel data where the format allows
        #[arg(long)]
        use_compression: bool,
        /// DICOM files or folders
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        output: PathBuf,
    },
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let Cli::Dicom(command) = self;
        let pipeline: Dicom = ctx.pipeline()?;
        match command {
            Command::Tags { tags, input } => {
                let wanted = (!tags.is_empty()).then_some(tags);
                let pairs = pipeline.read_dicom_tags_path(&input, wanted.as_deref())?;
                let map: serde_json::Map<String, serde_json::Value> =
                    pairs.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
                print_json(&serde_json::Value::Object(map))?;
            }
            Command::Series { single_sorted_series, use_compression, inputs, output } => {
                let (image, sorted) = pipeline.read_series_paths(&inputs, single_sorted_series)?;
                let io: ImageIo = ctx.builtin()?;
                io.write_path(&image, &output, false, use_compression)?;
                let names: Vec<String> = sorted.iter().map(|p| p.display().to_string()).collect();
                print_json(&serde_json::json!({ "output": output.display().to_string(), "sortedFilenames": names }))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
