//! The downsample pipeline as a component: ITK-Wasm's `itkwasm-downsample` functions.
//!
//! The logic is plain Rust (`kernel`: ITK's Gaussian kernel and sigma; `plan`: geometry
//! and checks; `filters`: the generic filters), unit tested natively; the `component`
//! module only adapts it to the WIT exports.

pub mod filters;
pub mod kernel;
pub mod plan;
pub mod sample;

pub use plan::{Grid, Method, Region};
pub use witk_guest::Pixels;

pub use witk_guest::{Code, Failure};

/// An input image as the filters see it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub grid: &'a Grid,
    pub components: usize,
    /// The part of the image `pixels` holds; `None` for the whole image.
    pub buffered: Option<&'a Region>,
    /// `None` when only the header is known.
    pub pixels: Option<&'a Pixels>,
}

/// A result: the whole output's grid, and the pixels of the region computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub grid: Grid,
    pub region: Region,
    /// `None` for information-only calls.
    pub pixels: Option<Pixels>,
}

/// Downsample `input` with `method`, computing `region` of the output (default: all of it).
pub fn downsample(
    method: Method,
    input: Input<'_>,
    shrink_factors: &[u32],
    crop_radius: Option<&[u32]>,
    region: Option<&Region>,
    information_only: bool,
) -> Result<Output, Failure> {
    let grid = input.grid;
    let whole = Region::whole(&grid.size);
    let buffered = input.buffered.unwrap_or(&whole);
    plan::check_image(grid, input.components, buffered, input.pixels.map(Pixels::count))?;
    if method == Method::Label && input.components != 1 {
        return Err(Failure::new(
            Code::Unsupported,
            format!(
                "downsample-label-image takes single-component label images; this one has {} components",
                input.components
            ),
        ));
    }
    if information_only {
        let output = plan::output_grid(grid, shrink_factors, crop_radius)?;
        return Ok(Output { region: Region::whole(&output.size), grid: output, pixels: None });
    }
    let pixels = input.pixels.ok_or_else(|| {
        Failure::new(Code::InvalidArgument, "the input image has no pixel data (only its header was read)")
    })?;
    let plan = plan::plan(method, grid, input.components, buffered, shrink_factors, crop_radius, region)?;
    let pixels = map_pixels!(pixels, v => filters::run(&plan, v));
    Ok(Output { grid: plan.output, region: plan.region, pixels: Some(pixels) })
}

/// The input region that `region` of `method`'s output reads, for an input of
/// `input_size`: per axis, the first and last index [`plan::Axis::reads`] gives (the one
/// rule the region functions check their buffered region against).
pub fn region_input(
    method: Method,
    input_size: &[u64],
    shrink_factors: &[u32],
    region: &Region,
    crop_radius: Option<&[u32]>,
) -> Result<Region, Failure> {
    let d = input_size.len();
    let grid = Grid {
        size: input_size.to_vec(),
        spacing: vec![1.0; d],
        origin: vec![0.0; d],
        direction: (0..d * d).map(|i| if i % (d + 1) == 0 { 1.0 } else { 0.0 }).collect(),
    };
    let whole = Region::whole(&grid.size);
    let plan = plan::plan(method, &grid, 1, &whole, shrink_factors, crop_radius, Some(region))?;
    let reads: Vec<(usize, usize)> = plan.axes.iter().map(|a| a.reads(method)).collect();
    Ok(Region {
        index: reads.iter().map(|&(first, _)| first as u64).collect(),
        size: reads.iter().map(|&(first, last)| (last - first + 1) as u64).collect(),
    })
}

/// ITK-Wasm's `downsample_sigma`: the Gaussian sigma, in pixels, for each shrink factor.
pub fn downsample_sigma(shrink_factors: &[u32]) -> Result<Vec<f64>, Failure> {
    kernel::check_shrink_factors(shrink_factors, None)?;
    Ok(shrink_factors.iter().map(|&k| kernel::downsample_sigma(k)).collect())
}

/// ITK-Wasm's `gaussian_kernel_radius`: the radius of ITK's Gaussian kernel for each
/// sigma, its width at most `max_kernel_width` and the size along that axis.
pub fn gaussian_kernel_radius(
    size: &[u64],
    sigma: &[f64],
    max_kernel_width: u64,
    max_kernel_error: f64,
) -> Result<Vec<u64>, Failure> {
    kernel::check_kernel_parameters(size, sigma, max_kernel_error)?;
    Ok(size
        .iter()
        .zip(sigma)
        .map(|(&n, &s)| kernel::kernel_radius(s * s, max_kernel_error, max_kernel_width.min(n)))
        .collect())
}

#[cfg(all(target_arch = "wasm32", feature = "component"))]
mod component {
    use super::{Code, Failure, Grid, Input, Method, Pixels, Region};
    use witk_guest::Ctype;

    wit_bindgen::generate!({
        path: "../../wit/downsample",
        world: "witk:downsample/downsample",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::downsample::api::Guest;
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial::{Buffer, Image, ImageRegion};

    /// Run `method` on a WIT image, returning the WIT image of the result: the input's
    /// type, name, direction and metadata with the output's grid and pixels.
    fn run(
        method: Method,
        mut input: Image,
        shrink_factors: &[u32],
        crop_radius: Option<&[u32]>,
        region: Option<Region>,
        information_only: bool,
    ) -> Result<Image, Error> {
        witk_guest::check_dimension(input.image_type.dimension, input.size.len())
            .map_err(|m| Failure::new(Code::InvalidArgument, m))?;
        let grid = Grid {
            size: std::mem::take(&mut input.size),
            spacing: std::mem::take(&mut input.spacing),
            origin: std::mem::take(&mut input.origin),
            direction: std::mem::take(&mut input.direction),
        };
        let buffered = input.buffered_region.take().map(|r| Region { index: r.index, size: r.size });
        let pixels = input.data.take().map(Pixels::from);
        if let Some(p) = &pixels {
            let declared = Ctype::from(input.image_type.component_type);
            if declared != p.ctype() {
                return Err(Failure::new(
                    Code::InvalidArgument,
                    format!("image-type says {} components but the buffer holds {}", declared.name(), p.ctype().name()),
                )
                .into());
            }
        }
        let components = input.image_type.components as usize;
        let source = Input { grid: &grid, components, buffered: buffered.as_ref(), pixels: pixels.as_ref() };
        let output = super::downsample(method, source, shrink_factors, crop_radius, region.as_ref(), information_only)?;
        drop(pixels);
        Ok(Image {
            image_type: input.image_type,
            name: input.name,
            origin: output.grid.origin,
            spacing: output.grid.spacing,
            direction: output.grid.direction,
            size: output.grid.size,
            metadata: input.metadata,
            data: output.pixels.map(Buffer::from),
            buffered_region: Some(ImageRegion { index: output.region.index, size: output.region.size }),
        })
    }

    fn region(index: Vec<u64>, size: Vec<u64>) -> Option<Region> {
        Some(Region { index, size })
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn downsample(input: Image, shrink_factors: Vec<u32>, crop_radius: Option<Vec<u32>>) -> Result<Image, Error> {
            run(Method::Gaussian, input, &shrink_factors, crop_radius.as_deref(), None, false)
        }

        fn downsample_bin_shrink(
            input: Image,
            shrink_factors: Vec<u32>,
            information_only: bool,
        ) -> Result<Image, Error> {
            run(Method::BinShrink, input, &shrink_factors, None, None, information_only)
        }

        fn downsample_label_image(
            input: Image,
            shrink_factors: Vec<u32>,
            crop_radius: Option<Vec<u32>>,
        ) -> Result<Image, Error> {
            run(Method::Label, input, &shrink_factors, crop_radius.as_deref(), None, false)
        }

        fn downsample_sigma(shrink_factors: Vec<u32>) -> Result<Vec<f64>, Error> {
            Ok(super::downsample_sigma(&shrink_factors)?)
        }

        fn gaussian_kernel_radius(
            size: Vec<u64>,
            sigma: Vec<f64>,
            max_kernel_width: u64,
            max_kernel_error: f64,
        ) -> Result<Vec<u64>, Error> {
            Ok(super::gaussian_kernel_radius(&size, &sigma, max_kernel_width, max_kernel_error)?)
        }

        fn downsample_region(
            input: Image,
            shrink_factors: Vec<u32>,
            output_index: Vec<u64>,
            output_size: Vec<u64>,
            crop_radius: Option<Vec<u32>>,
        ) -> Result<Image, Error> {
            let r = region(output_index, output_size);
            run(Method::Gaussian, input, &shrink_factors, crop_radius.as_deref(), r, false)
        }

        fn downsample_bin_shrink_region(
            input: Image,
            shrink_factors: Vec<u32>,
            output_index: Vec<u64>,
            output_size: Vec<u64>,
        ) -> Result<Image, Error> {
            run(Method::BinShrink, input, &shrink_factors, None, region(output_index, output_size), false)
        }

        fn downsample_label_image_region(
            input: Image,
            shrink_factors: Vec<u32>,
            output_index: Vec<u64>,
            output_size: Vec<u64>,
            crop_radius: Option<Vec<u32>>,
        ) -> Result<Image, Error> {
            let r = region(output_index, output_size);
            run(Method::Label, input, &shrink_factors, crop_radius.as_deref(), r, false)
        }

        fn downsample_region_input(
            input_size: Vec<u64>,
            shrink_factors: Vec<u32>,
            output_index: Vec<u64>,
            output_size: Vec<u64>,
            crop_radius: Option<Vec<u32>>,
        ) -> Result<(Vec<u64>, Vec<u64>), Error> {
            region_input(Method::Gaussian, input_size, shrink_factors, output_index, output_size, crop_radius)
        }

        fn downsample_bin_shrink_region_input(
            input_size: Vec<u64>,
            shrink_factors: Vec<u32>,
            output_index: Vec<u64>,
            output_size: Vec<u64>,
        ) -> Result<(Vec<u64>, Vec<u64>), Error> {
            region_input(Method::BinShrink, input_size, shrink_factors, output_index, output_size, None)
        }

        fn downsample_label_image_region_input(
            input_size: Vec<u64>,
            shrink_factors: Vec<u32>,
            output_index: Vec<u64>,
            output_size: Vec<u64>,
            crop_radius: Option<Vec<u32>>,
        ) -> Result<(Vec<u64>, Vec<u64>), Error> {
            region_input(Method::Label, input_size, shrink_factors, output_index, output_size, crop_radius)
        }
    }

    fn region_input(
        method: Method,
        input_size: Vec<u64>,
        shrink_factors: Vec<u32>,
        index: Vec<u64>,
        size: Vec<u64>,
        crop_radius: Option<Vec<u32>>,
    ) -> Result<(Vec<u64>, Vec<u64>), Error> {
        let r =
            super::region_input(method, &input_size, &shrink_factors, &Region { index, size }, crop_radius.as_deref())?;
        Ok((r.index, r.size))
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
