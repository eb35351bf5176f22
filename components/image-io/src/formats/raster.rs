//! 2-D raster formats: PNG (8/16-bit gray, gray+alpha, RGB, RGBA), TIFF (8-64 bit
//! integers and floats, gray/RGB/RGBA, multi-page as 3-D), BMP (8/24/32-bit) and JPEG
//! (read). Rows are stored top first, as the files show them; geometry is the identity
//! (these formats have no physical space).

use crate::model::{Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};
use std::io::Cursor;

fn bad(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::new(Code::InvalidData, format!("{what}: {e}"))
}

fn unsupported(what: &str, m: impl std::fmt::Display) -> Failure {
    Failure::new(Code::Unsupported, format!("{what}: {m}"))
}

fn raster(ctype: Ctype, size: Vec<u64>, components: usize, data: Option<Vec<u8>>) -> Result<Image, Failure> {
    let mut image = Image::new(ctype, size, components);
    image.pixel = match components {
        1 => Pixel::Scalar,
        3 if matches!(ctype, Ctype::U8 | Ctype::U16) => Pixel::Rgb,
        4 if matches!(ctype, Ctype::U8 | Ctype::U16) => Pixel::Rgba,
        _ => Pixel::VariableLengthVector,
    };
    image.data = data.map(|d| Pixels::from_le_bytes(ctype, &d)).transpose()?;
    Ok(image)
}

/// Refuse images whose pixels would not fit, before decoding them.
fn check_size(w: u64, h: u64, depth: u64, bytes_per_pixel: u64, what: &str) -> Result<(), Failure> {
    let n = w.checked_mul(h).and_then(|n| n.checked_mul(depth)).and_then(|n| n.checked_mul(bytes_per_pixel));
    match n {
        Some(n) if n < 1 << 32 && w > 0 && h > 0 => Ok(()),
        _ => Err(Failure::new(Code::LimitExceeded, format!("{what}: {w} x {h} x {depth} pixels do not fit in memory"))),
    }
}

pub fn read_png(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|e| bad(what, e))?;
    let (ct, bits) = reader.output_color_type();
    let info = reader.info();
    let (w, h) = (info.width as u64, info.height as u64);
    let components = ct.samples();
    let ctype = if bits == png::BitDepth::Sixteen { Ctype::U16 } else { Ctype::U8 };
    check_size(w, h, 1, (components * ctype.size()) as u64, what)?;
    if info_only {
        return raster(ctype, vec![w, h], components, None);
    }
    let mut buf = vec![0u8; reader.output_buffer_size().ok_or_else(|| bad(what, "image too large"))?];
    let frame = reader.next_frame(&mut buf).map_err(|e| bad(what, e))?;
    buf.truncate(frame.buffer_size());
    if ctype == Ctype::U16 {
        crate::model::swap_bytes(&mut buf, 2); // PNG is big-endian
    }
    raster(ctype, vec![w, h], components, Some(buf))
}

pub fn write_png(image: &Image, compress: bool) -> Result<Vec<u8>, Failure> {
    let what = "PNG";
    if image.dimension() != 2 {
        return Err(unsupported(what, format!("PNG holds 2-D images; this one is {}-D", image.dimension())));
    }
    let depth = match image.ctype {
        Ctype::U8 => png::BitDepth::Eight,
        Ctype::U16 => png::BitDepth::Sixteen,
        other => return Err(unsupported(what, format!("PNG holds uint8 or uint16 pixels, not {}", other.name()))),
    };
    let color = match image.components {
        1 => png::ColorType::Grayscale,
        2 => png::ColorType::GrayscaleAlpha,
        3 => png::ColorType::Rgb,
        4 => png::ColorType::Rgba,
        n => return Err(unsupported(what, format!("PNG holds 1 to 4 components per pixel, not {n}"))),
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.size[0] as u32, image.size[1] as u32);
    encoder.set_color(color);
    encoder.set_depth(depth);
    encoder.set_compression(if compress { png::Compression::High } else { png::Compression::Fast });
    let mut writer = encoder.write_header().map_err(|e| bad(what, e))?;
    let mut data = image.data.clone().ok_or_else(|| Failure::new(Code::InvalidArgument, "no pixel data to write"))?;
    if image.ctype == Ctype::U16 {
        crate::model::swap_bytes(&mut data, 2);
    }
    writer.write_image_data(&data).map_err(|e| bad(what, e))?;
    writer.finish().map_err(|e| bad(what, e))?;
    Ok(out)
}

pub fn read_jpeg(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(|e| bad(what, e))?;
    let info = decoder.info().ok_or_else(|| bad(what, "no JPEG header"))?;
    let (components, ctype) = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => (1, Ctype::U8),
        jpeg_decoder::PixelFormat::L16 => (1, Ctype::U16),
        jpeg_decoder::PixelFormat::RGB24 => (3, Ctype::U8),
        jpeg_decoder::PixelFormat::CMYK32 => return Err(unsupported(what, "CMYK JPEG is not supported")),
    };
    let (w, h) = (info.width as u64, info.height as u64);
    check_size(w, h, 1, (components * ctype.size()) as u64, what)?;
    if info_only {
        return raster(ctype, vec![w, h], components, None);
    }
    let mut data = decoder.decode().map_err(|e| bad(what, e))?;
    if ctype == Ctype::U16 {
        crate::model::swap_bytes(&mut data, 2);
    }
    raster(ctype, vec![w, h], components, Some(data))
}

fn le<T: Copy>(v: Vec<T>, f: impl Fn(T) -> Vec<u8>) -> Vec<u8> {
    v.into_iter().flat_map(f).collect()
}

/// Samples stored plane after plane (`planes` of `size`-byte values each) as pixels of
/// interleaved samples.
fn interleave(planar: &[u8], planes: usize, size: usize) -> Vec<u8> {
    let n = planar.len() / (planes * size);
    let mut out = vec![0u8; planar.len()];
    for p in 0..planes {
        for i in 0..n {
            let (from, to) = ((p * n + i) * size, (i * planes + p) * size);
            out[to..to + size].copy_from_slice(&planar[from..from + size]);
        }
    }
    out
}

pub fn read_tiff(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    use tiff::decoder::{Decoder, DecodingResult, Limits};
    let mut limits = Limits::default();
    limits.decoding_buffer_size = 1 << 31;
    let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(|e| bad(what, e))?.with_limits(limits);
    let (w, h) = decoder.dimensions().map_err(|e| bad(what, e))?;
    let components = match decoder.colortype().map_err(|e| bad(what, e))? {
        tiff::ColorType::Gray(_) => 1,
        tiff::ColorType::GrayA(_) => 2,
        tiff::ColorType::RGB(_) => 3,
        tiff::ColorType::RGBA(_) => 4,
        other => return Err(unsupported(what, format!("TIFF color type {other:?} is not supported"))),
    };
    let mut pages = Vec::new();
    let mut ctype = None;
    loop {
        if decoder.dimensions().map_err(|e| bad(what, e))? != (w, h) {
            return Err(unsupported(what, "TIFF pages of different sizes cannot form one volume"));
        }
        // All planes: a planar (PlanarConfiguration 2, separate) image holds each sample in
        // its own plane, which `read_image` would read only the first of.
        let mut result = DecodingResult::U8(Vec::new());
        let layout = decoder.read_image_to_buffer(&mut result).map_err(|e| bad(what, e))?;
        if result.as_buffer(0).as_bytes().len() < layout.complete_len {
            return Err(Failure::new(
                Code::LimitExceeded,
                format!("{what}: the image's {} planes do not fit in the decoding limit", layout.planes),
            ));
        }
        let planes = layout.planes;
        let (c, bytes) = match result {
            DecodingResult::U8(v) => (Ctype::U8, v),
            DecodingResult::I8(v) => (Ctype::I8, le(v, |x| vec![x as u8])),
            DecodingResult::U16(v) => (Ctype::U16, le(v, |x| x.to_le_bytes().to_vec())),
            DecodingResult::I16(v) => (Ctype::I16, le(v, |x| x.to_le_bytes().to_vec())),
            DecodingResult::U32(v) => (Ctype::U32, le(v, |x| x.to_le_bytes().to_vec())),
            DecodingResult::I32(v) => (Ctype::I32, le(v, |x| x.to_le_bytes().to_vec())),
            DecodingResult::U64(v) => (Ctype::U64, le(v, |x| x.to_le_bytes().to_vec())),
            DecodingResult::I64(v) => (Ctype::I64, le(v, |x| x.to_le_bytes().to_vec())),
            DecodingResult::F16(v) => (Ctype::F32, le(v, |x| f32::from(x).to_le_bytes().to_vec())),
            DecodingResult::F32(v) => (Ctype::F32, le(v, |x| x.to_le_bytes().to_vec())),
            DecodingResult::F64(v) => (Ctype::F64, le(v, |x| x.to_le_bytes().to_vec())),
        };
        if ctype.is_some_and(|t| t != c) {
            return Err(unsupported(what, "TIFF pages of different types cannot form one volume"));
        }
        ctype = Some(c);
        let bytes = if planes > 1 && planes == components { interleave(&bytes, planes, c.size()) } else { bytes };
        if bytes.len() as u64 != w as u64 * h as u64 * (components * c.size()) as u64 {
            return Err(bad(
                what,
                format!("a page holds {} bytes, not {w}x{h} pixels of {components} samples", bytes.len()),
            ));
        }
        pages.push(bytes);
        if info_only || !decoder.more_images() {
            break;
        }
        decoder.next_image().map_err(|e| bad(what, e))?;
    }
    // Header only: the other pages are counted (and their sizes checked), not decoded, so
    // the size says what a full read gives (a stack was 2-D here, found by fuzzing).
    let mut count = pages.len() as u64;
    while info_only && decoder.more_images() {
        decoder.next_image().map_err(|e| bad(what, e))?;
        if decoder.dimensions().map_err(|e| bad(what, e))? != (w, h) {
            return Err(unsupported(what, "TIFF pages of different sizes cannot form one volume"));
        }
        count += 1;
    }
    let ctype = ctype.unwrap();
    let size = if count > 1 { vec![w as u64, h as u64, count] } else { vec![w as u64, h as u64] };
    raster(ctype, size, components, if info_only { None } else { Some(pages.concat()) })
}

pub fn write_tiff(image: &Image, compress: bool) -> Result<Vec<u8>, Failure> {
    use tiff::encoder::{colortype as ct, Compression, TiffEncoder};
    let what = "TIFF";
    let d = image.dimension();
    if !(2..=3).contains(&d) {
        return Err(unsupported(what, format!("TIFF holds 2-D images or 3-D stacks; this one is {d}-D")));
    }
    let data = image.data.as_deref().ok_or_else(|| Failure::new(Code::InvalidArgument, "no pixel data to write"))?;
    let (w, h) = (image.size[0] as u32, image.size[1] as u32);
    let pages = if d == 3 { image.size[2] as usize } else { 1 };
    let page_len = data.len() / pages;
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out).map_err(|e| bad(what, e))?;
    if compress {
        enc = enc.with_compression(Compression::Deflate(tiff::encoder::DeflateLevel::Balanced));
    }
    macro_rules! pages {
        ($color:ty, $t:ty) => {{
            for p in 0..pages {
                let bytes = &data[p * page_len..(p + 1) * page_len];
                let v: Vec<$t> = bytes
                    .chunks_exact(std::mem::size_of::<$t>())
                    .map(|c| <$t>::from_le_bytes(c.try_into().unwrap()))
                    .collect();
                enc.write_image::<$color>(w, h, &v).map_err(|e| bad(what, e))?;
            }
        }};
    }
    match (image.ctype, image.components) {
        (Ctype::U8, 1) => pages!(ct::Gray8, u8),
        (Ctype::I8, 1) => pages!(ct::GrayI8, i8),
        (Ctype::U16, 1) => pages!(ct::Gray16, u16),
        (Ctype::I16, 1) => pages!(ct::GrayI16, i16),
        (Ctype::U32, 1) => pages!(ct::Gray32, u32),
        (Ctype::I32, 1) => pages!(ct::GrayI32, i32),
        (Ctype::U64, 1) => pages!(ct::Gray64, u64),
        (Ctype::I64, 1) => pages!(ct::GrayI64, i64),
        (Ctype::F32, 1) => pages!(ct::Gray32Float, f32),
        (Ctype::F64, 1) => pages!(ct::Gray64Float, f64),
        (Ctype::U8, 3) => pages!(ct::RGB8, u8),
        (Ctype::U16, 3) => pages!(ct::RGB16, u16),
        (Ctype::U8, 4) => pages!(ct::RGBA8, u8),
        (Ctype::U16, 4) => pages!(ct::RGBA16, u16),
        (c, n) => return Err(unsupported(what, format!("TIFF writing of {n} x {} pixels is not supported", c.name()))),
    }
    Ok(out.into_inner())
}

pub fn read_bmp(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    let u32_at = |o: usize| bytes.get(o..o + 4).map(|b| u32::from_le_bytes(b.try_into().unwrap()));
    let u16_at = |o: usize| bytes.get(o..o + 2).map(|b| u16::from_le_bytes(b.try_into().unwrap()));
    let trunc = || bad(what, "BMP header is truncated");
    let offset = u32_at(10).ok_or_else(trunc)? as usize;
    let header = u32_at(14).ok_or_else(trunc)?;
    let width = u32_at(18).ok_or_else(trunc)? as i32;
    let height = u32_at(22).ok_or_else(trunc)? as i32;
    let bits = u16_at(28).ok_or_else(trunc)?;
    let compression = u32_at(30).ok_or_else(trunc)?;
    if compression != 0 && !(compression == 3 && bits == 32) {
        return Err(unsupported(what, format!("compressed BMP (method {compression}) is not supported")));
    }
    let (w, h) = (width.unsigned_abs() as u64, height.unsigned_abs() as u64);
    let top_down = height < 0;
    let palette_gray =
        |pal: &[u8]| pal.chunks_exact(4).enumerate().all(|(i, c)| c[0] == c[1] && c[1] == c[2] && c[0] as usize == i);
    let colors = match u32_at(46).ok_or_else(trunc)? {
        0 if bits <= 8 => 1usize << bits,
        n => n as usize,
    };
    let palette = bytes.get(14 + header as usize..14 + header as usize + 4 * colors.min(256)).unwrap_or(&[]);
    let components = match bits {
        8 if palette_gray(palette) => 1,
        8 | 24 => 3,
        32 => 4,
        other => return Err(unsupported(what, format!("{other}-bit BMP is not supported"))),
    };
    check_size(w, h, 1, components as u64, what)?;
    if info_only {
        return raster(Ctype::U8, vec![w, h], components, None);
    }
    let stride = ((w as usize * bits as usize).div_ceil(32)) * 4;
    let mut data = Vec::with_capacity((w * h) as usize * components);
    for row in 0..h as usize {
        let file_row = if top_down { row } else { h as usize - 1 - row };
        let start = offset + file_row * stride;
        let line = bytes.get(start..start + stride).ok_or_else(|| bad(what, "BMP pixel data is truncated"))?;
        for x in 0..w as usize {
            match bits {
                8 => {
                    let i = line[x] as usize;
                    if components == 1 {
                        data.push(i as u8);
                    } else {
                        let c =
                            palette.get(4 * i..4 * i + 3).ok_or_else(|| bad(what, "BMP palette index out of range"))?;
                        data.extend_from_slice(&[c[2], c[1], c[0]]);
                    }
                }
                24 => data.extend_from_slice(&[line[3 * x + 2], line[3 * x + 1], line[3 * x]]),
                _ => data.extend_from_slice(&[line[4 * x + 2], line[4 * x + 1], line[4 * x], line[4 * x + 3]]),
            }
        }
    }
    raster(Ctype::U8, vec![w, h], components, Some(data))
}

pub fn write_bmp(image: &Image) -> Result<Vec<u8>, Failure> {
    let what = "BMP";
    if image.dimension() != 2 || image.ctype != Ctype::U8 || ![1, 3, 4].contains(&image.components) {
        return Err(unsupported(what, "BMP holds 2-D uint8 images with 1, 3 or 4 components"));
    }
    let data = image.data.as_deref().ok_or_else(|| Failure::new(Code::InvalidArgument, "no pixel data to write"))?;
    let (w, h, c) = (image.size[0] as usize, image.size[1] as usize, image.components);
    let bits = [0, 8, 0, 24, 32][c];
    let stride = (w * bits).div_ceil(32) * 4;
    let palette = if c == 1 { 1024 } else { 0 };
    let offset = 14 + 40 + palette;
    let mut out = Vec::with_capacity(offset + stride * h);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&((offset + stride * h) as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(offset as u32).to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(w as i32).to_le_bytes());
    out.extend_from_slice(&(-(h as i32)).to_le_bytes()); // top-down rows
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&(bits as u16).to_le_bytes());
    out.extend_from_slice(&[0; 4]); // no compression
    out.extend_from_slice(&((stride * h) as u32).to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&(if c == 1 { 256u32 } else { 0 }).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    if c == 1 {
        for i in 0..=255u8 {
            out.extend_from_slice(&[i, i, i, 0]);
        }
    }
    for row in data.chunks_exact(w * c) {
        let start = out.len();
        for px in row.chunks_exact(c) {
            match c {
                1 => out.push(px[0]),
                3 => out.extend_from_slice(&[px[2], px[1], px[0]]),
                _ => out.extend_from_slice(&[px[2], px[1], px[0], px[3]]),
            }
        }
        out.resize(start + stride, 0);
    }
    Ok(out)
}
