//! Pixel buffers (`witk:types` `buffer`) on the host: the helpers pipelines' hand-written
//! host code needs when it splits a call into parts and stitches their results.

use crate::error::{Error, ErrorCode, Result};
use crate::pipelines::types::witk::types::spatial::{Buffer, ComponentType};

/// Run `$body` with `$v` bound to the vector inside a [`Buffer`], giving a `Buffer` of the
/// same variant: `each_buffer!(b, v => v[..4].to_vec())`.
#[macro_export]
macro_rules! each_buffer {
    ($b:expr, $v:ident => $body:expr) => {{
        use $crate::pipelines::types::witk::types::spatial::Buffer as B;
        match $b {
            B::Int8($v) => B::Int8($body),
            B::Uint8($v) => B::Uint8($body),
            B::Int16($v) => B::Int16($body),
            B::Uint16($v) => B::Uint16($body),
            B::Int32($v) => B::Int32($body),
            B::Uint32($v) => B::Uint32($body),
            B::Int64($v) => B::Int64($body),
            B::Uint64($v) => B::Uint64($body),
            B::Float32($v) => B::Float32($body),
            B::Float64($v) => B::Float64($body),
        }
    }};
}

/// A buffer's values as the little-endian bytes they occupy, borrowed (the hosts are
/// little-endian, as wasm is).
pub fn as_bytes(b: &Buffer) -> &[u8] {
    fn view<T: Copy>(v: &[T]) -> &[u8] {
        // SAFETY: plain numbers (no padding, every byte initialized) viewed as their bytes.
        unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
    }
    match b {
        Buffer::Int8(v) => view(v),
        Buffer::Uint8(v) => v,
        Buffer::Int16(v) => view(v),
        Buffer::Uint16(v) => view(v),
        Buffer::Int32(v) => view(v),
        Buffer::Uint32(v) => view(v),
        Buffer::Int64(v) => view(v),
        Buffer::Uint64(v) => view(v),
        Buffer::Float32(v) => view(v),
        Buffer::Float64(v) => view(v),
    }
}

/// A buffer's values as their bytes, to fill in place (a file read straight into them).
pub fn as_bytes_mut(b: &mut Buffer) -> &mut [u8] {
    fn view<T: Copy>(v: &mut [T]) -> &mut [u8] {
        // SAFETY: plain numbers viewed as their bytes: any byte pattern is a valid value.
        unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
    }
    match b {
        Buffer::Int8(v) => view(v),
        Buffer::Uint8(v) => v,
        Buffer::Int16(v) => view(v),
        Buffer::Uint16(v) => view(v),
        Buffer::Int32(v) => view(v),
        Buffer::Uint32(v) => view(v),
        Buffer::Int64(v) => view(v),
        Buffer::Uint64(v) => view(v),
        Buffer::Float32(v) => view(v),
        Buffer::Float64(v) => view(v),
    }
}

/// Reverse the bytes of every value: big-endian values read as bytes become native ones.
pub fn swap_bytes(b: &mut Buffer) {
    let size = value_size(b);
    if size > 1 {
        as_bytes_mut(b).chunks_exact_mut(size).for_each(<[u8]>::reverse);
    }
}

#[cfg(target_endian = "big")]
compile_error!("pixel buffers are exchanged as little-endian bytes");

/// Values `start..end` of a buffer, clamped to its length (the component checks lengths).
pub fn slice(b: &Buffer, start: usize, end: usize) -> Buffer {
    each_buffer!(b, v => v[start.min(v.len())..end.min(v.len())].to_vec())
}

/// `values` zeros of `ctype`, for `pipeline`'s call; a `limit-exceeded` error if they do
/// not fit in memory.
pub fn zeros(ctype: ComponentType, values: usize, pipeline: &str) -> Result<Buffer> {
    zeroed(ctype, values).ok_or_else(|| Error::Pipeline {
        pipeline: pipeline.to_string(),
        code: ErrorCode::LimitExceeded,
        message: format!("{values} values of {ctype:?} do not fit in memory"),
    })
}

fn zeroed(ctype: ComponentType, values: usize) -> Option<Buffer> {
    // Zeroed pages from the system (calloc: a fresh mapping is not written twice, as a
    // `resize` would write it before the caller fills it).
    fn alloc<T: Copy>(n: usize) -> Option<Vec<T>> {
        let layout = std::alloc::Layout::array::<T>(n).ok()?;
        if layout.size() == 0 {
            return Some(Vec::new());
        }
        // SAFETY: a layout of non-zero size; `T` is one of the buffer's number types, for
        // which all-zero bytes are the value 0; the Vec owns the block with this layout.
        unsafe {
            let p = std::alloc::alloc_zeroed(layout).cast::<T>();
            (!p.is_null()).then(|| Vec::from_raw_parts(p, n, n))
        }
    }
    use ComponentType as C;
    Some(match ctype {
        C::Int8 => Buffer::Int8(alloc(values)?),
        C::Uint8 => Buffer::Uint8(alloc(values)?),
        C::Int16 => Buffer::Int16(alloc(values)?),
        C::Uint16 => Buffer::Uint16(alloc(values)?),
        C::Int32 => Buffer::Int32(alloc(values)?),
        C::Uint32 => Buffer::Uint32(alloc(values)?),
        C::Int64 => Buffer::Int64(alloc(values)?),
        C::Uint64 => Buffer::Uint64(alloc(values)?),
        C::Float32 => Buffer::Float32(alloc(values)?),
        C::Float64 => Buffer::Float64(alloc(values)?),
    })
}

/// The number of values in a buffer.
pub fn values(b: &Buffer) -> usize {
    match b {
        Buffer::Int8(v) => v.len(),
        Buffer::Uint8(v) => v.len(),
        Buffer::Int16(v) => v.len(),
        Buffer::Uint16(v) => v.len(),
        Buffer::Int32(v) => v.len(),
        Buffer::Uint32(v) => v.len(),
        Buffer::Int64(v) => v.len(),
        Buffer::Uint64(v) => v.len(),
        Buffer::Float32(v) => v.len(),
        Buffer::Float64(v) => v.len(),
    }
}

/// The size of a buffer's values in bytes.
pub fn bytes(b: &Buffer) -> usize {
    values(b) * value_size(b)
}

fn value_size(b: &Buffer) -> usize {
    match b {
        Buffer::Int8(_) | Buffer::Uint8(_) => 1,
        Buffer::Int16(_) | Buffer::Uint16(_) => 2,
        Buffer::Int32(_) | Buffer::Uint32(_) | Buffer::Float32(_) => 4,
        Buffer::Int64(_) | Buffer::Uint64(_) | Buffer::Float64(_) => 8,
    }
}

/// Room for `more` values in a buffer, so that appending them does not reallocate.
pub fn reserve(b: &mut Buffer, more: usize) {
    match b {
        Buffer::Int8(v) => v.reserve_exact(more),
        Buffer::Uint8(v) => v.reserve_exact(more),
        Buffer::Int16(v) => v.reserve_exact(more),
        Buffer::Uint16(v) => v.reserve_exact(more),
        Buffer::Int32(v) => v.reserve_exact(more),
        Buffer::Uint32(v) => v.reserve_exact(more),
        Buffer::Int64(v) => v.reserve_exact(more),
        Buffer::Uint64(v) => v.reserve_exact(more),
        Buffer::Float32(v) => v.reserve_exact(more),
        Buffer::Float64(v) => v.reserve_exact(more),
    }
}

/// Append `part`'s values to `whole` (the same variant: both come from one call).
pub fn append(whole: &mut Buffer, part: Buffer) {
    match (whole, part) {
        (Buffer::Int8(a), Buffer::Int8(b)) => a.extend(b),
        (Buffer::Uint8(a), Buffer::Uint8(b)) => a.extend(b),
        (Buffer::Int16(a), Buffer::Int16(b)) => a.extend(b),
        (Buffer::Uint16(a), Buffer::Uint16(b)) => a.extend(b),
        (Buffer::Int32(a), Buffer::Int32(b)) => a.extend(b),
        (Buffer::Uint32(a), Buffer::Uint32(b)) => a.extend(b),
        (Buffer::Int64(a), Buffer::Int64(b)) => a.extend(b),
        (Buffer::Uint64(a), Buffer::Uint64(b)) => a.extend(b),
        (Buffer::Float32(a), Buffer::Float32(b)) => a.extend(b),
        (Buffer::Float64(a), Buffer::Float64(b)) => a.extend(b),
        _ => unreachable!("parts of one call have one component type"),
    }
}

/// Copy `part`'s values into `whole` from value `offset` on, converted to `whole`'s type
/// with `as` (callers only widen: every value of `part` is one `whole`'s type holds).
/// Returns false if they do not fit.
pub fn copy_into(whole: &mut Buffer, offset: usize, part: &Buffer) -> bool {
    macro_rules! into {
        ($dst:expr) => {{
            let dst = $dst;
            let n = values(part);
            let Some(dst) = offset.checked_add(n).and_then(|end| dst.get_mut(offset..end)) else {
                return false;
            };
            match part {
                Buffer::Int8(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Uint8(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Int16(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Uint16(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Int32(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Uint32(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Int64(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Uint64(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Float32(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
                Buffer::Float64(s) => dst.iter_mut().zip(s).for_each(|(d, s)| *d = *s as _),
            }
            true
        }};
    }
    match whole {
        Buffer::Int8(d) => into!(d),
        Buffer::Uint8(d) => into!(d),
        Buffer::Int16(d) => into!(d),
        Buffer::Uint16(d) => into!(d),
        Buffer::Int32(d) => into!(d),
        Buffer::Uint32(d) => into!(d),
        Buffer::Int64(d) => into!(d),
        Buffer::Uint64(d) => into!(d),
        Buffer::Float32(d) => into!(d),
        Buffer::Float64(d) => into!(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_stitch_and_widen() {
        let mut whole = zeros(ComponentType::Float64, 5, "test").unwrap();
        assert!(copy_into(&mut whole, 1, &Buffer::Int16(vec![-3, 7])));
        assert!(copy_into(&mut whole, 3, &Buffer::Uint8(vec![255, 1])));
        assert!(!copy_into(&mut whole, 4, &Buffer::Uint8(vec![1, 2])));
        assert_eq!(whole, Buffer::Float64(vec![0.0, -3.0, 7.0, 255.0, 1.0]));
        let mut a = Buffer::Uint16(vec![1]);
        append(&mut a, slice(&Buffer::Uint16(vec![2, 3, 4]), 1, 9));
        assert_eq!((a.clone(), values(&a), bytes(&a)), (Buffer::Uint16(vec![1, 3, 4]), 3, 6));
        let mut big = Buffer::Uint16(vec![0x0102, 0x0304]);
        swap_bytes(&mut big);
        assert_eq!(big, Buffer::Uint16(vec![0x0201, 0x0403]));
        as_bytes_mut(&mut big)[0] = 9;
        assert_eq!(big, Buffer::Uint16(vec![0x0209, 0x0403]));
        assert_eq!(zeros(ComponentType::Int64, 0, "test").unwrap(), Buffer::Int64(vec![]));
    }
}
