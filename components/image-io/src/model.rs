//! The image model inside the component: pixels as little-endian bytes plus ITK's
//! spatial metadata. Converted to and from the WIT `image` at the boundary only.

use crate::{Code, Failure};

/// Scalar type of one pixel component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctype {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

impl Ctype {
    /// Every component type, in WIT order.
    pub const ALL: [Ctype; 10] = [
        Ctype::I8,
        Ctype::U8,
        Ctype::I16,
        Ctype::U16,
        Ctype::I32,
        Ctype::U32,
        Ctype::I64,
        Ctype::U64,
        Ctype::F32,
        Ctype::F64,
    ];

    pub fn size(self) -> usize {
        match self {
            Ctype::I8 | Ctype::U8 => 1,
            Ctype::I16 | Ctype::U16 => 2,
            Ctype::I32 | Ctype::U32 | Ctype::F32 => 4,
            Ctype::I64 | Ctype::U64 | Ctype::F64 => 8,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Ctype::I8 => "int8",
            Ctype::U8 => "uint8",
            Ctype::I16 => "int16",
            Ctype::U16 => "uint16",
            Ctype::I32 => "int32",
            Ctype::U32 => "uint32",
            Ctype::I64 => "int64",
            Ctype::U64 => "uint64",
            Ctype::F32 => "float32",
            Ctype::F64 => "float64",
        }
    }

    pub fn from_name(s: &str) -> Option<Ctype> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// ITK-Wasm pixel types, by their WIT names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pixel {
    Unknown,
    Scalar,
    Rgb,
    Rgba,
    Offset,
    Vector,
    Point,
    CovariantVector,
    SymmetricSecondRankTensor,
    DiffusionTensor3D,
    Complex,
    FixedArray,
    Array,
    Matrix,
    VariableLengthVector,
    VariableSizeMatrix,
}

impl Pixel {
    /// ITK-Wasm's name ("Scalar", "RGB", "VariableLengthVector", ...).
    pub fn name(self) -> &'static str {
        PIXEL_NAMES.iter().find(|(q, _)| *q == self).map(|(_, n)| *n).expect("every pixel type is named")
    }

    pub fn from_name(name: &str) -> Option<Pixel> {
        PIXEL_NAMES.iter().find(|(_, n)| *n == name).map(|(p, _)| *p)
    }
}

const PIXEL_NAMES: &[(Pixel, &str)] = &[
    (Pixel::Unknown, "Unknown"),
    (Pixel::Scalar, "Scalar"),
    (Pixel::Rgb, "RGB"),
    (Pixel::Rgba, "RGBA"),
    (Pixel::Offset, "Offset"),
    (Pixel::Vector, "Vector"),
    (Pixel::Point, "Point"),
    (Pixel::CovariantVector, "CovariantVector"),
    (Pixel::SymmetricSecondRankTensor, "SymmetricSecondRankTensor"),
    (Pixel::DiffusionTensor3D, "DiffusionTensor3D"),
    (Pixel::Complex, "Complex"),
    (Pixel::FixedArray, "FixedArray"),
    (Pixel::Array, "Array"),
    (Pixel::Matrix, "Matrix"),
    (Pixel::VariableLengthVector, "VariableLengthVector"),
    (Pixel::VariableSizeMatrix, "VariableSizeMatrix"),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub ctype: Ctype,
    pub pixel: Pixel,
    pub components: usize,
    pub name: String,
    pub origin: Vec<f64>,
    pub spacing: Vec<f64>,
    /// Row-major `dimension x dimension`; column j is the direction of axis j.
    pub direction: Vec<f64>,
    pub size: Vec<u64>,
    /// (key, JSON text)
    pub metadata: Vec<(String, String)>,
    /// The pixels; `None` when only the header was read.
    pub data: Option<Pixels>,
}

impl Image {
    pub fn dimension(&self) -> usize {
        self.size.len()
    }

    /// Number of pixels, checked against overflow.
    pub fn pixel_count(&self) -> Result<u64, Failure> {
        self.size.iter().try_fold(1u64, |acc, &s| acc.checked_mul(s)).ok_or_else(|| too_big(&self.size))
    }

    /// Bytes of pixel data the header describes; refuses sizes a wasm32 memory cannot hold.
    pub fn byte_len(&self) -> Result<usize, Failure> {
        let n = self
            .pixel_count()?
            .checked_mul(self.components as u64)
            .and_then(|n| n.checked_mul(self.ctype.size() as u64))
            .ok_or_else(|| too_big(&self.size))?;
        if n >= 1 << 32 {
            return Err(too_big(&self.size));
        }
        Ok(n as usize)
    }

    /// An image with identity geometry.
    pub fn new(ctype: Ctype, size: Vec<u64>, components: usize) -> Image {
        let d = size.len();
        Image {
            ctype,
            pixel: if components == 1 { Pixel::Scalar } else { Pixel::VariableLengthVector },
            components,
            name: "Image".into(),
            origin: vec![0.0; d],
            spacing: vec![1.0; d],
            direction: identity(d),
            size,
            metadata: Vec::new(),
            data: None,
        }
    }

    /// Check the geometry fields agree with the dimension and the data with the size.
    pub fn validate(&self) -> Result<(), Failure> {
        let d = self.dimension();
        if d == 0 {
            return Err(Failure::new(Code::InvalidArgument, "the image has no dimensions (empty size)"));
        }
        if self.origin.len() != d || self.spacing.len() != d || self.direction.len() != d * d {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!(
                    "a {d}-D image needs {d} origin and spacing values and {} direction values; got {}, {}, {}",
                    d * d,
                    self.origin.len(),
                    self.spacing.len(),
                    self.direction.len()
                ),
            ));
        }
        if self.components == 0 {
            return Err(Failure::new(Code::InvalidArgument, "an image needs at least one component per pixel"));
        }
        if let Some(data) = &self.data {
            if data.ctype() != self.ctype {
                return Err(Failure::new(
                    Code::InvalidArgument,
                    format!("image type says {} but the pixel buffer holds {}", self.ctype.name(), data.ctype().name()),
                ));
            }
            let want = self.byte_len()?;
            if data.len() != want {
                return Err(Failure::new(
                    Code::InvalidArgument,
                    format!(
                        "pixel buffer holds {} bytes; size {:?} x {} components of {} needs {want}",
                        data.len(),
                        self.size,
                        self.components,
                        self.ctype.name()
                    ),
                ));
            }
        }
        Ok(())
    }
}

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

pub fn identity(d: usize) -> Vec<f64> {
    (0..d * d).map(|i| if i / d == i % d { 1.0 } else { 0.0 }).collect()
}

fn too_big(size: &[u64]) -> Failure {
    Failure::new(Code::LimitExceeded, format!("image size {size:?} is larger than a 4 GiB WebAssembly memory can hold"))
}

/// Swap the bytes of each `width`-byte element (big-endian files).
pub fn swap_bytes(data: &mut [u8], width: usize) {
    if width > 1 {
        for chunk in data.chunks_exact_mut(width) {
            chunk.reverse();
        }
    }
}
