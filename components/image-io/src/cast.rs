//! Component type casts (read-image's `component-type`), through f64 with saturation
//! for integer targets, as ITK's CastImageFilter does for in-range values.

use crate::model::{Ctype, Image, Pixels};
use crate::Failure;

fn get(data: &[u8], c: Ctype, i: usize) -> f64 {
    let b = &data[i * c.size()..(i + 1) * c.size()];
    match c {
        Ctype::I8 => b[0] as i8 as f64,
        Ctype::U8 => b[0] as f64,
        Ctype::I16 => i16::from_le_bytes([b[0], b[1]]) as f64,
        Ctype::U16 => u16::from_le_bytes([b[0], b[1]]) as f64,
        Ctype::I32 => i32::from_le_bytes(b.try_into().unwrap()) as f64,
        Ctype::U32 => u32::from_le_bytes(b.try_into().unwrap()) as f64,
        Ctype::I64 => i64::from_le_bytes(b.try_into().unwrap()) as f64,
        Ctype::U64 => u64::from_le_bytes(b.try_into().unwrap()) as f64,
        Ctype::F32 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
        Ctype::F64 => f64::from_le_bytes(b.try_into().unwrap()),
    }
}

/// Append `v` converted to `c`, little-endian.
pub fn put_value(out: &mut Vec<u8>, c: Ctype, v: f64) {
    // `as` truncates toward zero like static_cast, saturates out-of-range values and maps
    // NaN to 0.
    match c {
        Ctype::I8 => out.push(v as i8 as u8),
        Ctype::U8 => out.push(v as u8),
        Ctype::I16 => out.extend_from_slice(&(v as i16).to_le_bytes()),
        Ctype::U16 => out.extend_from_slice(&(v as u16).to_le_bytes()),
        Ctype::I32 => out.extend_from_slice(&(v as i32).to_le_bytes()),
        Ctype::U32 => out.extend_from_slice(&(v as u32).to_le_bytes()),
        Ctype::I64 => out.extend_from_slice(&(v as i64).to_le_bytes()),
        Ctype::U64 => out.extend_from_slice(&(v as u64).to_le_bytes()),
        Ctype::F32 => out.extend_from_slice(&(v as f32).to_le_bytes()),
        Ctype::F64 => out.extend_from_slice(&v.to_le_bytes()),
    }
}

/// Convert every component of `image` to `target`.
pub fn cast(image: &mut Image, target: Ctype) -> Result<(), Failure> {
    if image.ctype == target {
        return Ok(());
    }
    if let Some(data) = &image.data {
        let n = data.len() / image.ctype.size();
        let mut out = Vec::with_capacity(n * target.size());
        for i in 0..n {
            put_value(&mut out, target, get(data, image.ctype, i));
        }
        image.data = Some(Pixels::from_le_bytes(target, &out)?);
    }
    image.ctype = target;
    Ok(())
}

/// Apply `v * slope + inter` (NIfTI scl_slope/scl_inter), producing float32, or float64
/// for float64 input.
pub fn rescale(image: &mut Image, slope: f64, inter: f64) -> Result<(), Failure> {
    let target = if image.ctype == Ctype::F64 { Ctype::F64 } else { Ctype::F32 };
    if let Some(data) = &image.data {
        let n = data.len() / image.ctype.size();
        let mut out = Vec::with_capacity(n * target.size());
        for i in 0..n {
            put_value(&mut out, target, get(data, image.ctype, i) * slope + inter);
        }
        image.data = Some(Pixels::from_le_bytes(target, &out)?);
    }
    image.ctype = target;
    Ok(())
}
