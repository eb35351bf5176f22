//! The images the comparison sees: geometry plus float64 pixels. Inputs of any
//! component type become float64 here (a move for float64 scalars, which
//! compare-double-images takes); several components per pixel become their magnitude.

use crate::{Code, Failure};

/// A pixel component type: read as float64 (`as f64`: 64-bit integers round to the
/// nearest float64, as NumPy's `astype` does), and found in its `Pixels` case.
pub trait Component: Copy {
    fn to_f64(self) -> f64;
    fn of(p: &Pixels) -> Option<&[Self]>;
}

pub use witk_guest::{identity, Geometry, Pixels};

macro_rules! component {
    ($($ct:ident($t:ty)),* $(,)?) => {$(
        impl Component for $t {
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn of(p: &Pixels) -> Option<&[Self]> {
                match p {
                    Pixels::$ct(v) => Some(v),
                    _ => None,
                }
            }
        }
    )*};
}
component!(I8(i8), U8(u8), I16(i16), U16(u16), I32(i32), U32(u32), I64(i64), U64(u64), F32(f32));

impl Component for f64 {
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    fn of(p: &Pixels) -> Option<&[Self]> {
        match p {
            Pixels::F64(v) => Some(v),
            _ => None,
        }
    }
}

/// float64 values: a move for float64, else one conversion per value.
pub fn into_f64(pixels: Pixels) -> Vec<f64> {
    match pixels {
        Pixels::F64(v) => v,
        other => witk_guest::with_pixels!(other, v => v.into_iter().map(Component::to_f64).collect()),
    }
}

/// The Euclidean norm of each run of `components` values, as float64 (ITK's
/// VariableLengthVector::GetNorm: the squares summed in order, then sqrt).
fn magnitudes(pixels: &Pixels, components: usize) -> Vec<f64> {
    witk_guest::with_pixels!(pixels, v => norms(v, components))
}

fn norms<T: Component>(v: &[T], components: usize) -> Vec<f64> {
    v.chunks_exact(components)
        .map(|c| {
            c.iter()
                .map(|&x| {
                    let x = x.to_f64();
                    x * x
                })
                .sum::<f64>()
                .sqrt()
        })
        .collect()
}

/// An input image as the component receives it, before any conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// What the image is called in messages (`test-image`, `baseline-images[2]`).
    pub what: String,
    /// `image-type.dimension`, checked against the geometry.
    pub dimension: usize,
    pub geometry: Geometry,
    pub components: usize,
    /// Whether `image-type.pixel-type` is `scalar`.
    pub scalar: bool,
    pub pixels: Option<Pixels>,
    /// The box of the image the pixels cover, `[start, end)` per axis, where that is
    /// not the whole image (a partial `buffered-region`).
    pub held: Option<Vec<(u64, u64)>>,
}

/// A scalar float64 image: what the comparison and vector-magnitude return.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub geometry: Geometry,
    pub pixels: Vec<f64>,
}

/// A scalar image of any component type: what the comparison reads, each value as
/// float64 (so inputs are never copied to float64 arrays, which would double or
/// quadruple the component's memory).
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub geometry: Geometry,
    /// The box of the image `pixels` cover, `[start, end)` per axis.
    pub held: Vec<(usize, usize)>,
    pub pixels: Pixels,
}

impl Image {
    fn fail(&self, code: Code, message: String) -> Failure {
        Failure::new(code, format!("{}: {message}", self.what))
    }

    /// Check the type, geometry and pixel count agree; the box the pixels cover. `need`
    /// is the box a region's comparison reads, which the pixels must hold; without it
    /// they must cover the whole image.
    pub fn validate(&self, need: Option<&[(usize, usize)]>) -> Result<Vec<(usize, usize)>, Failure> {
        let g = &self.geometry;
        let d = g.dimension();
        g.check().map_err(|m| self.fail(Code::InvalidArgument, m))?;
        witk_guest::check_dimension(self.dimension as u32, d).map_err(|m| self.fail(Code::InvalidArgument, m))?;
        if g.size.contains(&0) {
            return Err(self.fail(Code::InvalidArgument, format!("size {:?} has no pixels", g.size)));
        }
        if self.components == 0 {
            return Err(self.fail(Code::InvalidArgument, "an image needs at least one component per pixel".into()));
        }
        let whole: Vec<(u64, u64)> = g.size.iter().map(|&s| (0, s)).collect();
        let held = self.held.clone().unwrap_or_else(|| whole.clone());
        if need.is_none() && held != whole {
            return Err(self.fail(
                Code::Unsupported,
                "the pixel data covers only part of the image (buffered-region); give the whole image".into(),
            ));
        }
        let inside = held.len() == d && held.iter().zip(&g.size).all(|(&(s, e), &n)| s < e && e <= n);
        if !inside {
            return Err(self.fail(
                Code::InvalidArgument,
                format!("buffered-region {held:?} is not a box inside the image's size {:?}", g.size),
            ));
        }
        let too_large = || self.fail(Code::LimitExceeded, format!("size {:?} is too large", g.size));
        let held: Vec<(usize, usize)> = held
            .iter()
            .map(|&(s, e)| Some((usize::try_from(s).ok()?, usize::try_from(e).ok()?)))
            .collect::<Option<_>>()
            .ok_or_else(too_large)?;
        if let Some(need) = need {
            if held.iter().zip(need).any(|(&(s, e), &(t, f))| t < s || f > e) {
                return Err(self.fail(
                    Code::InvalidArgument,
                    format!("buffered-region {held:?} does not hold the pixels {need:?} the region reads"),
                ));
            }
        }
        let pixels = held.iter().try_fold(1u64, |n, &(s, e)| n.checked_mul((e - s) as u64));
        let values = pixels.and_then(|n| n.checked_mul(self.components as u64));
        let (Some(pixels), Some(values)) = (pixels, values) else {
            return Err(too_large());
        };
        let Some(data) = &self.pixels else {
            return Err(self.fail(
                Code::InvalidArgument,
                "the image has no pixel data (was it read with information-only?)".into(),
            ));
        };
        if data.count() as u64 != values {
            return Err(self.fail(
                Code::InvalidData,
                format!(
                    "the pixel buffer holds {} values; {} x {} components needs {values}",
                    data.count(),
                    if self.held.is_some() {
                        format!("buffered-region {held:?}")
                    } else {
                        format!("size {:?}", g.size)
                    },
                    self.components
                ),
            ));
        }
        usize::try_from(pixels).map_err(|_| too_large())?;
        Ok(held)
    }

    /// Scalars, as ITK-Wasm's compare_images prepares its inputs: the values (read as
    /// float64), or the magnitude of each pixel's vector unless the pixel type is
    /// `scalar` with one component.
    /// `need` as in [`Image::validate`].
    pub fn into_scalar(self, need: Option<&[(usize, usize)]>) -> Result<Typed, Failure> {
        let held = self.validate(need)?;
        let pixels = self.pixels.expect("validated");
        let pixels = if self.scalar && self.components == 1 {
            pixels
        } else {
            Pixels::F64(magnitudes(&pixels, self.components))
        };
        Ok(Typed { geometry: self.geometry, held, pixels })
    }

    /// The Euclidean norm of each pixel's components, as float64 (ITK's
    /// VectorMagnitudeImageFilter; absolute values for one component).
    pub fn into_magnitude(self) -> Result<Scalar, Failure> {
        self.validate(None)?;
        let pixels = magnitudes(self.pixels.as_ref().expect("validated"), self.components);
        Ok(Scalar { geometry: self.geometry, pixels })
    }

    /// The float64 scalars of an image that must already be float64 with one component
    /// per pixel (compare-double-images); moved, not copied. `need` as in [`Image::validate`].
    pub fn into_double(self, need: Option<&[(usize, usize)]>) -> Result<Typed, Failure> {
        let held = self.validate(need)?;
        match self.pixels {
            Some(pixels @ Pixels::F64(_)) if self.components == 1 => {
                Ok(Typed { geometry: self.geometry, held, pixels })
            }
            Some(other) => Err(Failure::new(
                Code::InvalidArgument,
                format!(
                    "{}: compare-double-images takes scalar float64 images; this one has {} {} component(s) per \
                     pixel (compare-images converts any image)",
                    self.what,
                    self.components,
                    other.ctype().name()
                ),
            )),
            None => unreachable!("validated"),
        }
    }
}
