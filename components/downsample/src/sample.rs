//! Pixel component types: the casts ITK uses, and running generic filters on the typed
//! [`Pixels`](crate::Pixels) (shared with the other guests, see `witk-guest`).

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

/// Run a generic expression on the typed vector inside a [`Pixels`](crate::Pixels), rewrapping
/// a `Vec` result in the same variant: `map_pixels!(pixels, v => filter(v))`.
#[macro_export]
macro_rules! map_pixels {
    ($pixels:expr, $v:ident => $body:expr) => {{
        use $crate::Pixels as P;
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
