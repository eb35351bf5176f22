//! `witk compress-stringify` and `witk parse-string-decompress`: files (or stdin/stdout)
//! in and out.

use super::{CompressStringify, DEFAULT_COMPRESSION_LEVEL, DEFAULT_DATA_URL_PREFIX};
use crate::cli::{read_input, write_output, Context};
use crate::error::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// compress-stringify: Zstandard-compress a file, optionally as a base64 data URL
    CompressStringify {
        /// Output a base64 data URL instead of the binary frame
        #[arg(long)]
        stringify: bool,
        /// Zstandard compression level (negative fast levels to 22)
        #[arg(long, short = 'l', visible_alias = "compression-level", default_value_t = DEFAULT_COMPRESSION_LEVEL, allow_negative_numbers = true)]
        level: i32,
        /// Prefix of the data URL
        #[arg(long, default_value = DEFAULT_DATA_URL_PREFIX)]
        data_url_prefix: String,
        /// File to compress, or - for stdin
        input: PathBuf,
        /// Where to write the result, or - for stdout
        output: PathBuf,
    },
    /// parse-string-decompress: decompress Zstandard data, optionally from a data URL
    ParseStringDecompress {
        /// Parse a data URL or base64 text first
        #[arg(long)]
        parse_string: bool,
        /// File to decompress, or - for stdin
        input: PathBuf,
        /// Where to write the result, or - for stdout
        output: PathBuf,
    },
}

impl Cli {
    pub fn run(self, ctx: &Context) -> Result<ExitCode> {
        let pipeline: CompressStringify = ctx.pipeline()?;
        match self {
            Cli::CompressStringify { stringify, level, data_url_prefix, input, output } => {
                let data = read_input(&input)?;
                write_output(&output, &pipeline.compress_stringify(&data, stringify, level, &data_url_prefix)?)?;
            }
            Cli::ParseStringDecompress { parse_string, input, output } => {
                let data = read_input(&input)?;
                write_output(&output, &pipeline.parse_string_decompress(&data, parse_string)?)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
