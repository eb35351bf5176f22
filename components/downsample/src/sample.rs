//! Pixel component types: the typed buffers the filters run on, and the casts ITK uses.

/// A pixel component type. Filters compute in `f64` (ITK's real type for every component
/// type) and store with [`Sample::cast`] or [`Sample::round`].
pub trait Sample: Copy + Default + PartialOrd + Send + Sync + 'static {
    /// Integers have no NaN or infinity, so an identity kernel can be skipped.
    const INTEGER: bool;
    /// 8- and 16-bit integers: sums of up to 32768 of them are exact in `i32`.
    const SMALL: bool;
    fn to_f64(self) -> f64;
    /// The value as `i32` (exact for [`Sample::SMALL`] types).
    fn to_i32(self) -> i32;
    /// C++'s `static_cast<T>(double)`: truncation toward zero for integers (saturating at
    /// the type's range, as ITK's bounds-checked casts do), nearest for float32.
    fn cast(v: f64) -> Self;
    /// `itk::Math::Round` for integers (half up: `floor(v + 0.5)`); a plain cast for floats.
    fn round(v: f64) -> Self;
}

macro_rules! integer_sample {
    ($($t:ty: $small:literal),*) => {$(
        impl Sample for $t {
            const INTEGER: bool = true;
            const SMALL: bool = $small;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn to_i32(self) -> i32 {
                self as i32
            }
            #[inline(always)]
            fn cast(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn round(v: f64) -> Self {
                (v + 0.5).floor() as $t
            }
        }
    )*};
}
integer_sample!(i8: true, u8: true, i16: true, u16: true, i32: false, u32: false, i64: false, u64: false);

macro_rules! float_sample {
    ($($t:ty),*) => {$(
        impl Sample for $t {
            const INTEGER: bool = false;
            const SMALL: bool = false;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn to_i32(self) -> i32 {
                self as i32
            }
            #[inline(always)]
            fn cast(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn round(v: f64) -> Self {
                v as $t
            }
        }
    )*};
}
float_sample!(f32, f64);

/// Pixel components of one image, interleaved, x fastest (the WIT `buffer` variants).
#[derive(Debug, Clone, PartialEq)]
pub enum Pixels {
    I8(Vec<i8>),
    U8(Vec<u8>),
    I16(Vec<i16>),
    U16(Vec<u16>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    I64(Vec<i64>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// Run a generic expression on the typed vector inside a [`Pixels`], rewrapping a `Vec`
/// result in the same variant: `map_pixels!(pixels, v => filter(v))`.
#[macro_export]
macro_rules! map_pixels {
    ($pixels:expr, $v:ident => $body:expr) => {{
        use $crate::sample::Pixels as P;
        match $pixels {
            P::I8($v) => P::I8($body?),
            P::U8($v) => P::U8($body?),
            P::I16($v) => P::I16($body?),
            P::U16($v) => P::U16($body?),
            P::I32($v) => P::I32($body?),
            P::U32($v) => P::U32($body?),
            P::I64($v) => P::I64($body?),
            P::U64($v) => P::U64($body?),
            P::F32($v) => P::F32($body?),
            P::F64($v) => P::F64($body?),
        }
    }};
}

impl Pixels {
    /// Number of components stored.
    pub fn len(&self) -> usize {
        match self {
            Pixels::I8(v) => v.len(),
            Pixels::U8(v) => v.len(),
            Pixels::I16(v) => v.len(),
            Pixels::U16(v) => v.len(),
            Pixels::I32(v) => v.len(),
            Pixels::U32(v) => v.len(),
            Pixels::I64(v) => v.len(),
            Pixels::U64(v) => v.len(),
            Pixels::F32(v) => v.len(),
            Pixels::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The component type's WIT name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Pixels::I8(_) => "int8",
            Pixels::U8(_) => "uint8",
            Pixels::I16(_) => "int16",
            Pixels::U16(_) => "uint16",
            Pixels::I32(_) => "int32",
            Pixels::U32(_) => "uint32",
            Pixels::I64(_) => "int64",
            Pixels::U64(_) => "uint64",
            Pixels::F32(_) => "float32",
            Pixels::F64(_) => "float64",
        }
    }
}
