//! Downsampling large images on every core (the rest of `witk::pipelines::downsample` is
//! generated from `wit/downsample`).
//!
//! The host's region layer ([`crate::regions`]) splits the output into slabs along the
//! image's slowest axis; each slab's call gets the input planes it reads (for the
//! Gaussian, plus the kernel's radius on both sides: the component's own
//! `*-region-input` rule) and runs on its own pooled instance, through the component's
//! `*-region` functions; the slabs' pixels stitch to exactly what one call returns. Small
//! images run as one call.
//!
//! [`ParallelDownsample::install`] makes every `Downsample` of a runtime use this (the
//! Python bindings do, through [`Setup`](crate::pipelines::Setup)), through the override
//! registry.

#[cfg(feature = "wgpu")]
pub mod gpu;

use super::{overrides, Downsample, DownsampleBinShrinkFn, DownsampleFn, DownsampleLabelImageFn};
use crate::buffers;
use crate::error::Result;
use crate::pipelines::types::witk::types::spatial::{Image, ImageRegion};
use crate::regions::{self, header, Split, Splits};
use crate::runtime::Runtime;
use std::sync::Arc;

pub use crate::regions::{MIN_SLAB_BYTES, SHARE_WHOLE_BYTES};

/// Bindings that load pipelines by name (Python) split large images on every core.
impl crate::pipelines::Setup for Downsample {
    fn setup(&self, runtime: &Runtime) {
        ParallelDownsample::new(self.clone()).install(runtime);
    }
}

/// The downsample pipeline's image functions, split across threads for large images.
#[derive(Clone)]
pub struct ParallelDownsample {
    pipeline: Downsample,
    split: Split,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Gaussian,
    BinShrink,
    Label,
}

impl Kind {
    fn function(self) -> &'static str {
        match self {
            Kind::Gaussian => "downsample",
            Kind::BinShrink => "downsample-bin-shrink",
            Kind::Label => "downsample-label-image",
        }
    }
}

/// One slab: output planes `out` and the input planes `input` they read, along the
/// slowest axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slab {
    out: (u64, u64),
    input: (u64, u64),
}

impl ParallelDownsample {
    /// Use `pipeline` with one thread per available CPU.
    pub fn new(pipeline: Downsample) -> Self {
        ParallelDownsample { pipeline, split: Split::default() }
    }

    /// The underlying pipeline.
    pub fn pipeline(&self) -> &Downsample {
        &self.pipeline
    }

    /// Make `runtime`'s `Downsample` pipelines run `downsample`, `downsample-bin-shrink`
    /// and `downsample-label-image` through this (registered as overrides).
    pub fn install(&self, runtime: &Runtime) {
        let p = self.clone();
        let f: DownsampleFn = Arc::new(move |input, shrink, crop| p.downsample(input, shrink, crop));
        runtime.overrides().register(overrides::DOWNSAMPLE, f);
        let p = self.clone();
        let f: DownsampleBinShrinkFn =
            Arc::new(move |input, shrink, info| p.downsample_bin_shrink(input, shrink, info));
        runtime.overrides().register(overrides::DOWNSAMPLE_BIN_SHRINK, f);
        let p = self.clone();
        let f: DownsampleLabelImageFn =
            Arc::new(move |input, shrink, crop| p.downsample_label_image(input, shrink, crop));
        runtime.overrides().register(overrides::DOWNSAMPLE_LABEL_IMAGE, f);
    }

    /// [`Downsample::downsample`], in slabs.
    pub fn downsample(&self, input: &Image, shrink_factors: &[u32], crop_radius: Option<&[u32]>) -> Result<Image> {
        self.run(Kind::Gaussian, input, shrink_factors, crop_radius)
    }

    /// [`Downsample::downsample_bin_shrink`], in slabs.
    pub fn downsample_bin_shrink(
        &self,
        input: &Image,
        shrink_factors: &[u32],
        information_only: bool,
    ) -> Result<Image> {
        if information_only {
            return self.information_only(input, shrink_factors);
        }
        self.run(Kind::BinShrink, input, shrink_factors, None)
    }

    /// [`Downsample::downsample_label_image`], in slabs.
    pub fn downsample_label_image(
        &self,
        input: &Image,
        shrink_factors: &[u32],
        crop_radius: Option<&[u32]>,
    ) -> Result<Image> {
        self.run(Kind::Label, input, shrink_factors, crop_radius)
    }

    fn run(&self, kind: Kind, input: &Image, shrink: &[u32], crop: Option<&[u32]>) -> Result<Image> {
        let Some(out_size) = output_size(input, shrink, crop) else {
            // Not a valid call: the component says why.
            return self.region(kind, input, shrink, crop, &[], &[]);
        };
        let d = out_size.len();
        let slabs = self.slabs(kind, input, shrink, crop, &out_size)?;
        if slabs.len() < 2 {
            return self.region(kind, input, shrink, crop, &vec![0; d], &out_size);
        }
        let parts = regions::run(&slabs, |slab| {
            let mut out_index = vec![0; d];
            out_index[d - 1] = slab.out.0;
            let mut size = out_size.clone();
            size[d - 1] = slab.out.1 - slab.out.0;
            if self.split.shares(input) {
                return self.region(kind, input, shrink, crop, &out_index, &size);
            }
            let part = regions::planes(input, slab.input.0, slab.input.1 + 1);
            self.region(kind, &part, shrink, crop, &out_index, &size)
        })?;
        Ok(regions::stitch(parts))
    }

    /// The slabs for a call: one per thread, at least `min_slab_bytes` of input each.
    fn slabs(&self, kind: Kind, input: &Image, shrink: &[u32], crop: Option<&[u32]>, out: &[u64]) -> Result<Vec<Slab>> {
        let d = out.len();
        if !regions::whole(input) || kind == Kind::Label && input.image_type.components != 1 {
            return Ok(Vec::new());
        }
        let bytes = input.data.as_ref().map_or(0, buffers::bytes);
        self.split
            .slabs(bytes, out[d - 1])
            .into_iter()
            .map(|(o0, o1)| {
                // The planes the slab's outputs read: the component's own rule (its
                // *-region-input functions), so a slab holds exactly what it checks for.
                let mut index = vec![0; d];
                let mut size = out.to_vec();
                index[d - 1] = o0;
                size[d - 1] = o1 - o0;
                let p = &self.pipeline;
                let (first, count) = match kind {
                    Kind::Gaussian => p.downsample_region_input(&input.size, shrink, &index, &size, crop)?,
                    Kind::BinShrink => p.downsample_bin_shrink_region_input(&input.size, shrink, &index, &size)?,
                    Kind::Label => p.downsample_label_image_region_input(&input.size, shrink, &index, &size, crop)?,
                };
                Ok(Slab { out: (o0, o1), input: (first[d - 1], first[d - 1] + count[d - 1] - 1) })
            })
            .collect()
    }

    /// downsample-bin-shrink's header only: the component computes it from one block of
    /// pixels (the override must not call downsample-bin-shrink itself).
    fn information_only(&self, input: &Image, shrink: &[u32]) -> Result<Image> {
        let d = input.size.len();
        let fits = shrink.len() == d && shrink.iter().zip(&input.size).all(|(&s, &n)| s >= 1 && u64::from(s) <= n);
        let mut probe = header(input);
        if fits {
            let block: Vec<u64> = shrink.iter().map(|&s| u64::from(s)).collect();
            let values = block.iter().product::<u64>() as usize * input.image_type.components as usize;
            probe.data = Some(buffers::zeros(input.image_type.component_type, values, Kind::BinShrink.function())?);
            probe.buffered_region = Some(ImageRegion { index: vec![0; d], size: block });
        }
        let mut out = self.region(Kind::BinShrink, &probe, shrink, None, &vec![0; d], &vec![1; d])?;
        out.data = None;
        out.buffered_region = Some(ImageRegion { index: vec![0; d], size: out.size.clone() });
        Ok(out)
    }

    fn region(
        &self,
        kind: Kind,
        input: &Image,
        shrink: &[u32],
        crop: Option<&[u32]>,
        index: &[u64],
        size: &[u64],
    ) -> Result<Image> {
        let p = &self.pipeline;
        let result = match kind {
            Kind::Gaussian => p.downsample_region(input, shrink, index, size, crop),
            Kind::BinShrink => p.downsample_bin_shrink_region(input, shrink, index, size),
            Kind::Label => p.downsample_label_image_region(input, shrink, index, size, crop),
        };
        // Errors name the function the caller called, not the region function behind it.
        result.map_err(|e| regions::named(e, kind.function()))
    }
}

/// The output size of a valid call (`(n - 2 crop) / shrink` per axis, at least 1), or
/// `None` when the component will reject the call.
fn output_size(input: &Image, shrink: &[u32], crop: Option<&[u32]>) -> Option<Vec<u64>> {
    let d = input.size.len();
    if d == 0 || shrink.len() != d || crop.is_some_and(|c| c.len() != d) || input.data.is_none() {
        return None;
    }
    (0..d)
        .map(|a| {
            let c = crop.map_or(0, |c| u64::from(c[a]));
            let s = u64::from(shrink[a]);
            let out = input.size[a].checked_sub(2 * c)?.checked_div(s)?;
            (out > 0).then_some(out)
        })
        .collect()
}

impl Splits for ParallelDownsample {
    fn split_mut(&mut self) -> &mut Split {
        &mut self.split
    }
}
