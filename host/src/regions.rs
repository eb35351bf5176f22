//! One call split into regions, run on every core: the host layer for pipelines that are
//! local in space (each output pixel reads a bounded neighbourhood of the input).
//!
//! A component runs on one thread (WebAssembly has no threads inside it) and addresses at
//! most 4 GiB. So a pipeline's plan (`components/<name>/host/mod.rs`) cuts its output
//! along the image's slowest axis into slabs, one per thread; each slab's call gets the
//! input planes the pipeline's own rule says the slab reads (its kernel radius, its
//! neighbourhood: a halo, as a `buffered-region`), on its own pooled instance, through the
//! component's `*-region` functions; and the slabs' outputs stitch to exactly what one call
//! returns. This module is what every such plan shares: how many slabs, which planes go
//! where, the threads, the stitching, and the errors that name the caller's function.
//! downsample and compare-images use it.

use crate::buffers;
use crate::error::{Error, Result};
use crate::pipelines::types::witk::types::spatial::{Image, ImageRegion};

/// Inputs smaller than this many bytes per thread run as one call.
pub const MIN_SLAB_BYTES: usize = 4 << 20;

/// Inputs up to this size go whole to every slab's call: lowering copies them straight
/// into each instance's (warm) memory, which is faster than copying each slab's planes
/// into a fresh host buffer first. Larger inputs are sliced, so that an instance holds
/// only its slab.
pub const SHARE_WHOLE_BYTES: usize = 256 << 20;

/// How a plan splits: at most `threads` slabs of at least `min_slab_bytes` of input
/// each; inputs up to `share_whole_bytes` go whole to every slab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub threads: usize,
    pub min_slab_bytes: usize,
    pub share_whole_bytes: usize,
}

impl Default for Split {
    /// One slab per available CPU, of at least [`MIN_SLAB_BYTES`]; inputs up to
    /// [`SHARE_WHOLE_BYTES`] shared.
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Split { threads, min_slab_bytes: MIN_SLAB_BYTES, share_whole_bytes: SHARE_WHOLE_BYTES }
    }
}

impl Split {
    /// The output planes `[start, end)` of each slab, for `planes` output planes along the
    /// slowest axis and `bytes` of input: none (run one call) where fewer than two slabs
    /// would be worth it.
    pub fn slabs(&self, bytes: usize, planes: u64) -> Vec<(u64, u64)> {
        let n = self.threads.min(bytes / self.min_slab_bytes.max(1)).min(usize::try_from(planes).unwrap_or(usize::MAX));
        if n < 2 {
            return Vec::new();
        }
        let n = n as u64;
        (0..n).map(|t| (planes * t / n, planes * (t + 1) / n)).collect()
    }

    /// Whether `image` goes whole to every slab's call (at most `share_whole_bytes`; see
    /// [`SHARE_WHOLE_BYTES`]) rather than cut into [`planes`].
    pub fn shares(&self, image: &Image) -> bool {
        image.data.as_ref().is_none_or(|d| buffers::bytes(d) <= self.share_whole_bytes)
    }
}

/// Planes `[first, end)` of a [`whole`] image along its slowest axis, as an image holding
/// only them (its `buffered-region`).
pub fn planes(image: &Image, first: u64, end: u64) -> Image {
    let data = image.data.as_ref().expect("planes are cut from whole images");
    let d = image.size.len();
    let plane = image.size[..d - 1].iter().product::<u64>() as usize * image.image_type.components as usize;
    let mut part = header(image);
    part.data = Some(buffers::slice(data, first as usize * plane, end as usize * plane));
    let mut index = vec![0; d];
    index[d - 1] = first;
    let mut size = image.size.clone();
    size[d - 1] = end - first;
    part.buffered_region = Some(ImageRegion { index, size });
    part
}

/// How a plan is told to split: its builder methods, over its [`Split`].
pub trait Splits: Sized {
    /// The plan's split, to change.
    fn split_mut(&mut self) -> &mut Split;

    /// Use at most `threads` threads (1 runs every call as one component call).
    fn with_threads(mut self, threads: usize) -> Self {
        self.split_mut().threads = threads.max(1);
        self
    }

    /// Split only inputs of at least this many bytes per thread (default [`MIN_SLAB_BYTES`]).
    fn with_min_slab_bytes(mut self, bytes: usize) -> Self {
        self.split_mut().min_slab_bytes = bytes;
        self
    }

    /// Give every slab's call whole inputs only up to this many bytes each, and cut larger
    /// ones into the slab's planes (default [`SHARE_WHOLE_BYTES`]).
    fn with_share_whole_bytes(mut self, bytes: usize) -> Self {
        self.split_mut().share_whole_bytes = bytes;
        self
    }
}

/// Whether an image holds all its pixels (no partial `buffered-region`) and exactly the
/// values its size needs: what a plan can cut into planes. Anything else goes to one call,
/// whose component says what is wrong.
pub fn whole(image: &Image) -> bool {
    let covered =
        image.buffered_region.as_ref().is_none_or(|r| r.size == image.size && r.index.iter().all(|&i| i == 0));
    let values = image.size.iter().try_fold(u64::from(image.image_type.components), |n, &s| n.checked_mul(s));
    covered && image.data.as_ref().is_some_and(|d| values == Some(buffers::values(d) as u64))
}

/// `image` without its pixels.
pub fn header(image: &Image) -> Image {
    Image {
        image_type: image.image_type,
        name: image.name.clone(),
        origin: image.origin.clone(),
        spacing: image.spacing.clone(),
        direction: image.direction.clone(),
        size: image.size.clone(),
        metadata: image.metadata.clone(),
        data: None,
        buffered_region: None,
    }
}

/// `call` for each slab, each in its own thread, in slab order; the first error (in slab
/// order) if any failed. A panicking thread's panic is resumed here.
pub fn run<S: Sync, T: Send>(slabs: &[S], call: impl Fn(&S) -> Result<T> + Sync) -> Result<Vec<T>> {
    let call = &call;
    let results: Vec<Result<T>> = std::thread::scope(|scope| {
        let handles: Vec<_> = slabs.iter().map(|slab| scope.spawn(move || call(slab))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    results.into_iter().collect()
}

/// Region results, in slab order along the slowest axis, stitched into one image holding
/// all its pixels (the first part's header, its buffered-region its whole size).
pub fn stitch(parts: Vec<Image>) -> Image {
    let values: usize = parts.iter().map(|p| p.data.as_ref().map_or(0, buffers::values)).sum();
    let mut parts = parts.into_iter();
    let mut whole = parts.next().expect("at least one slab");
    let data = whole.data.as_mut().expect("region results hold pixels");
    buffers::reserve(data, values - buffers::values(data));
    for part in parts {
        buffers::append(data, part.data.expect("region results hold pixels"));
    }
    let d = whole.size.len();
    whole.buffered_region = Some(ImageRegion { index: vec![0; d], size: whole.size.clone() });
    whole
}

/// An error of a region function, naming the function the caller called instead.
pub fn named(mut e: Error, function: &str) -> Error {
    if let Error::Pipeline { pipeline, .. }
    | Error::Timeout { pipeline, .. }
    | Error::MemoryLimit { pipeline, .. }
    | Error::Trap { pipeline, .. } = &mut e
    {
        *pipeline = function.to_string();
    }
    e
}
