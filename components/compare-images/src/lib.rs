//! The compare-images pipeline as a component: the comparison in `compare`, the input
//! images in `model`, and this file adapting them to the WIT exports.

pub mod compare;
pub mod model;
pub mod reduce;

use compare::{Box, Comparison, Options};
use model::{Geometry, Image, Scalar, Typed};

pub use witk_guest::{Code, Failure};

/// compare-images: any images, compared as float64 scalars (vector magnitudes).
pub fn compare_images(test: Image, baselines: Vec<Image>, o: &Options) -> Result<Comparison, Failure> {
    let test = test.into_scalar(None)?;
    let baselines = baselines.into_iter().map(|b| b.into_scalar(None)).collect::<Result<Vec<_>, _>>()?;
    compare::compare(test, baselines, o)
}

/// compare-double-images: scalar float64 images only.
pub fn compare_double_images(test: Image, baselines: Vec<Image>, o: &Options) -> Result<Comparison, Failure> {
    let test = test.into_double(None)?;
    let baselines = baselines.into_iter().map(|b| b.into_double(None)).collect::<Result<Vec<_>, _>>()?;
    compare::compare(test, baselines, o)
}

/// One region's comparison: the test image's geometry, the region's box, and each
/// baseline's difference over it (the region's pixels, x fastest).
pub type Region = (Geometry, Box, Vec<Vec<f64>>);

/// compare-images-region: any images, like compare-images.
pub fn compare_images_region(
    test: Image,
    baselines: Vec<Image>,
    index: &[u64],
    size: &[u64],
    o: &Options,
) -> Result<Region, Failure> {
    region(test, baselines, index, size, o, Image::into_scalar)
}

/// compare-double-images-region: scalar float64 images only, like compare-double-images.
pub fn compare_double_images_region(
    test: Image,
    baselines: Vec<Image>,
    index: &[u64],
    size: &[u64],
    o: &Options,
) -> Result<Region, Failure> {
    region(test, baselines, index, size, o, Image::into_double)
}

type Prepare = fn(Image, Option<&[(usize, usize)]>) -> Result<Typed, Failure>;

fn region(
    test: Image,
    baselines: Vec<Image>,
    index: &[u64],
    size: &[u64],
    o: &Options,
    prepare: Prepare,
) -> Result<Region, Failure> {
    let (region, need) = region_input(&test.geometry.size, o.radius_tolerance, index, size)?;
    let test = prepare(test, Some(&need))?;
    let baselines = baselines.into_iter().map(|b| prepare(b, Some(&need))).collect::<Result<Vec<_>, _>>()?;
    let geometry = test.geometry.clone();
    let differences = compare::compare_region(test, baselines, &region, o)?;
    Ok((geometry, region, differences))
}

/// compare-images-region-input: a region (`index`, `size`) of an image of `image_size`
/// pixels, checked, and the box of pixels its comparison reads.
pub fn region_input(image_size: &[u64], radius: u32, index: &[u64], size: &[u64]) -> Result<(Box, Box), Failure> {
    let region = compare::region_box(image_size, index, size)?;
    let dims = image_size
        .iter()
        .map(|&n| usize::try_from(n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| Failure::new(Code::LimitExceeded, format!("size {image_size:?} is too large")))?;
    let need = compare::region_input(&dims, radius, &region);
    Ok((region, need))
}

/// vector-magnitude: the norm of each pixel's components, as float64.
pub fn vector_magnitude(image: Image) -> Result<Scalar, Failure> {
    image.into_magnitude()
}

#[cfg(target_arch = "wasm32")]
mod component {
    use super::compare::{Comparison, Metrics, Options, Uchar2d};
    use super::model::{self, Geometry, Pixels, Scalar};

    wit_bindgen::generate!({
        path: "../../wit/compare-images",
        world: "witk:compare-images/compare-images",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::compare_images::api::{self as api, Guest};
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial::{self as wit, Buffer, ComponentType, PixelType};

    fn to_model(what: String, i: wit::Image) -> model::Image {
        let held = match &i.buffered_region {
            Some(r) if !(r.index.iter().all(|&x| x == 0) && r.size == i.size) => {
                Some(r.index.iter().zip(&r.size).map(|(&s, &n)| (s, s.saturating_add(n))).collect())
            }
            _ => None,
        };
        model::Image {
            what,
            dimension: i.image_type.dimension as usize,
            components: i.image_type.components as usize,
            scalar: i.image_type.pixel_type == PixelType::Scalar,
            geometry: Geometry { origin: i.origin, spacing: i.spacing, direction: i.direction, size: i.size },
            pixels: i.data.map(Pixels::from),
            held,
        }
    }

    fn models(test: wit::Image, baselines: Vec<wit::Image>) -> (model::Image, Vec<model::Image>) {
        let test = to_model("test-image".into(), test);
        let baselines =
            baselines.into_iter().enumerate().map(|(i, b)| to_model(format!("baseline-images[{i}]"), b)).collect();
        (test, baselines)
    }

    /// A scalar image for the bindings: ITK-Wasm names its outputs "" and keeps no metadata.
    fn image(geometry: Geometry, component_type: ComponentType, data: Buffer) -> wit::Image {
        let d = geometry.dimension();
        wit::Image {
            image_type: wit::ImageType {
                dimension: d as u32,
                component_type,
                pixel_type: PixelType::Scalar,
                components: 1,
            },
            name: String::new(),
            origin: geometry.origin,
            spacing: geometry.spacing,
            direction: geometry.direction,
            buffered_region: Some(wit::ImageRegion { index: vec![0; d], size: geometry.size.clone() }),
            size: geometry.size,
            metadata: Vec::new(),
            data: Some(data),
        }
    }

    /// The options of a region's comparison (which has no pixels tolerance: no metrics).
    fn region_options(threshold: f64, radius: u32, ignore_boundary: bool, spatial: f64) -> Options {
        Options {
            difference_threshold: threshold,
            radius_tolerance: radius,
            ignore_boundary_pixels: ignore_boundary,
            spatial_tolerance: spatial,
            ..Options::default()
        }
    }

    /// Each baseline's difference over a region: float64 images holding the region.
    fn regions((geometry, region, differences): super::Region) -> Vec<wit::Image> {
        differences
            .into_iter()
            .map(|pixels| {
                let mut i = image(geometry.clone(), ComponentType::Float64, Buffer::Float64(pixels));
                i.buffered_region = Some(wit::ImageRegion {
                    index: region.iter().map(|&(s, _)| s as u64).collect(),
                    size: region.iter().map(|&(s, e)| (e - s) as u64).collect(),
                });
                i
            })
            .collect()
    }

    fn float64(s: Scalar) -> wit::Image {
        image(s.geometry, ComponentType::Float64, Buffer::Float64(s.pixels))
    }

    fn uint8(u: Uchar2d) -> wit::Image {
        image(u.geometry, ComponentType::Uint8, Buffer::Uint8(u.pixels))
    }

    fn metrics(m: Metrics) -> api::Metrics {
        api::Metrics {
            almost_equal: m.almost_equal,
            number_of_pixels_with_differences: m.number_of_pixels_with_differences,
            minimum_difference: m.minimum_difference,
            maximum_difference: m.maximum_difference,
            total_difference: m.total_difference,
            mean_difference: m.mean_difference,
            best_baseline_index: m.best_baseline_index,
        }
    }

    type Outputs = (api::Metrics, wit::Image, wit::Image);

    fn outputs(c: Comparison) -> Outputs {
        (metrics(c.metrics), float64(c.difference), uint8(c.difference_uchar))
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn compare_images(
            test_image: wit::Image,
            baseline_images: Vec<wit::Image>,
            difference_threshold: f64,
            radius_tolerance: u32,
            number_of_pixels_tolerance: u64,
            ignore_boundary_pixels: bool,
            spatial_tolerance: f64,
        ) -> Result<Outputs, Error> {
            let o = Options {
                difference_threshold,
                radius_tolerance,
                number_of_pixels_tolerance,
                ignore_boundary_pixels,
                spatial_tolerance,
            };
            let (test, baselines) = models(test_image, baseline_images);
            Ok(outputs(super::compare_images(test, baselines, &o)?))
        }

        fn compare_double_images(
            test_image: wit::Image,
            baseline_images: Vec<wit::Image>,
            difference_threshold: f64,
            spatial_tolerance: f64,
            radius_tolerance: u32,
            number_of_pixels_tolerance: u64,
            ignore_boundary_pixels: bool,
        ) -> Result<Outputs, Error> {
            let o = Options {
                difference_threshold,
                radius_tolerance,
                number_of_pixels_tolerance,
                ignore_boundary_pixels,
                spatial_tolerance,
            };
            let (test, baselines) = models(test_image, baseline_images);
            Ok(outputs(super::compare_double_images(test, baselines, &o)?))
        }

        fn compare_images_region(
            test_image: wit::Image,
            baseline_images: Vec<wit::Image>,
            difference_threshold: f64,
            radius_tolerance: u32,
            ignore_boundary_pixels: bool,
            spatial_tolerance: f64,
            index: Vec<u64>,
            size: Vec<u64>,
        ) -> Result<Vec<wit::Image>, Error> {
            let o = region_options(difference_threshold, radius_tolerance, ignore_boundary_pixels, spatial_tolerance);
            let (test, baselines) = models(test_image, baseline_images);
            Ok(regions(super::compare_images_region(test, baselines, &index, &size, &o)?))
        }

        fn compare_double_images_region(
            test_image: wit::Image,
            baseline_images: Vec<wit::Image>,
            difference_threshold: f64,
            spatial_tolerance: f64,
            radius_tolerance: u32,
            ignore_boundary_pixels: bool,
            index: Vec<u64>,
            size: Vec<u64>,
        ) -> Result<Vec<wit::Image>, Error> {
            let o = region_options(difference_threshold, radius_tolerance, ignore_boundary_pixels, spatial_tolerance);
            let (test, baselines) = models(test_image, baseline_images);
            Ok(regions(super::compare_double_images_region(test, baselines, &index, &size, &o)?))
        }

        fn compare_images_region_input(
            image_size: Vec<u64>,
            radius_tolerance: u32,
            index: Vec<u64>,
            size: Vec<u64>,
        ) -> Result<(Vec<u64>, Vec<u64>), Error> {
            let (_, need) = super::region_input(&image_size, radius_tolerance, &index, &size)?;
            Ok((need.iter().map(|&(s, _)| s as u64).collect(), need.iter().map(|&(s, e)| (e - s) as u64).collect()))
        }

        fn vector_magnitude(vector_image: wit::Image) -> Result<wit::Image, Error> {
            Ok(float64(super::vector_magnitude(to_model("vector-image".into(), vector_image))?))
        }
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
