//! Decoded samples to a typed volume: stored values masked to Bits Stored (sign-extended
//! when signed), RGB interleaved, YBR_FULL(_422) converted to RGB, and Rescale
//! Slope/Intercept applied with GDCM's output type rule (what ITK reads).

use crate::{Code, Failure};
use dicom_pixeldata::{DecodedPixelData, PhotometricInterpretation, PlanarConfiguration};
use witk_guest::{Ctype, Pixels};

/// How stored values are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub bits_allocated: u16,
    pub bits_stored: u16,
    pub signed: bool,
}

impl Stored {
    /// The range of stored values (GDCM's PixelFormat::GetMin/GetMax, from Bits Stored).
    fn range(self) -> (f64, f64) {
        let bits = self.bits_stored.clamp(1, 32) as i32;
        if self.signed {
            (-(2f64.powi(bits - 1)), 2f64.powi(bits - 1) - 1.0)
        } else {
            (0.0, 2f64.powi(bits) - 1.0)
        }
    }

    /// The type that holds the stored values themselves.
    fn ctype(self) -> Ctype {
        match (self.bits_allocated, self.signed) {
            (0..=8, false) => Ctype::U8,
            (0..=8, true) => Ctype::I8,
            (9..=16, false) => Ctype::U16,
            (9..=16, true) => Ctype::I16,
            (_, false) => Ctype::U32,
            (_, true) => Ctype::I32,
        }
    }
}

/// GDCM's `Rescaler::ComputeInterceptSlopePixelType`, as ITK's GDCMImageIO uses it: no
/// rescale keeps the stored type; integer slopes and intercepts get the smallest integer
/// type holding the rescaled range; anything else is float64. Over every slice's rescale.
pub fn output_type(stored: &Stored, rescales: impl Iterator<Item = (f64, f64)>) -> Ctype {
    let (lo, hi) = stored.range();
    let (mut min, mut max, mut any, mut integer) = (f64::MAX, f64::MIN, false, true);
    for (slope, intercept) in rescales {
        if slope == 1.0 && intercept == 0.0 {
            min = min.min(lo);
            max = max.max(hi);
            continue;
        }
        any = true;
        integer &= slope.fract() == 0.0 && intercept.fract() == 0.0;
        let (a, b) = (slope * lo + intercept, slope * hi + intercept);
        min = min.min(a.min(b));
        max = max.max(a.max(b));
    }
    if !any {
        return stored.ctype();
    }
    if !integer {
        return Ctype::F64;
    }
    if min >= 0.0 {
        if max <= u8::MAX as f64 {
            Ctype::U8
        } else if max <= u16::MAX as f64 {
            Ctype::U16
        } else if max <= u32::MAX as f64 {
            Ctype::U32
        } else {
            Ctype::F64
        }
    } else if min >= i8::MIN as f64 && max <= i8::MAX as f64 {
        Ctype::I8
    } else if min >= i16::MIN as f64 && max <= i16::MAX as f64 {
        Ctype::I16
    } else if min >= i32::MIN as f64 && max <= i32::MAX as f64 {
        Ctype::I32
    } else {
        Ctype::F64
    }
}

/// How to read one stored value: its width, Bits Stored (masked, sign-extended when
/// signed), and the word order of 32-bit big endian data.
#[derive(Clone, Copy)]
pub struct Reader {
    width: usize,
    mask: u64,
    stored: u16,
    signed: bool,
    swap_halves: bool,
    binary: bool,
}

impl Reader {
    #[inline]
    fn get(&self, c: &[u8]) -> i64 {
        let raw = match self.width {
            1 => c[0] as u64,
            2 => u16::from_le_bytes([c[0], c[1]]) as u64,
            _ if self.swap_halves => u32::from_le_bytes([c[2], c[3], c[0], c[1]]) as u64,
            _ => u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as u64,
        } & self.mask;
        if self.binary {
            // dicom-pixeldata expands bits to 0 and 255; the values are 0 and 1 (as ITK
            // and pydicom read binary segmentations).
            (raw != 0) as i64
        } else if self.signed && raw >> (self.stored - 1) & 1 == 1 {
            raw as i64 - (1i64 << self.stored)
        } else {
            raw as i64
        }
    }
}

/// All frames of one file: monochrome samples as the decoder left them (read value by
/// value as they are copied into the volume, so no widened copy is made), colour ones
/// converted to interleaved RGB.
pub enum Samples {
    Raw { bytes: Vec<u8>, reader: Reader },
    Rgb(Vec<i64>),
}

impl Samples {
    /// Stored values of `bits_allocated` (8, 16 or 32) bits each, little endian, as a codec
    /// decoded them: read masked to `bits_stored`, sign-extended when `signed`.
    pub fn raw(bytes: Vec<u8>, bits_allocated: u16, bits_stored: u16, signed: bool) -> Samples {
        let width = match bits_allocated {
            0..=8 => 1,
            9..=16 => 2,
            _ => 4,
        };
        let stored = bits_stored.clamp(1, 8 * width as u16);
        let mask = if stored >= 32 { u32::MAX as u64 } else { (1u64 << stored) - 1 };
        let reader = Reader { width, mask, stored, signed, swap_halves: false, binary: false };
        Samples::Raw { bytes, reader }
    }

    /// Call `f` with each value of frame `frame` (`len` values); `None` if it is missing.
    #[inline]
    pub(crate) fn each(&self, frame: usize, len: usize, mut f: impl FnMut(i64)) -> Option<()> {
        match self {
            Samples::Raw { bytes, reader } => {
                let w = reader.width;
                let part = bytes.get(frame * len * w..(frame + 1) * len * w)?;
                part.chunks_exact(w).for_each(|c| f(reader.get(c)));
            }
            Samples::Rgb(values) => values.get(frame * len..(frame + 1) * len)?.iter().for_each(|&v| f(v)),
        }
        Some(())
    }
}

/// The samples of `px` (every frame), colour converted to RGB.
pub fn samples(px: DecodedPixelData, name: &str, big_endian_words: bool) -> Result<Samples, Failure> {
    let bits = if px.bits_allocated() == 1 { 8 } else { px.bits_allocated() };
    let stored = if px.bits_allocated() == 1 { 8 } else { px.bits_stored().clamp(1, bits) };
    let width = match bits {
        8 => 1,
        16 => 2,
        32 => 4,
        other => return Err(Failure::new(Code::Unsupported, format!("{name}: {other} bits allocated per sample"))),
    };
    let reader = Reader {
        width,
        mask: if stored >= 32 { u32::MAX as u64 } else { (1u64 << stored) - 1 },
        stored,
        signed: px.pixel_representation() as u16 == 1,
        swap_halves: big_endian_words,
        binary: px.bits_allocated() == 1,
    };
    let samples = px.samples_per_pixel() as usize;
    let (rows, cols, frames) = (px.rows() as usize, px.columns() as usize, px.number_of_frames() as usize);
    let pixels = rows * cols;
    let pi = px.photometric_interpretation().clone();
    let planar = px.planar_configuration();
    // Native YBR_FULL_422 keeps two luminances per chrominance pair.
    let per_frame =
        if samples == 3 && pi == PhotometricInterpretation::YbrFull422 { pixels * 2 } else { pixels * samples };
    let need = per_frame * frames * width;
    let mut bytes = px.into_data();
    if bytes.len() < need {
        return Err(Failure::new(
            Code::InvalidData,
            format!(
                "{name}: the pixel data has {} bytes; {rows}x{cols}x{samples} samples in {frames} frames need {need}",
                bytes.len()
            ),
        ));
    }
    bytes.truncate(need);
    if samples != 3 {
        return Ok(Samples::Raw { bytes, reader });
    }
    let raw: Vec<i64> = bytes.chunks_exact(width).map(|c| reader.get(c)).collect();
    drop(bytes);
    let mut values = Vec::with_capacity(pixels * 3 * frames);
    for f in 0..frames {
        let frame = &raw[f * per_frame..(f + 1) * per_frame];
        match (&pi, planar) {
            (PhotometricInterpretation::YbrFull422, _) => {
                for pair in frame.chunks_exact(4) {
                    let (y1, y2, cb, cr) = (pair[0], pair[1], pair[2], pair[3]);
                    values.extend(ybr_to_rgb(y1, cb, cr));
                    values.extend(ybr_to_rgb(y2, cb, cr));
                }
            }
            (_, PlanarConfiguration::PixelFirst) => {
                for p in 0..pixels {
                    let (a, b, c) = (frame[p], frame[pixels + p], frame[2 * pixels + p]);
                    values.extend(convert(&pi, a, b, c));
                }
            }
            _ => {
                for p in frame.chunks_exact(3) {
                    values.extend(convert(&pi, p[0], p[1], p[2]));
                }
            }
        }
    }
    Ok(Samples::Rgb(values))
}

fn convert(pi: &PhotometricInterpretation, a: i64, b: i64, c: i64) -> [i64; 3] {
    match pi {
        PhotometricInterpretation::YbrFull => ybr_to_rgb(a, b, c),
        _ => [a, b, c],
    }
}

/// DICOM YBR_FULL (ITU-R BT.601 full range, as JPEG) to RGB, rounded and clamped to 8 bits.
fn ybr_to_rgb(y: i64, cb: i64, cr: i64) -> [i64; 3] {
    let (y, cb, cr) = (y as f64, cb as f64 - 128.0, cr as f64 - 128.0);
    let c = |v: f64| v.round().clamp(0.0, 255.0) as i64;
    [c(y + 1.402 * cr), c(y - 0.344136 * cb - 0.714136 * cr), c(y + 1.772 * cb)]
}

macro_rules! output {
    ($($ct:ident($t:ty)),* $(,)?) => {
        /// The volume being filled, in its output type.
        pub enum Output {
            $($ct(Vec<$t>)),*
        }

        impl Output {
            pub fn new(ctype: Ctype, values: usize) -> Result<Output, Failure> {
                let oom = || Failure::new(Code::LimitExceeded, format!("{values} pixel values do not fit in memory"));
                Ok(match ctype {
                    $(Ctype::$ct => {
                        let mut v: Vec<$t> = Vec::new();
                        v.try_reserve_exact(values).map_err(|_| oom())?;
                        Output::$ct(v)
                    })*
                })
            }

            /// Append frame `frame` of `samples`, rescaled (slope, intercept).
            pub fn push_frame(&mut self, samples: &Samples, frame: usize, len: usize, rescale: (f64, f64)) -> Result<(), Failure> {
                let missing = || Failure::new(Code::InvalidData, format!("frame {frame} is missing from the pixel data"));
                let (slope, intercept) = rescale;
                let identity = slope == 1.0 && intercept == 0.0;
                match self {
                    $(Output::$ct(v) => {
                        if identity {
                            samples.each(frame, len, |x| v.push(x as $t)).ok_or_else(missing)?;
                        } else {
                            samples.each(frame, len, |x| v.push((x as f64 * slope + intercept) as $t)).ok_or_else(missing)?;
                        }
                    })*
                }
                Ok(())
            }

            pub fn finish(self) -> Pixels {
                match self {
                    $(Output::$ct(v) => Pixels::$ct(v)),*
                }
            }
        }
    };
}
output!(I8(i8), U8(u8), I16(i16), U16(u16), I32(i32), U32(u32), I64(i64), U64(u64), F32(f32), F64(f64));
