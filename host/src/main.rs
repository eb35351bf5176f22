//! The `witk` command: run witk pipelines on files.

use clap::{Args, Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use witk::pipelines::compress_stringify::{self, CompressStringify};
use witk::pipelines::image_io::ImageIo;
use witk::pipelines::types::witk::types::spatial::ComponentType;
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
    /// image-io: convert between image formats, or print an image's header
    #[command(subcommand)]
    ImageIo(ImageIoCommand),
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

#[derive(Subcommand)]
enum ImageIoCommand {
    /// Read INPUT and write OUTPUT in the format OUTPUT's extension names
    /// (.nrrd .nhdr .mha .mhd .nii .nii.gz .witk)
    Convert {
        /// Compress the output's pixel data (gzip, zlib) where the format allows
        #[arg(long)]
        use_compression: bool,
        /// Cast pixel components to this type (int8 ... uint64, float32, float64)
        #[arg(long, value_name = "TYPE")]
        component_type: Option<String>,
        input: PathBuf,
        output: PathBuf,
    },
    /// Print an image file's type and geometry as JSON, without reading its pixels
    Info { input: PathBuf },
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
    if let Pipeline::ImageIo(command) = cli.pipeline {
        let pipeline = match &cli.runtime.component {
            Some(path) => ImageIo::from_loaded(&rt, &rt.load_file(path)?)?,
            None => ImageIo::builtin(&rt)?,
        };
        return image_io(&pipeline, command);
    }
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
        Pipeline::ImageIo(_) => unreachable!("handled above"),
    }
}

fn component_type(name: &str) -> Result<ComponentType, Error> {
    use ComponentType as C;
    let all = [
        ("int8", C::Int8),
        ("uint8", C::Uint8),
        ("int16", C::Int16),
        ("uint16", C::Uint16),
        ("int32", C::Int32),
        ("uint32", C::Uint32),
        ("int64", C::Int64),
        ("uint64", C::Uint64),
        ("float32", C::Float32),
        ("float64", C::Float64),
    ];
    all.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).ok_or_else(|| Error::Pipeline {
        pipeline: "image-io".into(),
        code: witk::ErrorCode::InvalidArgument,
        message: format!("unknown component type '{name}'; use one of int8 ... uint64, float32, float64"),
    })
}

/// ITK-Wasm's name of an enum value (`Uint16`, `VariableLengthVector`) from its Rust name.
fn variant(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    debug.rsplit("::").next().unwrap_or(&debug).to_string()
}

fn image_io(pipeline: &ImageIo, command: ImageIoCommand) -> Result<(), Error> {
    match command {
        ImageIoCommand::Convert { use_compression, component_type: ct, input, output } => {
            let ct = ct.as_deref().map(component_type).transpose()?;
            let image = pipeline.read_path(&input, false, None, ct)?;
            pipeline.write_path(&image, &output, false, use_compression)
        }
        ImageIoCommand::Info { input } => {
            let image = pipeline.read_path(&input, true, None, None)?;
            let json = format!(
                "{{\n  \"imageType\": {{\"dimension\": {}, \"componentType\": \"{}\", \"pixelType\": \"{}\", \"components\": {}}},\n  \"name\": {:?},\n  \"origin\": {:?},\n  \"spacing\": {:?},\n  \"direction\": {:?},\n  \"size\": {:?}\n}}\n",
                image.image_type.dimension,
                variant(&image.image_type.component_type).to_lowercase(),
                match variant(&image.image_type.pixel_type).as_str() {
                    "Rgb" => "RGB".to_string(),
                    "Rgba" => "RGBA".to_string(),
                    other => other.to_string(),
                },
                image.image_type.components,
                image.name,
                image.origin,
                image.spacing,
                image.direction,
                image.size
            );
            write_output(&PathBuf::from("-"), json.as_bytes())
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
