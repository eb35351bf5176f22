//! The typed pixel model: component types, ITK-Wasm pixel types, and pixel storage typed
//! like the WIT `buffer` (so it moves in and out without a copy) that format code can also
//! see as little-endian bytes.

use crate::{Code, Failure};

/// The component and pixel types, with their names, come from `witk-spatial` (shared with
/// the host and the Python extension).
pub use witk_spatial::{ComponentType as Ctype, PixelType as Pixel};

#[cfg(target_endian = "big")]
compile_error!("Pixels views typed storage as little-endian bytes; wasm32 and the test hosts are little-endian");

macro_rules! pixels {
    ($($ct:ident($t:ty)),* $(,)?) => {
        /// Pixel storage, typed like the WIT `buffer` it moves in and out of without a
        /// copy, and seen by format code as little-endian bytes (`Deref<Target = [u8]>`).
        #[derive(Debug, Clone)]
        pub enum Pixels {
            $($ct(Vec<$t>)),*
        }

        impl Pixels {
            /// `len` bytes of zeros for `ctype`; an allocation failure is an error, not an abort.
            pub fn zeroed(ctype: Ctype, len: usize) -> Result<Pixels, Failure> {
                let n = len / ctype.size();
                if n * ctype.size() != len {
                    return Err(Failure::new(
                        Code::InvalidData,
                        format!("{len} bytes are not a whole number of {} values", ctype.name()),
                    ));
                }
                let oom = || Failure::new(Code::LimitExceeded, format!("{len} bytes of pixels do not fit in memory"));
                Ok(match ctype {
                    $(Ctype::$ct => {
                        let mut v: Vec<$t> = Vec::new();
                        v.try_reserve_exact(n).map_err(|_| oom())?;
                        v.resize(n, Default::default());
                        Pixels::$ct(v)
                    })*
                })
            }

            /// A copy of little-endian `bytes` as `ctype` values.
            pub fn from_le_bytes(ctype: Ctype, bytes: &[u8]) -> Result<Pixels, Failure> {
                let mut p = Pixels::zeroed(ctype, bytes.len())?;
                p.copy_from_slice(bytes);
                Ok(p)
            }

            /// Number of values (pixels x components); `len()` is the number of bytes.
            pub fn count(&self) -> usize {
                match self {
                    $(Pixels::$ct(v) => v.len()),*
                }
            }

            pub fn ctype(&self) -> Ctype {
                match self {
                    $(Pixels::$ct(_) => Ctype::$ct),*
                }
            }
        }

        impl std::ops::Deref for Pixels {
            type Target = [u8];
            fn deref(&self) -> &[u8] {
                match self {
                    // SAFETY: plain numeric values have no padding and every byte pattern
                    // is a valid u8; the view covers exactly the vector's initialised values.
                    $(Pixels::$ct(v) => unsafe {
                        std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v.as_slice()))
                    }),*
                }
            }
        }

        impl std::ops::DerefMut for Pixels {
            fn deref_mut(&mut self) -> &mut [u8] {
                match self {
                    // SAFETY: as above; every byte pattern is a valid value of these types.
                    $(Pixels::$ct(v) => unsafe {
                        std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(v.as_slice()))
                    }),*
                }
            }
        }
    };
}

pixels!(I8(i8), U8(u8), I16(i16), U16(u16), I32(i32), U32(u32), I64(i64), U64(u64), F32(f32), F64(f64));

/// Bitwise, so that NaN pixels compare equal to themselves in round-trip tests.
impl PartialEq for Pixels {
    fn eq(&self, other: &Pixels) -> bool {
        self.ctype() == other.ctype() && **self == **other
    }
}

/// Run `$body` with `$v` bound to the typed vector inside a [`Pixels`] (by value or by
/// reference, as `$pixels` is given): `with_pixels!(&pixels, v => v.len())`.
#[macro_export]
macro_rules! with_pixels {
    ($pixels:expr, $v:ident => $body:expr) => {
        match $pixels {
            $crate::Pixels::I8($v) => $body,
            $crate::Pixels::U8($v) => $body,
            $crate::Pixels::I16($v) => $body,
            $crate::Pixels::U16($v) => $body,
            $crate::Pixels::I32($v) => $body,
            $crate::Pixels::U32($v) => $body,
            $crate::Pixels::I64($v) => $body,
            $crate::Pixels::U64($v) => $body,
            $crate::Pixels::F32($v) => $body,
            $crate::Pixels::F64($v) => $body,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    // The names round trip in witk-spatial's own tests.

    #[test]
    fn pixels_are_typed_values_seen_as_le_bytes() {
        let p = Pixels::from_le_bytes(Ctype::U16, &[1, 0, 2, 1]).unwrap();
        assert_eq!(p, Pixels::U16(vec![1, 258]));
        assert_eq!((p.count(), p.len(), p.ctype()), (2, 4, Ctype::U16));
        assert_eq!(with_pixels!(&p, v => v.len()), 2);
        let e = Pixels::zeroed(Ctype::F64, 12).unwrap_err();
        assert_eq!(e.code, Code::InvalidData);
        // Bitwise equality: NaN equals itself, -0.0 differs from 0.0.
        assert_eq!(Pixels::F32(vec![f32::NAN]), Pixels::F32(vec![f32::NAN]));
        assert_ne!(Pixels::F32(vec![-0.0]), Pixels::F32(vec![0.0]));
    }
}
