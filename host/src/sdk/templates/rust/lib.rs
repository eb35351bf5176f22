//! The {{name}} pipeline: binary threshold and histogram of images, written in Rust.
//!
//! `wit/{{name}}/world.wit` declares the functions; wit-bindgen generates the types
//! (`Image`, `Buffer`, `Error`, ...) and the `Guest` trait this file implements. The same
//! code runs natively under `cargo test`.

wit_bindgen::generate!({
    path: "wit/{{name}}",
    world: "{{name}}",
    generate_all,
    additional_derives: [PartialEq],
});

use exports::witk::{{snake}}::api::Guest;
use witk::types::errors::{Error, ErrorCode};
use witk::types::spatial::{Buffer, ComponentType, Image, ImageType};

struct Pipeline;
// The component's exports (names like `witk:x/api#f` that native linkers refuse).
#[cfg(target_arch = "wasm32")]
export!(Pipeline);

fn invalid_argument(message: String) -> Error {
    Error { code: ErrorCode::InvalidArgument, message }
}

/// The pixel values of `image`, whatever their component type, as f64.
fn values(image: &Image) -> Result<Vec<f64>, Error> {
    macro_rules! all {
        ($v:expr) => {
            $v.iter().map(|&x| x as f64).collect()
        };
    }
    Ok(match image.data.as_ref().ok_or_else(|| invalid_argument("the image has no pixel data".into()))? {
        Buffer::Int8(v) => all!(v),
        Buffer::Uint8(v) => all!(v),
        Buffer::Int16(v) => all!(v),
        Buffer::Uint16(v) => all!(v),
        Buffer::Int32(v) => all!(v),
        Buffer::Uint32(v) => all!(v),
        Buffer::Int64(v) => all!(v),
        Buffer::Uint64(v) => all!(v),
        Buffer::Float32(v) => all!(v),
        Buffer::Float64(v) => v.clone(),
    })
}

impl Guest for Pipeline {
    fn binary_threshold(
        input: Image,
        lower: f64,
        upper: f64,
        inside_value: u8,
        outside_value: u8,
    ) -> Result<Image, Error> {
        if lower > upper || lower.is_nan() || upper.is_nan() {
            return Err(invalid_argument(format!("lower ({lower}) must not be above upper ({upper})")));
        }
        let out = values(&input)?
            .into_iter()
            .map(|x| if lower <= x && x <= upper { inside_value } else { outside_value })
            .collect();
        Ok(Image {
            image_type: ImageType { component_type: ComponentType::Uint8, ..input.image_type },
            data: Some(Buffer::Uint8(out)),
            ..input
        })
    }

    fn histogram(input: Image, bins: u32, range: Option<Vec<f64>>) -> Result<Vec<u64>, Error> {
        if bins == 0 {
            return Err(invalid_argument("bins must be at least 1".into()));
        }
        let values = values(&input)?;
        let (lo, hi) = match range.as_deref() {
            Some(&[lo, hi]) if lo < hi => (lo, hi),
            Some(r) => return Err(invalid_argument(format!("range must be [low, high] with low < high, not {r:?}"))),
            None => {
                let finite = values.iter().copied().filter(|x| !x.is_nan());
                let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
                match (lo, hi) {
                    _ if lo > hi => (0.0, 1.0), // no values: NumPy's default range
                    _ if lo == hi => (lo - 0.5, hi + 0.5),
                    _ => (lo, hi),
                }
            }
        };
        Ok(count(&values, bins as usize, lo, hi))
    }
}

/// NumPy's equal-width binning, step for step: the index from the scaled distance, then
/// corrected against the edges `i * (hi - lo) / bins + lo` (the last edge is `hi`).
fn count(values: &[f64], bins: usize, lo: f64, hi: f64) -> Vec<u64> {
    let step = (hi - lo) / bins as f64;
    let edge = |i: usize| if i == bins { hi } else { i as f64 * step + lo };
    let mut counts = vec![0u64; bins];
    for &x in values {
        if !(lo <= x && x <= hi) {
            continue;
        }
        let mut i = ((((x - lo) / (hi - lo)) * bins as f64) as usize).min(bins - 1);
        if x < edge(i) {
            i -= 1;
        } else if i + 1 < bins && x >= edge(i + 1) {
            i += 1;
        }
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use witk::types::spatial::PixelType;

    fn image(data: Buffer, size: Vec<u64>) -> Image {
        let dimension = size.len() as u32;
        Image {
            image_type: ImageType {
                dimension,
                component_type: ComponentType::Float32,
                pixel_type: PixelType::Scalar,
                components: 1,
            },
            name: "test".into(),
            origin: vec![0.0; size.len()],
            spacing: vec![1.0; size.len()],
            direction: (0..dimension * dimension).map(|i| f64::from(i % (dimension + 1) == 0)).collect(),
            size,
            metadata: vec![],
            data: Some(data),
            buffered_region: None,
        }
    }

    #[test]
    fn threshold_keeps_the_geometry_and_makes_uint8() {
        let input = image(Buffer::Float32(vec![0.0, 0.5, 1.0, 1.5]), vec![2, 2]);
        let out = Pipeline::binary_threshold(input, 0.5, 1.0, 7, 3).unwrap();
        assert_eq!(out.data, Some(Buffer::Uint8(vec![3, 7, 7, 3])));
        assert_eq!(out.image_type.component_type, ComponentType::Uint8);
        assert_eq!(out.size, vec![2, 2]);
    }

    #[test]
    fn histogram_counts_the_upper_edge_in_the_last_bin() {
        let input = image(Buffer::Float32(vec![0.0, 1.0, 2.0, 3.0, 4.0]), vec![5]);
        assert_eq!(Pipeline::histogram(input.clone(), 4, None).unwrap(), vec![1, 1, 1, 2]);
        assert_eq!(Pipeline::histogram(input, 2, Some(vec![1.0, 3.0])).unwrap(), vec![1, 2]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        let input = image(Buffer::Float32(vec![0.0]), vec![1]);
        assert_eq!(Pipeline::histogram(input.clone(), 0, None).unwrap_err().code, ErrorCode::InvalidArgument);
        assert_eq!(Pipeline::binary_threshold(input, 2.0, 1.0, 1, 0).unwrap_err().code, ErrorCode::InvalidArgument);
    }
}
