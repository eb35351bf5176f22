//! NIfTI-1 and NIfTI-2 (.nii, .nii.gz; reading also .hdr/.img pairs). Orientation comes
//! from the sform when its code is set, else the qform, else pixdim alone; RAS is
//! converted to ITK's LPS (x and y negated). scl_slope/scl_inter are applied on read.

// Matrix arithmetic reads best with explicit row and column indices.
#![allow(clippy::needless_range_loop)]

use crate::codec::{concat, deflate_parts, payload, Deflate};
use crate::model::{identity, swap_bytes, Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};
use std::borrow::Cow;

pub fn looks_like(bytes: &[u8]) -> bool {
    header_kind(bytes).is_some()
}

/// (NIfTI version, big endian) from sizeof_hdr.
fn header_kind(bytes: &[u8]) -> Option<(u8, bool)> {
    let b = bytes.get(..4)?;
    let le = i32::from_le_bytes(b.try_into().ok()?);
    let be = i32::from_be_bytes(b.try_into().ok()?);
    match (le, be) {
        (348, _) => Some((1, false)),
        (_, 348) => Some((1, true)),
        (540, _) => Some((2, false)),
        (_, 540) => Some((2, true)),
        _ => None,
    }
}

struct Reader<'a> {
    b: &'a [u8],
    big: bool,
}

impl Reader<'_> {
    fn bytes<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut a: [u8; N] = self.b[at..at + N].try_into().unwrap();
        if self.big {
            a.reverse();
        }
        a
    }
    fn i16(&self, at: usize) -> i64 {
        i16::from_le_bytes(self.bytes(at)) as i64
    }
    fn i32(&self, at: usize) -> i64 {
        i32::from_le_bytes(self.bytes(at)) as i64
    }
    fn i64(&self, at: usize) -> i64 {
        i64::from_le_bytes(self.bytes(at))
    }
    fn f32(&self, at: usize) -> f64 {
        f32::from_le_bytes(self.bytes(at)) as f64
    }
    fn f64(&self, at: usize) -> f64 {
        f64::from_le_bytes(self.bytes(at))
    }
}

struct Fields {
    dim: [i64; 8],
    datatype: i64,
    pixdim: [f64; 8],
    vox_offset: f64,
    slope: f64,
    inter: f64,
    qform_code: i64,
    sform_code: i64,
    quatern: [f64; 3],
    qoffset: [f64; 3],
    srow: [[f64; 4]; 3],
    pair: bool,
}

fn fields(bytes: &[u8], what: &str) -> Result<(Fields, bool), Failure> {
    let (version, big) =
        header_kind(bytes).ok_or_else(|| Failure::new(Code::InvalidData, format!("{what}: not a NIfTI file")))?;
    let need = if version == 1 { 348 } else { 540 };
    if bytes.len() < need {
        return Err(Failure::new(Code::InvalidData, format!("{what}: NIfTI header is truncated")));
    }
    let r = Reader { b: bytes, big };
    let f = if version == 1 {
        let magic = &bytes[344..348];
        Fields {
            dim: std::array::from_fn(|i| r.i16(40 + 2 * i)),
            datatype: r.i16(70),
            pixdim: std::array::from_fn(|i| r.f32(76 + 4 * i)),
            vox_offset: r.f32(108),
            slope: r.f32(112),
            inter: r.f32(116),
            qform_code: r.i16(252),
            sform_code: r.i16(254),
            quatern: [r.f32(256), r.f32(260), r.f32(264)],
            qoffset: [r.f32(268), r.f32(272), r.f32(276)],
            srow: std::array::from_fn(|row| std::array::from_fn(|c| r.f32(280 + 16 * row + 4 * c))),
            pair: magic == b"ni1\0",
        }
    } else {
        let magic = &bytes[4..12];
        Fields {
            dim: std::array::from_fn(|i| r.i64(16 + 8 * i)),
            datatype: r.i16(12),
            pixdim: std::array::from_fn(|i| r.f64(104 + 8 * i)),
            vox_offset: r.i64(168) as f64,
            slope: r.f64(176),
            inter: r.f64(184),
            qform_code: r.i32(344),
            sform_code: r.i32(348),
            quatern: [r.f64(352), r.f64(360), r.f64(368)],
            qoffset: [r.f64(376), r.f64(384), r.f64(392)],
            srow: std::array::from_fn(|row| std::array::from_fn(|c| r.f64(400 + 32 * row + 8 * c))),
            pair: magic.starts_with(b"ni2"),
        }
    };
    Ok((f, big))
}

/// A .hdr of a .hdr/.img pair needs its .img.
pub fn companions(bytes: &[u8], name: &str, what: &str) -> Result<Vec<String>, Failure> {
    let (f, _) = fields(bytes, what)?;
    if !f.pair {
        return Ok(vec![]);
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    let stem = base.strip_suffix(".gz").unwrap_or(base);
    let stem = stem.strip_suffix(".hdr").unwrap_or(stem);
    Ok(vec![format!("{stem}.img")])
}

fn datatype(code: i64, what: &str) -> Result<(Ctype, usize, Pixel), Failure> {
    Ok(match code {
        2 => (Ctype::U8, 1, Pixel::Scalar),
        4 => (Ctype::I16, 1, Pixel::Scalar),
        8 => (Ctype::I32, 1, Pixel::Scalar),
        16 => (Ctype::F32, 1, Pixel::Scalar),
        64 => (Ctype::F64, 1, Pixel::Scalar),
        256 => (Ctype::I8, 1, Pixel::Scalar),
        512 => (Ctype::U16, 1, Pixel::Scalar),
        768 => (Ctype::U32, 1, Pixel::Scalar),
        1024 => (Ctype::I64, 1, Pixel::Scalar),
        1280 => (Ctype::U64, 1, Pixel::Scalar),
        128 => (Ctype::U8, 3, Pixel::Rgb),
        2304 => (Ctype::U8, 4, Pixel::Rgba),
        32 => (Ctype::F32, 2, Pixel::Complex),
        1792 => (Ctype::F64, 2, Pixel::Complex),
        other => {
            return Err(Failure::new(Code::Unsupported, format!("{what}: NIfTI datatype {other} is not supported")))
        }
    })
}

/// Where uncompressed NIfTI pixels lie (see `nrrd::raw_layout`); `None` for vector
/// images (stored as whole volumes, one per component, where witk interleaves) and
/// rescaled ones (scl_slope/scl_inter: the read makes them float).
pub fn raw_layout(bytes: &[u8], name: &str, what: &str) -> Result<Option<super::Layout>, Failure> {
    let (f, big) = fields(bytes, what)?;
    let ndim = f.dim[0].clamp(0, 7) as usize;
    let vector = if ndim >= 5 { f.dim[5] } else { 1 };
    let rescaled = f.slope != 0.0 && f.slope.is_finite() && f.inter.is_finite() && (f.slope != 1.0 || f.inter != 0.0);
    if vector > 1 || rescaled || !(f.vox_offset >= 0.0 && f.vox_offset < 9.0e15) {
        return Ok(None);
    }
    Ok(Some(match f.pair {
        true => (companions(bytes, name, what)?.pop().unwrap_or_default(), 0, big),
        false => (String::new(), f.vox_offset as u64, big),
    }))
}

pub fn read(bytes: &[u8], companion: Option<&[u8]>, info_only: bool, what: &str) -> Result<Image, Failure> {
    let (f, big) = fields(bytes, what)?;
    let ndim = f.dim[0];
    if !(1..=7).contains(&ndim) {
        return Err(Failure::new(Code::InvalidData, format!("{what}: NIfTI dim[0] = {ndim} is out of range")));
    }
    for i in 1..=ndim as usize {
        if f.dim[i] < 1 {
            return Err(Failure::new(
                Code::InvalidData,
                format!("{what}: NIfTI dim[{i}] = {} is not positive", f.dim[i]),
            ));
        }
    }
    let (ct, channels, pixel) = datatype(f.datatype, what)?;
    // A 4th axis of size 1 is not a dimension of the image; in a vector image (dim[0] 5,
    // components in dim[5]) no trailing axis of size 1 is, as ITK reads it: a 2-D vector
    // image is stored as x, y, 1, 1, components.
    let spatial = if ndim >= 5 {
        (1..=4).rev().find(|&i| f.dim[i] > 1).unwrap_or(1)
    } else if ndim == 4 && f.dim[4] == 1 {
        3
    } else {
        ndim as usize
    };
    let vector = if ndim >= 5 { f.dim[5] as usize } else { 1 };
    if ndim > 5 && f.dim[6..=ndim as usize].iter().any(|&d| d > 1) {
        return Err(Failure::new(Code::Unsupported, format!("{what}: NIfTI dimensions 6 and 7 are not supported")));
    }
    let size: Vec<u64> = (1..=spatial).map(|i| f.dim[i] as u64).collect();
    let mut image = Image::new(ct, size, channels * vector);
    image.pixel = if vector > 1 { Pixel::Vector } else { pixel };
    // Geometry in RAS for the first three axes.
    let d3 = spatial.min(3);
    let mut dir = [[0.0f64; 3]; 3];
    let mut spacing = [1.0f64; 3];
    let mut origin = [0.0f64; 3];
    let columns_ok = |m: &[[f64; 4]; 3]| (0..3).all(|c| (0..3).map(|r| m[r][c] * m[r][c]).sum::<f64>() > 0.0);
    if f.sform_code > 0 && columns_ok(&f.srow) {
        for c in 0..3 {
            let n = (0..3).map(|r| f.srow[r][c] * f.srow[r][c]).sum::<f64>().sqrt();
            spacing[c] = n;
            for r in 0..3 {
                dir[r][c] = f.srow[r][c] / n;
            }
        }
        origin = [f.srow[0][3], f.srow[1][3], f.srow[2][3]];
    } else if f.qform_code > 0 {
        let [b, c, d] = f.quatern;
        let a = (1.0 - (b * b + c * c + d * d)).max(0.0).sqrt();
        let qfac = if f.pixdim[0] < 0.0 { -1.0 } else { 1.0 };
        let r = [
            [a * a + b * b - c * c - d * d, 2.0 * (b * c - a * d), 2.0 * (b * d + a * c)],
            [2.0 * (b * c + a * d), a * a + c * c - b * b - d * d, 2.0 * (c * d - a * b)],
            [2.0 * (b * d - a * c), 2.0 * (c * d + a * b), a * a + d * d - c * c - b * b],
        ];
        for row in 0..3 {
            for col in 0..3 {
                dir[row][col] = r[row][col] * if col == 2 { qfac } else { 1.0 };
            }
        }
        spacing = [f.pixdim[1].abs(), f.pixdim[2].abs(), f.pixdim[3].abs()];
        origin = f.qoffset;
    } else {
        dir = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        spacing = [f.pixdim[1].abs(), f.pixdim[2].abs(), f.pixdim[3].abs()];
    }
    // RAS -> LPS, then the leading d3 x d3 block.
    let d = spatial;
    image.direction = identity(d);
    for r in 0..d3 {
        let flip = if r < 2 { -1.0 } else { 1.0 };
        image.origin[r] = flip * origin[r];
        for c in 0..d3 {
            image.direction[r * d + c] = flip * dir[r][c];
        }
    }
    for (j, s) in spacing.iter().enumerate().take(d3) {
        image.spacing[j] = if *s > 0.0 && s.is_finite() { *s } else { 1.0 };
    }
    if d == 4 {
        image.spacing[3] = if f.pixdim[4] > 0.0 { f.pixdim[4] } else { 1.0 };
    }
    // scl_slope/scl_inter make the pixels float (ITK's rule): the header-only read says so
    // too (it said the stored type, found by fuzzing).
    let rescaled = f.slope != 0.0 && f.slope.is_finite() && f.inter.is_finite() && (f.slope != 1.0 || f.inter != 0.0);
    if info_only {
        if rescaled {
            crate::cast::rescale(&mut image, f.slope, f.inter)?;
        }
        return Ok(image);
    }
    let expected = image.byte_len()?;
    let mut data = match companion {
        Some(img) if f.pair => img
            .get(..expected)
            .ok_or_else(|| Failure::new(Code::InvalidData, format!("{what}: NIfTI .img data is truncated")))
            .and_then(|raw| Pixels::from_le_bytes(ct, raw))?,
        _ if f.pair => {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!("{what}: the .img file of this .hdr was not given"),
            ))
        }
        _ => {
            let off = f.vox_offset.max(0.0) as usize;
            // (A vox_offset near 2^64 overflowed `off + expected`: found by fuzzing.)
            let raw = off.checked_add(expected).and_then(|end| bytes.get(off..end)).ok_or_else(|| {
                Failure::new(
                    Code::InvalidData,
                    format!(
                        "{what}: NIfTI data is truncated: {} bytes for {expected}",
                        bytes.len().saturating_sub(off)
                    ),
                )
            })?;
            Pixels::from_le_bytes(ct, raw)?
        }
    };
    if big {
        swap_bytes(&mut data, ct.size());
    }
    // NIfTI stores a vector image as dim[5] whole volumes; ITK interleaves components.
    if vector > 1 {
        data = Pixels::from_le_bytes(ct, &interleave(&data, vector, ct.size() * channels))?;
    }
    image.data = Some(data);
    if rescaled {
        crate::cast::rescale(&mut image, f.slope, f.inter)?;
    }
    Ok(image)
}

/// `planes` consecutive volumes -> one buffer with their values interleaved per pixel.
fn interleave(data: &[u8], planes: usize, width: usize) -> Vec<u8> {
    let n = data.len() / planes / width;
    let mut out = vec![0u8; data.len()];
    for p in 0..planes {
        for i in 0..n {
            let src = (p * n + i) * width;
            let dst = (i * planes + p) * width;
            out[dst..dst + width].copy_from_slice(&data[src..src + width]);
        }
    }
    out
}

fn deinterleave(data: &[u8], planes: usize, width: usize) -> Vec<u8> {
    let n = data.len() / planes / width;
    let mut out = vec![0u8; data.len()];
    for p in 0..planes {
        for i in 0..n {
            let src = (i * planes + p) * width;
            let dst = (p * n + i) * width;
            out[dst..dst + width].copy_from_slice(&data[src..src + width]);
        }
    }
    out
}

fn datatype_code(image: &Image) -> (i16, usize) {
    match (image.ctype, image.pixel, image.components) {
        (Ctype::U8, Pixel::Rgb, 3) => (128, 1),
        (Ctype::U8, Pixel::Rgba, 4) => (2304, 1),
        (Ctype::F32, Pixel::Complex, 2) => (32, 1),
        (Ctype::F64, Pixel::Complex, 2) => (1792, 1),
        (c, _, n) => (
            match c {
                Ctype::U8 => 2,
                Ctype::I16 => 4,
                Ctype::I32 => 8,
                Ctype::F32 => 16,
                Ctype::F64 => 64,
                Ctype::I8 => 256,
                Ctype::U16 => 512,
                Ctype::U32 => 768,
                Ctype::I64 => 1024,
                Ctype::U64 => 1280,
            },
            n,
        ),
    }
}

/// Quaternion (b, c, d) and qfac of a rotation-or-reflection matrix (nifti1_io's method).
fn quaternion(m: [[f64; 3]; 3]) -> ([f64; 3], f64) {
    let mut r = m;
    let det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
        + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    let qfac = if det < 0.0 { -1.0 } else { 1.0 };
    if qfac < 0.0 {
        for row in r.iter_mut() {
            row[2] = -row[2];
        }
    }
    let trace1 = r[0][0] + r[1][1] + r[2][2] + 1.0;
    let (a, b, c, d);
    if trace1 > 0.5 {
        let aa = 0.5 * (r[0][0] + r[1][1] + r[2][2] + 1.0).sqrt();
        a = aa;
        b = 0.25 * (r[2][1] - r[1][2]) / aa;
        c = 0.25 * (r[0][2] - r[2][0]) / aa;
        d = 0.25 * (r[1][0] - r[0][1]) / aa;
    } else {
        let xd = 1.0 + r[0][0] - (r[1][1] + r[2][2]);
        let yd = 1.0 + r[1][1] - (r[0][0] + r[2][2]);
        let zd = 1.0 + r[2][2] - (r[0][0] + r[1][1]);
        if xd > 1.0 {
            let bb = 0.5 * xd.sqrt();
            b = bb;
            c = 0.25 * (r[0][1] + r[1][0]) / bb;
            d = 0.25 * (r[0][2] + r[2][0]) / bb;
            a = 0.25 * (r[2][1] - r[1][2]) / bb;
        } else if yd > 1.0 {
            let cc = 0.5 * yd.sqrt();
            c = cc;
            b = 0.25 * (r[0][1] + r[1][0]) / cc;
            d = 0.25 * (r[1][2] + r[2][1]) / cc;
            a = 0.25 * (r[0][2] - r[2][0]) / cc;
        } else {
            let dd = 0.5 * zd.sqrt();
            d = dd;
            b = 0.25 * (r[0][2] + r[2][0]) / dd;
            c = 0.25 * (r[1][2] + r[2][1]) / dd;
            a = 0.25 * (r[1][0] - r[0][1]) / dd;
        }
    }
    let (b, c, d) = if a < 0.0 { (-b, -c, -d) } else { (b, c, d) };
    ([b, c, d], qfac)
}

pub fn write(image: &Image, info_only: bool, gzip: bool) -> Result<Vec<u8>, Failure> {
    let d = image.dimension();
    if d > 4 {
        return Err(Failure::new(
            Code::Unsupported,
            format!("NIfTI holds at most 4 spatial dimensions; the image has {d}"),
        ));
    }
    let (code, vector) = datatype_code(image);
    let mut h = vec![0u8; 352];
    let put = |h: &mut Vec<u8>, at: usize, b: &[u8]| h[at..at + b.len()].copy_from_slice(b);
    put(&mut h, 0, &348i32.to_le_bytes());
    let ndim = if vector > 1 { 5 } else { d };
    let mut dims = [1i16; 8];
    dims[0] = ndim as i16;
    for (i, s) in image.size.iter().enumerate() {
        dims[i + 1] = i16::try_from(*s)
            .map_err(|_| Failure::new(Code::Unsupported, format!("NIfTI-1 sizes are at most 32767; got {s}")))?;
    }
    if vector > 1 {
        dims[5] = vector as i16;
        put(&mut h, 68, &1007i16.to_le_bytes()); // NIFTI_INTENT_VECTOR
    }
    for (i, v) in dims.iter().enumerate() {
        put(&mut h, 40 + 2 * i, &v.to_le_bytes());
    }
    put(&mut h, 70, &code.to_le_bytes());
    let bitpix = (image.ctype.size() * image.components / vector * 8) as i16;
    put(&mut h, 72, &bitpix.to_le_bytes());
    // RAS matrix of the first three axes.
    let mut m = [[0.0f64; 3]; 3];
    let mut origin = [0.0f64; 3];
    let mut spacing = [1.0f64; 3];
    for r in 0..3 {
        m[r][r] = 1.0;
    }
    for r in 0..d.min(3) {
        let flip = if r < 2 { -1.0 } else { 1.0 };
        origin[r] = flip * image.origin[r];
        for c in 0..d.min(3) {
            m[r][c] = flip * image.direction[r * d + c];
        }
    }
    if d < 3 {
        // Axes the image lacks point along +z (RAS) so the matrix stays a rotation.
        m[0][2] = 0.0;
        m[1][2] = 0.0;
        m[2][2] = 1.0;
        if d == 1 {
            m[1][1] = -1.0;
        }
    }
    for (j, s) in image.spacing.iter().enumerate().take(3) {
        spacing[j] = *s;
    }
    let (q, qfac) = quaternion(m);
    let mut pixdim = [0f32; 8];
    pixdim[0] = qfac as f32;
    for j in 0..3 {
        pixdim[j + 1] = spacing[j] as f32;
    }
    if d == 4 {
        pixdim[4] = image.spacing[3] as f32;
    }
    for (i, v) in pixdim.iter().enumerate() {
        put(&mut h, 76 + 4 * i, &v.to_le_bytes());
    }
    put(&mut h, 108, &352f32.to_le_bytes());
    put(&mut h, 112, &1f32.to_le_bytes());
    h[123] = 2 | 8; // mm, s
    put(&mut h, 252, &1i16.to_le_bytes()); // qform: scanner anatomical
    put(&mut h, 254, &1i16.to_le_bytes()); // sform: scanner anatomical
    for (i, v) in q.iter().chain(origin.iter()).enumerate() {
        put(&mut h, 256 + 4 * i, &(*v as f32).to_le_bytes());
    }
    for r in 0..3 {
        for c in 0..3 {
            put(&mut h, 280 + 16 * r + 4 * c, &((m[r][c] * spacing[c]) as f32).to_le_bytes());
        }
        put(&mut h, 280 + 16 * r + 12, &(origin[r] as f32).to_le_bytes());
    }
    // NIfTI-1 holds the geometry as float32: a value past its range (or a quaternion of a
    // direction that is no rotation) would be written as what no reader takes back (an
    // infinite spacing read back as a NaN direction: found by fuzzing).
    let geometry =
        spacing.iter().chain(&q).chain(&origin).copied().chain((0..9).map(|k| m[k / 3][k % 3] * spacing[k % 3]));
    if let Some(v) = geometry.clone().find(|v| !(*v as f32).is_finite()) {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("NIfTI-1 holds the geometry as float32, which cannot hold {v} (spacing, origin or direction)"),
        ));
    }
    put(&mut h, 148, b"witk");
    put(&mut h, 344, b"n+1\0");
    let planar;
    let data = match payload(image, info_only, None)? {
        Some(data) if vector > 1 => {
            planar = deinterleave(&data, vector, image.ctype.size());
            Some(planar.as_slice())
        }
        Some(Cow::Borrowed(data)) => Some(data),
        Some(Cow::Owned(_)) => unreachable!("uncompressed payloads are borrowed"),
        None => None,
    };
    Ok(if gzip { deflate_parts(Deflate::Gzip, &[&h, data.unwrap_or_default()]) } else { concat(&h, data) })
}

/// Inflate a .nii.gz: the header says how large the whole file is.
pub fn gunzip(bytes: &[u8], what: &str) -> Result<Vec<u8>, Failure> {
    // The first bytes give the header; inflate it to learn the data size.
    let mut probe = Vec::new();
    {
        use std::io::Read;
        let _ = flate2::read::MultiGzDecoder::new(bytes).take(540).read_to_end(&mut probe);
    }
    let (f, _) = fields(&probe, what)?;
    let mut header_only = Image::new(Ctype::U8, vec![1], 1);
    let (ct, channels, _) = datatype(f.datatype, what)?;
    header_only.ctype = ct;
    header_only.components = channels * if f.dim[0] >= 5 { f.dim[5].max(1) as usize } else { 1 };
    header_only.size = (1..=(f.dim[0].clamp(1, 4) as usize)).map(|i| f.dim[i].max(1) as u64).collect();
    // (A vox_offset near 2^64 overflowed this sum: found by fuzzing.)
    let expected = header_only.byte_len()?.checked_add(f.vox_offset.max(0.0) as usize).ok_or_else(|| {
        Failure::new(Code::InvalidData, format!("{what}: NIfTI vox_offset {} is past any file", f.vox_offset))
    })?;
    // Files written by other tools may carry extensions or padding: accept up to 64 KiB more.
    let mut out = Vec::new();
    {
        use std::io::Read;
        flate2::read::MultiGzDecoder::new(bytes)
            .take(expected as u64 + 65536)
            .read_to_end(&mut out)
            .map_err(|e| Failure::new(Code::InvalidData, format!("{what}: corrupt gzip data: {e}")))?;
    }
    if out.len() < expected {
        return Err(Failure::new(Code::InvalidData, format!("{what}: NIfTI data is truncated")));
    }
    Ok(out)
}
