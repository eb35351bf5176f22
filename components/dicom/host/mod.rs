//! The dicom pipeline on the host: paths (files, or every file of a folder), and large
//! series read in parallel batches.
//!
//! A component runs on one thread and holds whatever it is given: one call with a whole
//! series keeps the files and the volume in its memory, and the volume again in the
//! host's when it returns. So for series larger than [`MIN_BATCHED_BYTES`] the host first
//! asks the component for the plan (`information-only`, given only the beginning of each
//! file, [`HEADER_BYTES`]: the slice order, geometry and output type), then reads the sorted
//! files in batches, one per thread, each on its own pooled instance
//! (`single-sorted-series`), and copies each batch's slices into the one volume. Peak
//! memory is the volume plus a batch per thread (and the files, when the caller read them
//! all; given paths, as Python and the CLI give them, each is read with its batch); the
//! pixels are the component's, value for value. Anything the plan cannot vouch for (a
//! multi-frame file, names given twice, headers longer than the prefix) falls back to one
//! call.

use super::{overrides, Dicom, ReadImageDicomFileSeriesFn, ReadImageDicomFileSeriesPathsFn};
use crate::buffers;
use crate::error::{Error, Result};
use crate::files::read_binary_file;
use crate::pipelines::types::witk::types::spatial::{BinaryFile, Image, ImageRegion};
use crate::runtime::Runtime;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Series smaller than this are read in one call.
pub const MIN_BATCHED_BYTES: usize = 32 << 20;

/// How much of each file the plan is first made from, then 16 times more, then all of it:
/// DICOM headers come before the pixels and are a few KiB; the component says when a
/// file's beginning does not reach Pixel Data.
pub const HEADER_BYTES: [usize; 2] = [16 << 10, 256 << 10];

/// Each batch holds about this many bytes of files (at least one file): an instance's
/// memory is about three times a batch.
pub const BATCH_BYTES: u64 = 4 << 20;

const FUNCTION: &str = "read-image-dicom-file-series";

/// Bindings that load pipelines by name (Python, the CLI) read large series in batches
/// on every core.
impl crate::pipelines::Setup for Dicom {
    fn setup(&self, runtime: &Runtime) {
        let p = self.clone();
        let f: ReadImageDicomFileSeriesFn =
            Arc::new(move |files, single, info| p.read_series(&Files::Read(files), single, info));
        runtime.overrides().register(overrides::READ_IMAGE_DICOM_FILE_SERIES, f);
        // Paths (Python's): each file read when its batch needs it.
        let p = self.clone();
        let f: ReadImageDicomFileSeriesPathsFn =
            Arc::new(move |paths, single, info| p.read_series(&Files::Paths(paths), single, info));
        runtime.overrides().register(overrides::READ_IMAGE_DICOM_FILE_SERIES_PATHS, f);
    }
}

/// The files of a series: already read, or paths read when their batch needs them.
enum Files<'a> {
    Read(&'a [BinaryFile]),
    Paths(&'a [PathBuf]),
}

impl Files<'_> {
    fn len(&self) -> usize {
        match self {
            Files::Read(f) => f.len(),
            Files::Paths(p) => p.len(),
        }
    }

    fn name(&self, i: usize) -> String {
        match self {
            Files::Read(f) => f[i].path.clone(),
            Files::Paths(p) => p[i].display().to_string(),
        }
    }

    /// File `i`, whole, or its first `limit` bytes.
    fn get(&self, i: usize, limit: Option<usize>) -> Result<BinaryFile> {
        let cut = |data: &[u8]| data[..limit.unwrap_or(data.len()).min(data.len())].to_vec();
        match self {
            Files::Read(f) => Ok(BinaryFile { path: f[i].path.clone(), data: cut(&f[i].data) }),
            Files::Paths(p) => {
                let data = match limit {
                    None => read_binary_file(&p[i])?.data,
                    Some(n) => read_prefix(&p[i], n)?,
                };
                Ok(BinaryFile { path: self.name(i), data })
            }
        }
    }

    fn size(&self, i: usize) -> u64 {
        match self {
            Files::Read(f) => f[i].data.len() as u64,
            Files::Paths(p) => std::fs::metadata(&p[i]).map_or(0, |m| m.len()),
        }
    }
}

fn read_prefix(path: &Path, n: usize) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |source| Error::Io { path: path.display().to_string(), source };
    let mut data = Vec::with_capacity(n);
    std::fs::File::open(path).map_err(io)?.take(n as u64).read_to_end(&mut data).map_err(io)?;
    Ok(data)
}

/// `paths`, with each folder replaced by the regular files in it (not its subfolders),
/// sorted by name: a series folder as a scanner writes it.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let io = |p: &Path, source| Error::Io { path: p.display().to_string(), source };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

impl Dicom {
    /// The series in the files (or folders of files) `paths`, and the files in slice
    /// order (their paths as given). Large series are read in batches on every core,
    /// each file read from disk when its batch needs it.
    pub fn read_series_paths(&self, paths: &[PathBuf], single_sorted_series: bool) -> Result<(Image, Vec<PathBuf>)> {
        let files = expand(paths)?;
        let (image, sorted) = self.read_series(&Files::Paths(&files), single_sorted_series, false)?;
        Ok((image, sorted.into_iter().map(PathBuf::from).collect()))
    }

    /// One call of the component itself (not an override).
    fn call_series(&self, files: &[BinaryFile], single: bool, info: bool) -> Result<(Image, Vec<String>)> {
        let result = self.pool.call(
            FUNCTION,
            |store| self.pre.instantiate(store),
            |instance, store| instance.witk_dicom_api().call_read_image_dicom_file_series(store, files, single, info),
        )?;
        result.map_err(|e| crate::pipelines::pipeline_error(FUNCTION, e.code, e.message))
    }

    fn read_series(&self, files: &Files, single: bool, info: bool) -> Result<(Image, Vec<String>)> {
        let n = files.len();
        let total: u64 = (0..n).map(|i| files.size(i)).sum();
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
        let whole = || -> Result<(Image, Vec<String>)> {
            let all = (0..n).map(|i| files.get(i, None)).collect::<Result<Vec<_>>>()?;
            self.call_series(&all, single, info)
        };
        if info || n < 2 || total < MIN_BATCHED_BYTES as u64 {
            return whole();
        }
        let mut planned = None;
        for limit in HEADER_BYTES {
            let headers = (0..n).map(|i| files.get(i, Some(limit))).collect::<Result<Vec<_>>>()?;
            if let Ok(p) = self.call_series(&headers, single, true) {
                planned = Some(p);
                break;
            }
        }
        // Headers longer than that, or a bad file: one call reads (or names) it.
        let Some((plan, sorted)) = planned else { return whole() };
        let index: HashMap<String, usize> = (0..n).map(|i| (files.name(i), i)).collect();
        let depth = if plan.size.len() == 3 { plan.size[2] as usize } else { 1 };
        // One slice per file, each name once: otherwise the slices cannot be placed
        // before they are read.
        if index.len() != n || sorted.len() != depth || plan.size.len() != 3 {
            return whole();
        }
        let order: Vec<usize> = sorted.iter().map(|s| index[s]).collect();
        let plane = plan.size[0] as usize * plan.size[1] as usize * plan.image_type.components as usize;
        let mut data = buffers::zeros(plan.image_type.component_type, plane * depth, FUNCTION)?;
        // Small batches, taken by whichever thread is free: uneven files balance, and each
        // instance holds little.
        let per_file = (total / n as u64).max(1);
        let batch = (BATCH_BYTES / per_file).max(1) as usize;
        let chunks: Vec<(usize, &[usize])> = order.chunks(batch).enumerate().map(|(k, c)| (k * batch, c)).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let out = std::sync::Mutex::new(&mut data);
        // Each worker: Ok(false) if a batch does not match the plan (then one call reads it).
        let matched = std::thread::scope(|scope| -> Result<bool> {
            let workers: Vec<_> = (0..threads.min(chunks.len()))
                .map(|_| {
                    scope.spawn(|| -> Result<bool> {
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&(first, chunk)) = chunks.get(k) else { return Ok(true) };
                            let part = chunk.iter().map(|&i| files.get(i, None)).collect::<Result<Vec<_>>>()?;
                            let (slab, _) = self.call_series(&part, true, false)?;
                            drop(part);
                            let pixels = slab.data.as_ref().ok_or_else(|| Error::Pipeline {
                                pipeline: FUNCTION.into(),
                                code: crate::error::ErrorCode::Internal,
                                message: "a batch came back without pixels".into(),
                            })?;
                            // The batch starts where the plan puts its first slice.
                            let z = plan.spacing[2] * first as f64;
                            let at = (0..3).map(|r| plan.origin[r] + z * plan.direction[r * 3 + 2]);
                            let placed =
                                slab.origin.iter().zip(at).all(|(a, b)| (a - b).abs() <= 1e-3 * (1.0 + b.abs()));
                            let same_plane = placed && slab.size[..2] == plan.size[..2];
                            let fits = same_plane
                                && buffers::values(pixels) == chunk.len() * plane
                                && buffers::copy_into(&mut out.lock().unwrap(), first * plane, pixels);
                            if !fits {
                                next.store(chunks.len(), std::sync::atomic::Ordering::Relaxed);
                                return Ok(false);
                            }
                        }
                    })
                })
                .collect();
            let mut all = true;
            for w in workers {
                all &= w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            }
            Ok(all)
        })?;
        if !matched {
            drop(data);
            return whole();
        }
        let mut image = plan;
        image.buffered_region = Some(ImageRegion { index: vec![0; 3], size: image.size.clone() });
        image.data = Some(data);
        Ok((image, sorted))
    }
}
