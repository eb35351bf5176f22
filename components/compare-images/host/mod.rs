//! Comparing images too large for one call, on every core (the rest of
//! `witk::pipelines::compare_images` is generated from `wit/compare-images`).
//!
//! The host's region layer ([`crate::regions`]) splits the test image into slabs along its
//! slowest axis; each slab's call gets the test and baseline planes it reads (the slab plus
//! the radius tolerance on both sides) and returns each baseline's difference image over
//! the slab (`compare-images-region`). The slabs stitch to each baseline's whole
//! difference image; the metrics then reduce from it here, natively, with the
//! component's own rules: `reduce.rs` is the component's source file, included below, so
//! the pixels are visited and summed in the one order a single call uses, and the
//! metrics, the difference image and its rendering equal one call's bit for bit. Small
//! images run as one call.
//!
//! [`ParallelCompare::install`] makes every `CompareImages` of a runtime use this (the
//! Python bindings do, through [`Setup`](crate::pipelines::Setup)).

#[path = "../src/reduce.rs"]
#[allow(dead_code)] // the component uses the rest
mod reduce;

use super::{overrides, CompareDoubleImagesFn, CompareImages, CompareImagesFn, Metrics, VectorMagnitudeFn};
use crate::buffers;
use crate::error::Result;
use crate::pipelines::types::witk::types::spatial::{Buffer, ComponentType, Image, ImageRegion, ImageType, PixelType};
use crate::regions::{self, Split, Splits};
use crate::runtime::Runtime;
use std::sync::Arc;

/// Bindings that load pipelines by name (Python) split large comparisons on every core.
impl crate::pipelines::Setup for CompareImages {
    fn setup(&self, runtime: &Runtime) {
        ParallelCompare::new(self.clone()).install(runtime);
    }
}

/// What a comparison returns: metrics, the difference image and its 8-bit rendering.
pub type Comparison = (Metrics, Image, Image);

/// compare-images and compare-double-images, split across threads for large images.
#[derive(Clone)]
pub struct ParallelCompare {
    pipeline: CompareImages,
    split: Split,
}

/// The parameters both comparisons take.
#[derive(Debug, Clone, Copy)]
struct Options {
    threshold: f64,
    radius: u32,
    pixels_tolerance: u64,
    ignore_boundary: bool,
    spatial_tolerance: f64,
    /// compare-double-images (scalar float64 only) rather than compare-images.
    double: bool,
}

impl ParallelCompare {
    /// Use `pipeline` with one thread per available CPU.
    pub fn new(pipeline: CompareImages) -> Self {
        ParallelCompare { pipeline, split: Split::default() }
    }

    /// Make `runtime`'s `CompareImages` pipelines run compare-images and
    /// compare-double-images through this (registered as overrides).
    pub fn install(&self, runtime: &Runtime) {
        let p = self.clone();
        let f: CompareImagesFn = Arc::new(move |test, baselines, threshold, radius, tolerance, ignore, spatial| {
            p.compare_images(test, baselines, threshold, radius, tolerance, ignore, spatial)
        });
        runtime.overrides().register(overrides::COMPARE_IMAGES, f);
        let p = self.clone();
        let f: CompareDoubleImagesFn =
            Arc::new(move |test, baselines, threshold, spatial, radius, tolerance, ignore| {
                p.compare_double_images(test, baselines, threshold, spatial, radius, tolerance, ignore)
            });
        runtime.overrides().register(overrides::COMPARE_DOUBLE_IMAGES, f);
        let p = self.clone();
        let f: VectorMagnitudeFn = Arc::new(move |image| p.vector_magnitude(image));
        runtime.overrides().register(overrides::VECTOR_MAGNITUDE, f);
    }

    /// [`CompareImages::vector_magnitude`], in slabs: each pixel's norm is its own, so
    /// each slab of planes is one call on an image of those planes.
    pub fn vector_magnitude(&self, image: &Image) -> Result<Image> {
        let d = image.size.len();
        let bytes = image.data.as_ref().map_or(0, buffers::bytes);
        let slabs =
            if d > 0 && regions::whole(image) { self.split.slabs(bytes, image.size[d - 1]) } else { Vec::new() };
        let p = &self.pipeline;
        if slabs.len() < 2 {
            return crate::overrides::bypassed(|| p.vector_magnitude(image));
        }
        let parts = regions::run(&slabs, |&(z0, z1)| {
            let mut part = regions::planes(image, z0, z1);
            part.size[d - 1] = z1 - z0;
            part.buffered_region = None;
            crate::overrides::bypassed(|| p.vector_magnitude(&part))
        })?;
        let mut whole = regions::stitch(parts);
        whole.size = image.size.clone();
        whole.buffered_region = Some(ImageRegion { index: vec![0; d], size: image.size.clone() });
        Ok(whole)
    }

    /// [`CompareImages::compare_images`], in slabs.
    #[allow(clippy::too_many_arguments)] // compare-images' parameters
    pub fn compare_images(
        &self,
        test: &Image,
        baselines: &[Image],
        difference_threshold: f64,
        radius_tolerance: u32,
        number_of_pixels_tolerance: u64,
        ignore_boundary_pixels: bool,
        spatial_tolerance: f64,
    ) -> Result<Comparison> {
        let o = Options {
            threshold: difference_threshold,
            radius: radius_tolerance,
            pixels_tolerance: number_of_pixels_tolerance,
            ignore_boundary: ignore_boundary_pixels,
            spatial_tolerance,
            double: false,
        };
        self.run(test, baselines, &o)
    }

    /// [`CompareImages::compare_double_images`], in slabs.
    #[allow(clippy::too_many_arguments)] // compare-double-images' parameters
    pub fn compare_double_images(
        &self,
        test: &Image,
        baselines: &[Image],
        difference_threshold: f64,
        spatial_tolerance: f64,
        radius_tolerance: u32,
        number_of_pixels_tolerance: u64,
        ignore_boundary_pixels: bool,
    ) -> Result<Comparison> {
        let o = Options {
            threshold: difference_threshold,
            radius: radius_tolerance,
            pixels_tolerance: number_of_pixels_tolerance,
            ignore_boundary: ignore_boundary_pixels,
            spatial_tolerance,
            double: true,
        };
        self.run(test, baselines, &o)
    }

    /// One call of the component (not this override again).
    fn whole_call(&self, test: &Image, baselines: &[Image], o: &Options) -> Result<Comparison> {
        let p = &self.pipeline;
        crate::overrides::bypassed(|| {
            if o.double {
                p.compare_double_images(
                    test,
                    baselines,
                    o.threshold,
                    o.spatial_tolerance,
                    o.radius,
                    o.pixels_tolerance,
                    o.ignore_boundary,
                )
            } else {
                p.compare_images(
                    test,
                    baselines,
                    o.threshold,
                    o.radius,
                    o.pixels_tolerance,
                    o.ignore_boundary,
                    o.spatial_tolerance,
                )
            }
        })
    }

    fn region(
        &self,
        test: &Image,
        baselines: &[Image],
        o: &Options,
        index: &[u64],
        size: &[u64],
    ) -> Result<Vec<Image>> {
        let p = &self.pipeline;
        let (result, function) = if o.double {
            let r = p.compare_double_images_region(
                test,
                baselines,
                o.threshold,
                o.spatial_tolerance,
                o.radius,
                o.ignore_boundary,
                index,
                size,
            );
            (r, "compare-double-images")
        } else {
            let r = p.compare_images_region(
                test,
                baselines,
                o.threshold,
                o.radius,
                o.ignore_boundary,
                o.spatial_tolerance,
                index,
                size,
            );
            (r, "compare-images")
        };
        result.map_err(|e| regions::named(e, function))
    }

    fn run(&self, test: &Image, baselines: &[Image], o: &Options) -> Result<Comparison> {
        // Only images the slabs can be cut from, all of one size; anything else is one
        // call, whose component says what is wrong.
        let d = test.size.len();
        let cuttable = d > 0
            && !baselines.is_empty()
            && regions::whole(test)
            && baselines.iter().all(|b| b.size == test.size && regions::whole(b));
        let bytes = [test].into_iter().chain(baselines).map(|i| i.data.as_ref().map_or(0, buffers::bytes)).sum();
        let slabs = if cuttable { self.split.slabs(bytes, test.size[d - 1]) } else { Vec::new() };
        let Ok(dims) = test.size.iter().map(|&n| usize::try_from(n)).collect::<std::result::Result<Vec<_>, _>>() else {
            return self.whole_call(test, baselines, o);
        };
        if slabs.len() < 2 {
            return self.whole_call(test, baselines, o);
        }
        // Each slab's differences, one image per baseline. Images go whole to each slab
        // or are all cut, since the component takes one buffered-region for all.
        let share = [test].into_iter().chain(baselines).all(|i| self.split.shares(i));
        let parts = regions::run(&slabs, |&(z0, z1)| {
            let mut region: reduce::Box = dims.iter().map(|&n| (0, n)).collect();
            region[d - 1] = (z0 as usize, z1 as usize);
            let need = reduce::region_input(&dims, o.radius, &region);
            let (first, end) = (need[d - 1].0 as u64, need[d - 1].1 as u64);
            let mut index = vec![0; d];
            index[d - 1] = z0;
            let mut size = test.size.clone();
            size[d - 1] = z1 - z0;
            if share {
                return self.region(test, baselines, o, &index, &size);
            }
            let test = regions::planes(test, first, end);
            let baselines: Vec<Image> = baselines.iter().map(|b| regions::planes(b, first, end)).collect();
            self.region(&test, &baselines, o, &index, &size)
        })?;
        // Stitched per baseline; the one with the fewest differing pixels (the last of
        // equals) is kept, as the component keeps it.
        let mut by_baseline: Vec<Vec<Image>> = (0..baselines.len()).map(|_| Vec::with_capacity(slabs.len())).collect();
        for slab in parts {
            for (i, image) in slab.into_iter().enumerate() {
                by_baseline[i].push(image);
            }
        }
        let r = reduce::radii(&dims, o.radius);
        let mut best: Option<(usize, reduce::Stats, Image)> = None;
        for (i, parts) in by_baseline.into_iter().enumerate() {
            let difference = regions::stitch(parts);
            let Some(Buffer::Float64(values)) = &difference.data else {
                unreachable!("compare-images-region returns float64 differences")
            };
            let stats = reduce::statistics(values, &dims, &r, o.ignore_boundary, o.threshold);
            if best.as_ref().is_none_or(|(_, s, _)| stats.count <= s.count) {
                best = Some((i, stats, difference));
            }
        }
        let (index, s, difference) = best.expect("at least one baseline");
        let metrics = Metrics {
            almost_equal: s.count <= o.pixels_tolerance,
            number_of_pixels_with_differences: s.count,
            minimum_difference: s.min,
            maximum_difference: s.max,
            total_difference: s.total,
            mean_difference: s.mean(),
            best_baseline_index: index as u32,
        };
        let rendering = render(&difference, &dims);
        Ok((metrics, difference, rendering))
    }
}

/// The component's 8-bit rendering of a difference image: its middle slice, rescaled.
fn render(difference: &Image, dims: &[usize]) -> Image {
    let Some(Buffer::Float64(values)) = &difference.data else { unreachable!("float64 differences") };
    let pixels = reduce::rescale(&values[reduce::middle_slice(dims)]);
    let (origin, spacing, direction, size) =
        reduce::slice_geometry(&difference.origin, &difference.spacing, &difference.direction, &difference.size);
    Image {
        image_type: ImageType {
            dimension: 2,
            component_type: ComponentType::Uint8,
            pixel_type: PixelType::Scalar,
            components: 1,
        },
        name: String::new(),
        origin,
        spacing,
        direction,
        buffered_region: Some(ImageRegion { index: vec![0; 2], size: size.clone() }),
        size,
        metadata: Vec::new(),
        data: Some(Buffer::Uint8(pixels)),
    }
}

impl Splits for ParallelCompare {
    fn split_mut(&mut self) -> &mut Split {
        &mut self.split
    }
}
