//! The `witk` command: run witk pipelines on files.

use clap::{Args, Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use witk::pipelines::compress_stringify::{self, CompressStringify};
use witk::{Error, Runtime, RuntimeConfig};

/// Universal spatial analysis as WebAssembly components.
///
/// Every pipeline runs in a sandboxed component with no file, network or environment
/// access; witk reads INPUT and writes OUTPUT for it. Use `-` for stdin/stdout.
#[derive(Parser)]
#[command(name = "witk", version)]
struct Cli {
    #[command(flatten)]
    runtime: RuntimeArgs,
    #[command(subcommand)]
    pipeline: Pipeline,
}

#[derive(Args)]
struct RuntimeArgs {
    /// Memory limit for the component, in MiB
    #[arg(long, global = true, value_name = "MIB", default_value_t = 4096)]
    memory_limit: u64,
    /// Stop a call after this many seconds
    #[arg(long, global = true, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Directory for compiled components [default: $WITK_CACHE_DIR or ~/.cache/witk]
    #[arg(long, global = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile components every time instead of using the cache
    #[arg(long, global = true)]
    no_cache: bool,
    /// Run this component file instead of the one built into witk
    #[arg(long, global = true, value_name = "WASM")]
    component: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Pipeline {
    /// compress-stringify: Zstandard-compress a file, optionally as a base64 data URL
    CompressStringify {
        /// Output a base64 data URL instead of the binary frame
        #[arg(long)]
        stringify: bool,
        /// Zstandard compression level (negative fast levels to 22)
        #[arg(long, short = 'l', default_value_t = compress_stringify::DEFAULT_COMPRESSION_LEVEL, allow_negative_numbers = true)]
        level: i32,
        /// Prefix of the data URL
        #[arg(long, default_value = compress_stringify::DEFAULT_DATA_URL_PREFIX)]
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("witk: error: {e}");
            ExitCode::from(match e {
                Error::Pipeline { .. } => 1,
                Error::Io { .. } => 2,
                Error::Timeout { .. } | Error::MemoryLimit { .. } => 3,
                Error::Trap { .. } | Error::Load { .. } => 4,
            })
        }
    }
}

fn runtime(args: &RuntimeArgs) -> Result<Runtime, Error> {
    let mut config = RuntimeConfig::default();
    if args.no_cache {
        config.cache_dir = None;
    } else if let Some(dir) = &args.cache_dir {
        config.cache_dir = Some(dir.clone());
    }
    config.limits.memory_bytes = args.memory_limit.saturating_mul(1 << 20);
    config.limits.timeout = args.timeout.filter(|t| *t > 0.0).map(Duration::from_secs_f64);
    Runtime::new(config)
}

fn run(cli: Cli) -> Result<(), Error> {
    let rt = runtime(&cli.runtime)?;
    let pipeline = match &cli.runtime.component {
        Some(path) => CompressStringify::from_loaded(&rt, &rt.load_file(path)?)?,
        None => CompressStringify::builtin(&rt)?,
    };
    match cli.pipeline {
        Pipeline::CompressStringify { stringify, level, data_url_prefix, input, output } => {
            let data = read_input(&input)?;
            write_output(&output, &pipeline.compress_stringify(&data, stringify, level, &data_url_prefix)?)
        }
        Pipeline::ParseStringDecompress { parse_string, input, output } => {
            let data = read_input(&input)?;
            write_output(&output, &pipeline.parse_string_decompress(&data, parse_string)?)
        }
    }
}

fn io_error(path: &std::path::Path, source: std::io::Error) -> Error {
    Error::Io { path: path.display().to_string(), source }
}

fn read_input(path: &PathBuf) -> Result<Vec<u8>, Error> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf).map_err(|e| io_error(path, e))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| io_error(path, e))
    }
}

fn write_output(path: &PathBuf, data: &[u8]) -> Result<(), Error> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(data).and_then(|_| out.flush()).map_err(|e| io_error(path, e))
    } else {
        std::fs::write(path, data).map_err(|e| io_error(path, e))
    }
}
