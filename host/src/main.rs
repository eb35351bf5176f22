//! The `witk` command: run witk pipelines on files.

mod downsample_cli;

use clap::{Args, Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use witk::pipelines::compare_images::{self, CompareImages};
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
    /// compare-images: compare a test image with baseline images (regression testing);
    /// print the metrics as JSON, exit 0 if almost equal and 1 if not
    CompareImages(CompareImagesArgs),
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
    /// downsample: Gaussian anti-aliasing, then subsampling (ITK-Wasm's downsample)
    Downsample(downsample_cli::DownsampleArgs),
    /// downsample-bin-shrink: subsample by averaging shrink-factor blocks
    DownsampleBinShrink(downsample_cli::BinShrinkArgs),
    /// downsample-label-image: subsample a label image by voting of local labels
    DownsampleLabelImage(downsample_cli::DownsampleArgs),
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

#[derive(Args)]
struct CompareImagesArgs {
    /// Intensity difference for pixels to be considered different
    #[arg(long, short = 'd', value_name = "D", default_value_t = compare_images::DEFAULT_DIFFERENCE_THRESHOLD)]
    difference_threshold: f64,
    /// Radius of the neighborhood around a pixel to search for similar intensity values
    #[arg(long, short = 'r', value_name = "PIXELS", default_value_t = compare_images::DEFAULT_RADIUS_TOLERANCE)]
    radius_tolerance: u32,
    /// Number of pixels that can be different before the test fails
    #[arg(long, short = 'n', value_name = "N", default_value_t = compare_images::DEFAULT_NUMBER_OF_PIXELS_TOLERANCE)]
    number_of_pixels_tolerance: u64,
    /// Ignore pixels within the radius of the image edge
    #[arg(long, short = 'i')]
    ignore_boundary_pixels: bool,
    /// Tolerance for origin and spacing (times the first spacing) and direction
    #[arg(long, value_name = "T", default_value_t = compare_images::DEFAULT_SPATIAL_TOLERANCE)]
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

#[derive(Subcommand)]
enum ImageIoCommand {
    /// Read INPUT and write OUTPUT in the format OUTPUT's extension names (.nrrd .nhdr
    /// .mha .mhd .nii .nii.gz .vtk .png .tif .bmp .witk .iwi.cbor .iwi.cbor.zst)
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
    let component = cli.runtime.component.as_ref();
    // `--component FILE` replaces the subcommand's own pipeline; image-io stays built in.
    macro_rules! pipeline {
        ($ty:ty) => {
            match component {
                Some(path) => <$ty>::from_loaded(&rt, &rt.load_file(path)?)?,
                None => <$ty>::builtin(&rt)?,
            }
        };
    }
    match cli.pipeline {
        Pipeline::CompareImages(args) => compare(&pipeline!(CompareImages), &ImageIo::builtin(&rt)?, args),
        Pipeline::Downsample(a) => downsample_cli::run(&rt, component, downsample_cli::Command::Downsample(a)),
        Pipeline::DownsampleBinShrink(a) => downsample_cli::run(&rt, component, downsample_cli::Command::BinShrink(a)),
        Pipeline::DownsampleLabelImage(a) => {
            downsample_cli::run(&rt, component, downsample_cli::Command::LabelImage(a))
        }
        Pipeline::ImageIo(command) => image_io(&pipeline!(ImageIo), command),
        Pipeline::CompressStringify { stringify, level, data_url_prefix, input, output } => {
            let data = read_input(&input)?;
            let out = pipeline!(CompressStringify).compress_stringify(&data, stringify, level, &data_url_prefix)?;
            write_output(&output, &out)
        }
        Pipeline::ParseStringDecompress { parse_string, input, output } => {
            let data = read_input(&input)?;
            write_output(&output, &pipeline!(CompressStringify).parse_string_decompress(&data, parse_string)?)
        }
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

/// compare-images on files read (and written) by image-io. Prints ITK-Wasm's metrics
/// JSON; when the images are not almost equal, exits with status 1 after printing.
fn compare(pipeline: &CompareImages, io: &ImageIo, a: CompareImagesArgs) -> Result<(), Error> {
    let test = io.read_path(&a.test_image, false, None, None)?;
    let baselines =
        a.baseline_images.iter().map(|p| io.read_path(p, false, None, None)).collect::<Result<Vec<_>, _>>()?;
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
    // JSON numbers; an infinite difference (a NaN pixel against a number) is null.
    let num = |v: f64| if v.is_finite() { format!("{v:?}") } else { "null".into() };
    let json = format!(
        "{{\n  \"almostEqual\": {},\n  \"numberOfPixelsWithDifferences\": {},\n  \"minimumDifference\": {},\n  \
         \"maximumDifference\": {},\n  \"totalDifference\": {},\n  \"meanDifference\": {},\n  \
         \"bestBaselineIndex\": {}\n}}\n",
        m.almost_equal,
        m.number_of_pixels_with_differences,
        num(m.minimum_difference),
        num(m.maximum_difference),
        num(m.total_difference),
        num(m.mean_difference),
        m.best_baseline_index
    );
    write_output(&PathBuf::from("-"), json.as_bytes())?;
    if !m.almost_equal {
        std::process::exit(1);
    }
    Ok(())
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
