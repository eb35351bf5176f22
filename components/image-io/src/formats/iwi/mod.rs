//! ITK-Wasm's own image files: `.iwi.cbor` (the image as one CBOR map, pixels as an
//! RFC 8746 typed-array tag) and `.iwi.cbor.zst` (the same, zstd-compressed).
//!
//! What ITK-Wasm's `WasmImageIO` (libcbor) writes, and so what we write, byte for byte:
//! a definite map of `imageType` {`dimension` (uint32), `componentType`, `pixelType`,
//! `components` (uint32)}, `origin` and `spacing` (arrays of float64), `direction` (tag 86
//! around d·d little-endian float64, one axis after the other: the transpose of the
//! model's row-major matrix), `size` (array of uint64), `metadata` (a map: numbers as
//! float64, strings, booleans, arrays) and, unless information only, `data`: the
//! little-endian pixels in a typed-array tag (ITK-Wasm's choice of tags: 64 for int8 and
//! uint8, 73/74/75 for int16/32/64 even though RFC 8746 calls those big-endian).
//!
//! The reader follows ITK-Wasm's, which takes the component type from `imageType` and
//! ignores the tag, and is more forgiving where other writers (NiiVue's cbor-x) differ:
//! any key order, unknown keys skipped, definite or indefinite lengths, float16/32/64 or
//! integer numbers, arrays or typed arrays for the number lists. Every declared length is
//! checked against the bytes that remain before anything is allocated for it; the pixels
//! are copied once, from the file (or straight out of the zstd stream) into their buffer.
//!
//! This is the image's mapping only; the CBOR reading and writing it is made of, which
//! ITK-Wasm's other `.cbor` files share, is `witk-cbor`'s.

use crate::codec::{concat, payload};
use crate::model::{swap_bytes, Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};
use witk_cbor::error::{bad, named, truncated};
use witk_cbor::json::{metadata, put_metadata};
use witk_cbor::number::{floats, typed_array, uint, uints};
use witk_cbor::read::{head, key, skip, tagged_head, text, Chunks, Items};
use witk_cbor::source::{Held, Slice, Source};
use witk_cbor::write::{itk_wasm_tag, put_f64, put_head, put_text, put_u32};
use witk_cbor::zstd_io::{compress, Stream};
use witk_cbor::{ARRAY, BREAK, BYTES, MAP, TAG, TEXT};

/// The zstd frame magic number, which starts every `.iwi.cbor.zst`.
pub use witk_cbor::zstd_io::ZSTD_MAGIC;

/// ITK-Wasm's `WasmZstdImageIO` compresses at level 3.
const ZSTD_LEVEL: i32 = 3;
/// Most dimensions an image may have (its direction matrix has the square of them).
const MAX_DIMENSION: usize = 64;
/// Most values a number list (origin, spacing, direction, size) may hold.
const MAX_LIST: u64 = 4096;
/// Keys of the top-level map, for recognising the format by its first key.
const KEYS: [&str; 8] = ["imageType", "origin", "spacing", "direction", "size", "metadata", "data", "name"];

/// Whether `bytes` start like an `.iwi.cbor` image: a CBOR map whose first key is one of
/// the image's.
pub fn looks_like(bytes: &[u8]) -> bool {
    first_key_is_known(&mut Slice::new(bytes)).unwrap_or(false)
}

fn first_key_is_known(src: &mut Slice) -> Result<bool, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP || (!h.indefinite() && h.arg == 0) || src.peek()? == BREAK {
        return Ok(false);
    }
    let k = head(src)?;
    if k.major != TEXT || k.indefinite() || k.arg > 16 {
        return Ok(false);
    }
    let key = src.take(k.arg as usize)?;
    Ok(KEYS.iter().any(|known| known.as_bytes() == key))
}

pub fn read(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    parse(&mut Slice::new(bytes), info_only).map_err(|f| named(what, f))
}

pub fn read_zstd(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    Stream::new(bytes).and_then(|mut src| parse(&mut src, info_only)).map_err(|f| named(what, f))
}

pub fn write(image: &Image, info_only: bool) -> Result<Vec<u8>, Failure> {
    let pixels = payload(image, info_only, None)?;
    Ok(concat(&header(image, pixels.as_deref().map(<[u8]>::len))?, pixels.as_deref()))
}

pub fn write_zstd(image: &Image, info_only: bool) -> Result<Vec<u8>, Failure> {
    let pixels = payload(image, info_only, None)?;
    let head = header(image, pixels.as_deref().map(<[u8]>::len))?;
    compress(&[&head, pixels.as_deref().unwrap_or_default()], ZSTD_LEVEL)
}

// ---------------------------------------------------------------------------------------
// Reading

/// The image's fields as they are met, in whatever order the file has them.
#[derive(Default)]
struct Fields {
    dimension: Option<u64>,
    ctype: Option<Ctype>,
    pixel: Option<Pixel>,
    components: Option<u64>,
    origin: Option<Vec<f64>>,
    spacing: Option<Vec<f64>>,
    direction: Option<Vec<f64>>,
    size: Option<Vec<u64>>,
    name: Option<String>,
    metadata: Vec<(String, String)>,
}

impl Fields {
    /// The pixel type and byte count, once `imageType` and `size` have been read.
    fn expected(&self) -> Result<Option<(Ctype, usize)>, Failure> {
        match (self.ctype, &self.size) {
            (Some(ctype), Some(size)) => {
                let components = usize::try_from(self.components.unwrap_or(1)).unwrap_or(usize::MAX);
                Ok(Some((ctype, Image::new(ctype, size.clone(), components).byte_len()?)))
            }
            _ => Ok(None),
        }
    }

    fn image(self) -> Result<Image, Failure> {
        let size = self.size.ok_or_else(|| bad("no \"size\": not an ITK-Wasm image"))?;
        let d = size.len();
        if let Some(dim) = self.dimension.filter(|&dim| dim != d as u64) {
            return Err(bad(&format!("imageType.dimension is {dim} but \"size\" has {d} values")));
        }
        let ctype = self.ctype.ok_or_else(|| bad("no imageType.componentType"))?;
        let components =
            usize::try_from(self.components.unwrap_or(1)).map_err(|_| bad("imageType.components is too large"))?;
        let mut image = Image::new(ctype, size, components);
        image.pixel = self.pixel.unwrap_or(image.pixel);
        image.name = self.name.unwrap_or(image.name);
        image.origin = self.origin.unwrap_or(image.origin);
        image.spacing = self.spacing.unwrap_or(image.spacing);
        if let Some(file) = self.direction {
            if file.len() != d * d {
                return Err(bad(&format!("\"direction\" has {} values; a {d}-D image needs {}", file.len(), d * d)));
            }
            image.direction = transpose(&file, d);
        }
        image.metadata = self.metadata;
        image.validate().map_err(|f| match f.code {
            Code::InvalidArgument => Failure::new(Code::InvalidData, f.message),
            _ => f,
        })?;
        Ok(image)
    }
}

/// The pixels, read straight into their buffer (when the header came first and the
/// source is a stream) or held where they are until the header has been read.
enum Data {
    Absent,
    Pixels(Pixels, Option<u64>),
    Held(Vec<Held>, Option<u64>),
}

fn parse<S: Source>(src: &mut S, info_only: bool) -> Result<Image, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP {
        return Err(bad("not an ITK-Wasm image: the CBOR item is not a map"));
    }
    let mut fields = Fields::default();
    let mut data = Data::Absent;
    let mut entries = Items::new(src, h, 2)?;
    while entries.next(src)? {
        let key = key(src, 1)?;
        match key.as_deref() {
            Some("imageType") => image_type(src, &mut fields)?,
            Some("origin") => fields.origin = Some(floats(src, "origin", MAX_LIST)?),
            Some("spacing") => fields.spacing = Some(floats(src, "spacing", MAX_LIST)?),
            Some("direction") => fields.direction = Some(floats(src, "direction", MAX_LIST)?),
            Some("size") => {
                let size = uints(src, "size", MAX_LIST)?;
                if size.len() > MAX_DIMENSION {
                    return Err(Failure::new(
                        Code::LimitExceeded,
                        format!("a {}-D image: more than {MAX_DIMENSION} dimensions", size.len()),
                    ));
                }
                fields.size = Some(size);
            }
            Some("name") => fields.name = Some(text(src, "name")?),
            Some("metadata") => fields.metadata = metadata(src)?,
            Some("data") if !info_only => data = pixel_data(src, &fields)?,
            _ => skip(src, 1)?,
        }
    }
    src.finish()?;
    let mut image = fields.image()?;
    if info_only {
        return Ok(image);
    }
    let want = image.byte_len()?;
    let (mut pixels, tag) = match data {
        Data::Absent => {
            return Err(bad("the file holds no pixel data (an information-only file): read it with information only"))
        }
        Data::Pixels(p, tag) => (p, tag),
        Data::Held(chunks, tag) => {
            let got: usize = chunks.iter().map(Held::len).sum();
            if got != want {
                return Err(size_mismatch(got, &image, want));
            }
            let mut p = Pixels::zeroed(image.ctype, want)?;
            let mut at = 0;
            for c in &chunks {
                let bytes = src.held(c);
                p[at..at + bytes.len()].copy_from_slice(bytes);
                at += bytes.len();
            }
            (p, tag)
        }
    };
    if pixels.len() != want || pixels.ctype() != image.ctype {
        return Err(size_mismatch(pixels.len(), &image, want));
    }
    // Big-endian typed arrays (RFC 8746), which ITK-Wasm never writes, are swapped in place.
    if let Some((width, _, true)) = tag.and_then(typed_array) {
        if width == image.ctype.size() {
            swap_bytes(&mut pixels, width);
        }
    }
    image.data = Some(pixels);
    Ok(image)
}

fn image_type<S: Source>(src: &mut S, f: &mut Fields) -> Result<(), Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP {
        return Err(bad("\"imageType\" is not a map"));
    }
    let mut entries = Items::new(src, h, 2)?;
    while entries.next(src)? {
        match key(src, 2)?.as_deref() {
            Some("dimension") => f.dimension = Some(uint(src, "imageType.dimension")?),
            Some("components") => f.components = Some(uint(src, "imageType.components")?),
            Some("componentType") => {
                let name = text(src, "imageType.componentType")?;
                f.ctype = Some(Ctype::from_name(&name).ok_or_else(|| {
                    Failure::new(Code::Unsupported, format!("component type \"{name}\" is not supported"))
                })?);
            }
            Some("pixelType") => {
                let name = text(src, "imageType.pixelType")?;
                f.pixel = Some(
                    Pixel::from_name(&name)
                        .ok_or_else(|| Failure::new(Code::Unsupported, format!("pixel type \"{name}\" is unknown")))?,
                );
            }
            _ => skip(src, 2)?,
        }
    }
    Ok(())
}

/// The `data` value: a byte string (definite, or indefinite in chunks), usually tagged.
fn pixel_data<S: Source>(src: &mut S, f: &Fields) -> Result<Data, Failure> {
    let (tag, h) = tagged_head(src)?;
    if h.major != BYTES {
        return Err(bad("\"data\" is not a byte string (a typed array)"));
    }
    let expected = if src.streaming() { f.expected()? } else { None };
    let Some((ctype, want)) = expected else {
        let mut chunks = Vec::new();
        let mut parts = Chunks::new(h);
        while let Some(len) = parts.next(src, BYTES)? {
            chunks.push(src.hold(len)?);
        }
        return Ok(Data::Held(chunks, tag));
    };
    if !h.indefinite() && h.arg != want as u64 {
        return Err(bad(&format!("pixel data holds {} bytes; the header needs {want}", h.arg)));
    }
    if want as u64 > src.left() {
        return Err(truncated(want as u64, src));
    }
    let mut pixels = Pixels::zeroed(ctype, want)?;
    let mut at = 0;
    let mut parts = Chunks::new(h);
    while let Some(len) = parts.next(src, BYTES)? {
        if len > want - at {
            return Err(bad(&format!("pixel data holds more bytes than the header's {want}")));
        }
        src.fill(&mut pixels[at..at + len])?;
        at += len;
    }
    if at != want {
        return Err(bad(&format!("pixel data holds {at} bytes; the header needs {want}")));
    }
    Ok(Data::Pixels(pixels, tag))
}

fn size_mismatch(got: usize, image: &Image, want: usize) -> Failure {
    bad(&format!(
        "pixel data holds {got} bytes; size {:?} x {} components of {} needs {want}",
        image.size,
        image.components,
        image.ctype.name()
    ))
}

/// `d x d`, row-major to column-major and back.
fn transpose(m: &[f64], d: usize) -> Vec<f64> {
    (0..d * d).map(|i| m[(i % d) * d + i / d]).collect()
}

// ---------------------------------------------------------------------------------------
// Writing

/// Everything before the pixel bytes, in ITK-Wasm's key order and encodings (libcbor's:
/// uint32 for dimension and components, uint64 sizes, float64 numbers).
fn header(image: &Image, data_len: Option<usize>) -> Result<Vec<u8>, Failure> {
    let d = image.dimension();
    let u32_of = |v: usize, what: &str| {
        u32::try_from(v)
            .map_err(|_| Failure::new(Code::Unsupported, format!("{what} {v} does not fit ITK-Wasm's uint32")))
    };
    let mut out = Vec::with_capacity(256 + 32 * d * d + 64 * image.metadata.len());
    put_head(&mut out, MAP, if data_len.is_some() { 7 } else { 6 });
    put_text(&mut out, "imageType");
    put_head(&mut out, MAP, 4);
    put_text(&mut out, "dimension");
    put_u32(&mut out, u32_of(d, "dimension")?);
    put_text(&mut out, "componentType");
    put_text(&mut out, image.ctype.name());
    put_text(&mut out, "pixelType");
    put_text(&mut out, image.pixel.name());
    put_text(&mut out, "components");
    put_u32(&mut out, u32_of(image.components, "components")?);
    for (key, values) in [("origin", &image.origin), ("spacing", &image.spacing)] {
        put_text(&mut out, key);
        put_head(&mut out, ARRAY, values.len() as u64);
        for &v in values {
            put_f64(&mut out, v);
        }
    }
    put_text(&mut out, "direction");
    put_head(&mut out, TAG, 86);
    put_head(&mut out, BYTES, (8 * d * d) as u64);
    for v in transpose(&image.direction, d) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    put_text(&mut out, "size");
    put_head(&mut out, ARRAY, d as u64);
    for &s in &image.size {
        out.push(0x1b);
        out.extend_from_slice(&s.to_be_bytes());
    }
    put_text(&mut out, "metadata");
    put_metadata(&mut out, &image.metadata);
    if let Some(len) = data_len {
        put_text(&mut out, "data");
        put_head(&mut out, TAG, itk_wasm_tag(image.ctype));
        put_head(&mut out, BYTES, len as u64);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
