//! downsample on the GPU (the `wgpu` feature): `witk-wgpu`'s kernels as overrides of
//! `downsample`, `downsample-bin-shrink` and `downsample-label-image`.
//!
//! [`install`] is the one call a Rust host makes; `witk downsample* --accelerator` is the
//! CLI's. A call the GPU does not compute (no adapter, a lost device, out of GPU memory,
//! a 4-D image, an invalid call) runs on the component on every core
//! ([`ParallelDownsample`]) and gives exactly its result or error; a debug log (the `log`
//! crate, target `witk::gpu`) says why.

use super::{overrides, Downsample, DownsampleBinShrinkFn, DownsampleFn, DownsampleLabelImageFn, ParallelDownsample};
use crate::error::Result;
use crate::pipelines::types::witk::types::spatial::{Buffer, Image, ImageRegion};
use crate::runtime::Runtime;
use std::sync::Arc;
pub use witk_wgpu::{AdapterKind, Gpu, GpuError, Precision};
use witk_wgpu::{Grid, ImageRef, Method};

/// The downsample functions on a GPU, falling back to the component.
#[derive(Clone)]
pub struct GpuDownsample {
    gpu: Arc<Gpu>,
    fallback: ParallelDownsample,
}

/// Make `runtime`'s `Downsample` pipelines run on a GPU of `kind` when there is one:
/// returns the adapter's description, or why none was used (then nothing changes).
pub fn install(runtime: &Runtime, kind: AdapterKind) -> Result<std::result::Result<String, GpuError>> {
    let fallback = ParallelDownsample::new(Downsample::builtin(runtime)?);
    Ok(GpuDownsample::new(fallback, kind).map(|g| {
        g.install(runtime);
        g.gpu.describe()
    }))
}

impl GpuDownsample {
    /// The first adapter of `kind`, with `fallback` for what it does not compute.
    pub fn new(fallback: ParallelDownsample, kind: AdapterKind) -> std::result::Result<Self, GpuError> {
        Ok(GpuDownsample { gpu: Arc::new(Gpu::new(kind)?), fallback })
    }

    /// Use this GPU device (shared between runtimes, or limited for tests).
    pub fn with_gpu(fallback: ParallelDownsample, gpu: Gpu) -> Self {
        GpuDownsample { gpu: Arc::new(gpu), fallback }
    }

    pub fn gpu(&self) -> &Gpu {
        &self.gpu
    }

    /// Register the three functions as `runtime`'s overrides (replacing the parallel ones).
    pub fn install(&self, runtime: &Runtime) {
        let g = self.clone();
        let f: DownsampleFn = Arc::new(move |input, shrink, crop| g.downsample(input, shrink, crop));
        runtime.overrides().register(overrides::DOWNSAMPLE, f);
        let g = self.clone();
        let f: DownsampleBinShrinkFn =
            Arc::new(move |input, shrink, info| g.downsample_bin_shrink(input, shrink, info));
        runtime.overrides().register(overrides::DOWNSAMPLE_BIN_SHRINK, f);
        let g = self.clone();
        let f: DownsampleLabelImageFn =
            Arc::new(move |input, shrink, crop| g.downsample_label_image(input, shrink, crop));
        runtime.overrides().register(overrides::DOWNSAMPLE_LABEL_IMAGE, f);
    }

    pub fn downsample(&self, input: &Image, shrink: &[u32], crop: Option<&[u32]>) -> Result<Image> {
        self.on_gpu(Method::Gaussian, input, shrink, crop)
            .map_or_else(|| self.fallback.downsample(input, shrink, crop), Ok)
    }

    pub fn downsample_bin_shrink(&self, input: &Image, shrink: &[u32], information_only: bool) -> Result<Image> {
        if information_only {
            return self.fallback.downsample_bin_shrink(input, shrink, true);
        }
        self.on_gpu(Method::BinShrink, input, shrink, None)
            .map_or_else(|| self.fallback.downsample_bin_shrink(input, shrink, false), Ok)
    }

    pub fn downsample_label_image(&self, input: &Image, shrink: &[u32], crop: Option<&[u32]>) -> Result<Image> {
        self.on_gpu(Method::Label, input, shrink, crop)
            .map_or_else(|| self.fallback.downsample_label_image(input, shrink, crop), Ok)
    }

    /// The GPU's result, or `None` (logged) for the component to compute.
    fn on_gpu(&self, method: Method, input: &Image, shrink: &[u32], crop: Option<&[u32]>) -> Option<Image> {
        let Some(data) = &input.data else {
            log::debug!(target: "witk::gpu", "{method:?}: the image has no pixels; the component answers");
            return None;
        };
        if input.buffered_region.as_ref().is_some_and(|r| r.size != input.size || r.index.iter().any(|&i| i != 0)) {
            log::debug!(target: "witk::gpu", "{method:?}: a partly buffered image; the component answers");
            return None;
        }
        let grid = Grid {
            size: input.size.clone(),
            spacing: input.spacing.clone(),
            origin: input.origin.clone(),
            direction: input.direction.clone(),
        };
        let view = ImageRef {
            grid: &grid,
            ctype: input.image_type.component_type.into(),
            components: input.image_type.components as usize,
            bytes: crate::buffers::as_bytes(data),
        };
        match self.gpu.downsample(method, view, shrink, crop) {
            Ok(out) => Some(Image {
                image_type: input.image_type,
                name: input.name.clone(),
                origin: out.grid.origin,
                spacing: out.grid.spacing,
                direction: out.grid.direction,
                buffered_region: Some(ImageRegion { index: vec![0; out.grid.size.len()], size: out.grid.size.clone() }),
                size: out.grid.size,
                metadata: input.metadata.clone(),
                data: Some(buffer_like(data, &out.bytes)),
            }),
            Err(e) => {
                log::debug!(target: "witk::gpu", "{method:?} on the component: {e}");
                None
            }
        }
    }
}

/// `bytes` as a buffer of `like`'s variant.
fn buffer_like(like: &Buffer, bytes: &[u8]) -> Buffer {
    crate::each_buffer!(like, _v => bytemuck::pod_collect_to_vec(bytes))
}
