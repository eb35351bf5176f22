//! `witk dicom tags|series|seg|write-seg|pdf|sr`.

use super::Dicom;
use crate::cli::{print_json, Context};
use crate::error::{Error, Result};
use crate::files::read_binary_file;
use crate::pipelines::image_io::ImageIo;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Cli {
    /// dicom: DICOM tags, series, segmentations, encapsulated PDFs and structured reports
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
    /// Read a DICOM Segmentation (SEG) as a label image, written as OUTPUT in the format
    /// its extension names; print the segment metadata (dcmqi's JSON)
    Seg {
        /// One component per segment (or, with --merge-segments, as few as hold them
        /// without overlap) instead of one label image
        #[arg(long)]
        overlapping: bool,
        /// With --overlapping: merge segments that do not overlap into one component
        #[arg(long, requires = "overlapping")]
        merge_segments: bool,
        input: PathBuf,
        output: PathBuf,
    },
    /// Write a label image (any image format) as a DICOM SEG referencing a series
    WriteSeg {
        /// Segment metadata: dcmqi's JSON, as `witk dicom seg` prints it
        #[arg(long, value_name = "JSON_FILE")]
        meta: PathBuf,
        /// Leave slices where a segment is empty out of the SEG
        #[arg(long)]
        skip_empty_slices: bool,
        /// Use the label values as segment numbers (they must be 1, 2, ... without gaps)
        #[arg(long)]
        use_labelid_as_segmentnumber: bool,
        image: PathBuf,
        output: PathBuf,
        /// The DICOM files (or folders) of the segmented series
        #[arg(required = true)]
        references: Vec<PathBuf>,
    },
    /// Extract the PDF of a DICOM Encapsulated PDF to OUTPUT
    Pdf { input: PathBuf, output: PathBuf },
    /// Print a DICOM Structured Report as text (dcmtk's dsr2text layout)
    Sr {
        #[arg(long)]
        no_document_header: bool,
        #[arg(long)]
        number_nested_items: bool,
        #[arg(long)]
        print_long_values: bool,
        #[arg(long)]
        print_instance_uid: bool,
        #[arg(long)]
        print_all_codes: bool,
        #[arg(long)]
        print_template_id: bool,
        input: PathBuf,
    },
}

fn write_file(path: &std::path::Path, data: &[u8]) -> Result<()> {
    std::fs::write(path, data).map_err(|source| Error::Io { path: path.display().to_string(), source })
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
            Command::Seg { overlapping, merge_segments, input, output } => {
                let file = read_binary_file(&input)?;
                let (image, meta) = if overlapping {
                    pipeline.read_overlapping_segmentation(&file, merge_segments)?
                } else {
                    pipeline.read_segmentation(&file)?
                };
                let io: ImageIo = ctx.builtin()?;
                io.write_path(&image, &output, false, true)?;
                let meta: serde_json::Value = serde_json::from_str(&meta).unwrap_or(serde_json::Value::String(meta));
                print_json(&serde_json::json!({ "output": output.display().to_string(), "metaInfo": meta }))?;
            }
            Command::WriteSeg { meta, skip_empty_slices, use_labelid_as_segmentnumber, image, output, references } => {
                let io: ImageIo = ctx.builtin()?;
                let image = io.read_path(&image, false, None, None)?;
                let meta = std::fs::read_to_string(&meta)
                    .map_err(|source| Error::Io { path: meta.display().to_string(), source })?;
                let refs = super::expand(&references)?
                    .iter()
                    .map(|p| {
                        Ok(crate::pipelines::types::witk::types::spatial::BinaryFile {
                            path: p.display().to_string(),
                            data: read_binary_file(p)?.data,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let name = output.display().to_string();
                let files = pipeline.write_segmentation(
                    &image,
                    &meta,
                    &name,
                    &refs,
                    skip_empty_slices,
                    use_labelid_as_segmentnumber,
                )?;
                for f in files {
                    write_file(&output, &f.data)?;
                }
                print_json(&serde_json::json!({ "output": name }))?;
            }
            Command::Pdf { input, output } => {
                let pdf = pipeline.read_dicom_encapsulated_pdf(&read_binary_file(&input)?)?;
                write_file(&output, &pdf)?;
                print_json(&serde_json::json!({ "output": output.display().to_string(), "bytes": pdf.len() }))?;
            }
            Command::Sr {
                no_document_header,
                number_nested_items,
                print_long_values,
                print_instance_uid,
                print_all_codes,
                print_template_id,
                input,
            } => {
                let text = pipeline.structured_report_to_text(
                    &read_binary_file(&input)?,
                    no_document_header,
                    number_nested_items,
                    print_long_values,
                    print_instance_uid,
                    print_all_codes,
                    print_template_id,
                )?;
                print!("{text}");
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
