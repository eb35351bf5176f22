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

use crate::codec::{concat, payload};
use crate::model::{swap_bytes, Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};
use serde_json::Value;
use zstd::zstd_safe::{self, zstd_sys, CCtx, CParameter, DCtx, DParameter, InBuffer, OutBuffer, WriteBuf};

/// The zstd frame magic number, which starts every `.iwi.cbor.zst`.
pub const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Most bytes a `.iwi.cbor.zst` may decompress to: what a wasm32 memory can address.
const MAX_DECOMPRESSED: u64 = 1 << 32;
/// Accept frames that need up to a 1 GiB window (zstd's default limit is 128 MiB).
const WINDOW_LOG_MAX: u32 = 30;
/// ITK-Wasm's `WasmZstdImageIO` compresses at level 3.
const ZSTD_LEVEL: i32 = 3;
/// Deepest nesting of arrays, maps and tags accepted (keeps hostile files off the stack).
const MAX_DEPTH: usize = 64;
/// Most dimensions an image may have (its direction matrix has the square of them).
const MAX_DIMENSION: usize = 64;
/// Most values a number list (origin, spacing, direction, size) may hold.
const MAX_LIST: u64 = 4096;
/// Most JSON values the metadata may expand to: each costs more memory than its CBOR byte.
const MAX_METADATA_VALUES: usize = 1 << 22;
/// Keys of the top-level map, for recognising the format by its first key.
const KEYS: [&str; 8] = ["imageType", "origin", "spacing", "direction", "size", "metadata", "data", "name"];

const UINT: u8 = 0;
const NINT: u8 = 1;
const BYTES: u8 = 2;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;
const SIMPLE: u8 = 7;
const BREAK: u8 = 0xff;
const INDEFINITE: u8 = 31;

/// Whether `bytes` start like an `.iwi.cbor` image: a CBOR map whose first key is one of
/// the image's.
pub fn looks_like(bytes: &[u8]) -> bool {
    first_key_is_known(&mut Slice { bytes, pos: 0 }).unwrap_or(false)
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
    parse(&mut Slice { bytes, pos: 0 }, info_only).map_err(|f| named(what, f))
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
    let pixels = pixels.as_deref().unwrap_or_default();
    let total = head.len() + pixels.len();
    let mut cctx = CCtx::create();
    cctx.set_parameter(CParameter::CompressionLevel(ZSTD_LEVEL)).map_err(zstd_error)?;
    // ITK-Wasm's reader sizes its buffer from the frame's content size: always record it.
    cctx.set_parameter(CParameter::ContentSizeFlag(true)).map_err(zstd_error)?;
    cctx.set_pledged_src_size(Some(total as u64)).map_err(zstd_error)?;
    // The header and the borrowed pixels go through one frame, without being joined first.
    let mut out = Vec::new();
    let start = (total / 8).max(1 << 12).min(zstd_safe::compress_bound(total));
    out.try_reserve_exact(start).map_err(|_| out_of_memory(start))?;
    for (part, last) in [(&head[..], false), (pixels, true)] {
        let mut input = InBuffer::around(part);
        loop {
            if out.len() == out.capacity() {
                let extra = out.capacity().max(1 << 16);
                out.try_reserve(extra).map_err(|_| out_of_memory(out.capacity() + extra))?;
            }
            let pos = out.len();
            let mut dst = OutBuffer::around_pos(&mut out, pos);
            let op = if last {
                zstd_sys::ZSTD_EndDirective::ZSTD_e_end
            } else {
                zstd_sys::ZSTD_EndDirective::ZSTD_e_continue
            };
            let pending = cctx.compress_stream2(&mut dst, &mut input, op).map_err(zstd_error)?;
            let done = if last { pending == 0 } else { input.pos() == part.len() };
            if done {
                break;
            }
        }
    }
    Ok(out)
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
            Some("origin") => fields.origin = Some(floats(src, "origin")?),
            Some("spacing") => fields.spacing = Some(floats(src, "spacing")?),
            Some("direction") => fields.direction = Some(floats(src, "direction")?),
            Some("size") => {
                let size = uints(src, "size")?;
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

/// A map key: its text, or `None` for a key of another type (whose value is then skipped).
fn key<S: Source>(src: &mut S, depth: usize) -> Result<Option<String>, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major == TEXT {
        return Ok(Some(text_body(src, h, "a map key")?));
    }
    skip_body(src, h, depth)?;
    Ok(None)
}

fn text<S: Source>(src: &mut S, what: &str) -> Result<String, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != TEXT {
        return Err(bad(&format!("{what} is not a text string")));
    }
    text_body(src, h, what)
}

fn text_body<S: Source>(src: &mut S, h: Head, what: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let mut parts = Chunks::new(h);
    while let Some(len) = parts.next(src, TEXT)? {
        let chunk = src.take(len)?;
        bytes.try_reserve(len).map_err(|_| out_of_memory(len))?;
        bytes.extend_from_slice(chunk);
    }
    String::from_utf8(bytes).map_err(|_| bad(&format!("{what} is not valid UTF-8")))
}

/// A CBOR number, as written.
#[derive(Clone, Copy, Debug)]
enum Num {
    U(u64),
    /// -1 - n
    N(u64),
    F(f64),
}

impl Num {
    fn f64(self) -> f64 {
        match self {
            Num::U(u) => u as f64,
            Num::N(n) => -1.0 - n as f64,
            Num::F(f) => f,
        }
    }

    fn u64(self) -> Option<u64> {
        match self {
            Num::U(u) => Some(u),
            Num::F(f) if (0.0..18446744073709551616.0).contains(&f) && f.fract() == 0.0 => Some(f as u64),
            _ => None,
        }
    }
}

fn number<S: Source>(src: &mut S, what: &str) -> Result<Num, Failure> {
    let (_, h) = tagged_head(src)?;
    number_body(h).ok_or_else(|| bad(&format!("{what} is not a number")))
}

fn number_body(h: Head) -> Option<Num> {
    match (h.major, h.info) {
        (UINT, _) => Some(Num::U(h.arg)),
        (NINT, _) => Some(Num::N(h.arg)),
        (SIMPLE, 25) => Some(Num::F(f16(h.arg as u16))),
        (SIMPLE, 26) => Some(Num::F(f32::from_bits(h.arg as u32) as f64)),
        (SIMPLE, 27) => Some(Num::F(f64::from_bits(h.arg))),
        _ => None,
    }
}

fn f16(h: u16) -> f64 {
    let (exp, man) = ((h >> 10) & 0x1f, (h & 0x3ff) as f64);
    let v = match exp {
        0 => man * 2f64.powi(-24),
        31 if man == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (man + 1024.0) * 2f64.powi(exp as i32 - 25),
    };
    if h & 0x8000 != 0 {
        -v
    } else {
        v
    }
}

fn uint<S: Source>(src: &mut S, what: &str) -> Result<u64, Failure> {
    number(src, what)?.u64().ok_or_else(|| bad(&format!("{what} is not a non-negative integer")))
}

fn floats<S: Source>(src: &mut S, what: &str) -> Result<Vec<f64>, Failure> {
    Ok(numbers(src, what)?.into_iter().map(Num::f64).collect())
}

fn uints<S: Source>(src: &mut S, what: &str) -> Result<Vec<u64>, Failure> {
    numbers(src, what)?
        .into_iter()
        .map(|n| n.u64().ok_or_else(|| bad(&format!("{what} holds {n:?}, not a non-negative integer"))))
        .collect()
}

/// A list of numbers: a CBOR array, or a typed array (an untagged byte string is float64,
/// as ITK-Wasm's `direction`).
fn numbers<S: Source>(src: &mut S, what: &str) -> Result<Vec<Num>, Failure> {
    let (tag, h) = tagged_head(src)?;
    let too_many = |n: u64| Failure::new(Code::LimitExceeded, format!("{what} has {n} values, more than {MAX_LIST}"));
    match h.major {
        ARRAY => {
            let mut out = Vec::new();
            let mut items = Items::new(src, h, 1)?;
            while items.next(src)? {
                if out.len() as u64 >= MAX_LIST {
                    return Err(too_many(out.len() as u64 + 1));
                }
                out.push(number(src, what)?);
            }
            Ok(out)
        }
        BYTES => {
            let bytes = byte_string(src, h, MAX_LIST * 8, what)?;
            let (width, kind, big) = tag.and_then(typed_array).unwrap_or((8, Kind::F, false));
            if bytes.len() % width != 0 {
                return Err(bad(&format!(
                    "{what}: {} bytes are not a whole number of {width}-byte values",
                    bytes.len()
                )));
            }
            Ok(bytes.chunks_exact(width).map(|b| element(b, kind, big)).collect())
        }
        _ => Err(bad(&format!("{what} is not an array of numbers"))),
    }
}

/// The whole of a (small) byte string, at most `limit` bytes.
fn byte_string<S: Source>(src: &mut S, h: Head, limit: u64, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let mut parts = Chunks::new(h);
    while let Some(len) = parts.next(src, BYTES)? {
        if (bytes.len() + len) as u64 > limit {
            return Err(Failure::new(Code::LimitExceeded, format!("{what} is longer than {limit} bytes")));
        }
        bytes.extend_from_slice(src.take(len)?);
    }
    Ok(bytes)
}

#[derive(Clone, Copy)]
enum Kind {
    U,
    I,
    F,
}

/// (element width, kind, big-endian) of an RFC 8746 typed-array tag, as ITK-Wasm uses them.
fn typed_array(tag: u64) -> Option<(usize, Kind, bool)> {
    Some(match tag {
        64 | 68 => (1, Kind::U, false),
        72 => (1, Kind::I, false),
        65 => (2, Kind::U, true),
        66 => (4, Kind::U, true),
        67 => (8, Kind::U, true),
        69 => (2, Kind::U, false),
        70 => (4, Kind::U, false),
        71 => (8, Kind::U, false),
        // RFC 8746 has these big-endian; ITK-Wasm writes little-endian signed pixels with them.
        73 | 77 => (2, Kind::I, false),
        74 | 78 => (4, Kind::I, false),
        75 | 79 => (8, Kind::I, false),
        80 => (2, Kind::F, true),
        81 => (4, Kind::F, true),
        82 => (8, Kind::F, true),
        84 => (2, Kind::F, false),
        85 => (4, Kind::F, false),
        86 => (8, Kind::F, false),
        _ => return None,
    })
}

fn element(b: &[u8], kind: Kind, big: bool) -> Num {
    let mut v = [0u8; 8];
    v[..b.len()].copy_from_slice(b);
    if big {
        v[..b.len()].reverse();
    }
    let raw = u64::from_le_bytes(v);
    let bits = 64 - 8 * b.len() as u32;
    match (kind, b.len()) {
        (Kind::U, _) => Num::U(raw),
        (Kind::I, _) => {
            let i = ((raw << bits) as i64) >> bits;
            if i < 0 {
                Num::N(!(i as u64))
            } else {
                Num::U(i as u64)
            }
        }
        (Kind::F, 2) => Num::F(f16(raw as u16)),
        (Kind::F, 4) => Num::F(f32::from_bits(raw as u32) as f64),
        (Kind::F, _) => Num::F(f64::from_bits(raw)),
    }
}

/// The metadata map, each value as JSON text.
fn metadata<S: Source>(src: &mut S) -> Result<Vec<(String, String)>, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP {
        return Err(bad("\"metadata\" is not a map"));
    }
    let mut budget = MAX_METADATA_VALUES;
    let mut out = Vec::new();
    let mut entries = Items::new(src, h, 2)?;
    while entries.next(src)? {
        let key = key_text(json(src, 2, &mut budget)?);
        out.push((key, json(src, 2, &mut budget)?.to_string()));
    }
    Ok(out)
}

fn json<S: Source>(src: &mut S, depth: usize, budget: &mut usize) -> Result<Value, Failure> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    *budget = budget.checked_sub(1).ok_or_else(too_much_metadata)?;
    let (tag, h) = tagged_head(src)?;
    if let Some(n) = number_body(h) {
        return Ok(num_json(n));
    }
    Ok(match h.major {
        BYTES => {
            let left = src.left();
            let bytes = byte_string(src, h, left, "a metadata byte string")?;
            let (width, kind, big) = tag.and_then(typed_array).unwrap_or((1, Kind::U, false));
            if bytes.len() % width != 0 {
                return Err(bad("a metadata typed array is not a whole number of values"));
            }
            *budget = budget.checked_sub(bytes.len() / width).ok_or_else(too_much_metadata)?;
            Value::Array(bytes.chunks_exact(width).map(|b| num_json(element(b, kind, big))).collect())
        }
        TEXT => Value::String(text_body(src, h, "a metadata string")?),
        ARRAY => {
            let mut out = Vec::new();
            let mut items = Items::new(src, h, 1)?;
            while items.next(src)? {
                out.push(json(src, depth + 1, budget)?);
            }
            Value::Array(out)
        }
        MAP => {
            let mut out = serde_json::Map::new();
            let mut entries = Items::new(src, h, 2)?;
            while entries.next(src)? {
                let key = key_text(json(src, depth + 1, budget)?);
                out.insert(key, json(src, depth + 1, budget)?);
            }
            Value::Object(out)
        }
        SIMPLE if h.arg == 20 || h.arg == 21 => Value::Bool(h.arg == 21),
        _ => Value::Null,
    })
}

/// A JSON object key from a CBOR map key of any type.
fn key_text(key: Value) -> String {
    match key {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Numbers as ITK-Wasm's JSON has them: integral values as integers.
fn num_json(n: Num) -> Value {
    match n {
        Num::U(u) => Value::from(u),
        Num::N(n) if n < 1 << 63 => Value::from(-1 - n as i64),
        Num::F(f) if f.is_finite() && f.fract() == 0.0 && f.abs() <= 9007199254740992.0 => Value::from(f as i64),
        other => serde_json::Number::from_f64(other.f64()).map_or(Value::Null, Value::Number),
    }
}

fn too_deep() -> Failure {
    Failure::new(Code::LimitExceeded, format!("CBOR items are nested more than {MAX_DEPTH} deep"))
}

fn too_much_metadata() -> Failure {
    Failure::new(Code::LimitExceeded, format!("the metadata holds more than {MAX_METADATA_VALUES} values"))
}

// ---------------------------------------------------------------------------------------
// CBOR items

#[derive(Clone, Copy, Debug)]
struct Head {
    major: u8,
    info: u8,
    /// The count, length, value or tag; meaningless when indefinite.
    arg: u64,
}

impl Head {
    fn indefinite(&self) -> bool {
        self.info == INDEFINITE
    }
}

fn head<S: Source>(src: &mut S) -> Result<Head, Failure> {
    let at = src.offset();
    let b = src.take(1)?[0];
    let (major, info) = (b >> 5, b & 0x1f);
    let arg = match info {
        0..=23 => info as u64,
        24..=27 => {
            let n = 1usize << (info - 24);
            src.take(n)?.iter().fold(0u64, |acc, &x| acc << 8 | x as u64)
        }
        INDEFINITE if matches!(major, BYTES | TEXT | ARRAY | MAP) => 0,
        INDEFINITE if major == SIMPLE => return Err(bad(&format!("unexpected CBOR break at byte {at}"))),
        _ => return Err(bad(&format!("malformed CBOR at byte {at} (initial byte 0x{b:02x})"))),
    };
    Ok(Head { major, info, arg })
}

/// The head of the next item past any tags, with the innermost tag.
fn tagged_head<S: Source>(src: &mut S) -> Result<(Option<u64>, Head), Failure> {
    let mut tag = None;
    for _ in 0..MAX_DEPTH {
        let h = head(src)?;
        if h.major != TAG {
            return Ok((tag, h));
        }
        tag = Some(h.arg);
    }
    Err(too_deep())
}

/// The elements of an array or the entries of a map, counted or up to a break.
struct Items {
    left: Option<u64>,
}

impl Items {
    /// `min` is the fewest bytes each item takes: a declared count is checked against it.
    fn new<S: Source>(src: &S, h: Head, min: u64) -> Result<Items, Failure> {
        if h.indefinite() {
            return Ok(Items { left: None });
        }
        if h.arg > src.left() / min {
            return Err(bad(&format!("a CBOR item declares {} entries but only {} bytes remain", h.arg, src.left())));
        }
        Ok(Items { left: Some(h.arg) })
    }

    fn next<S: Source>(&mut self, src: &mut S) -> Result<bool, Failure> {
        match &mut self.left {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None if src.peek()? == BREAK => {
                src.take(1)?;
                Ok(false)
            }
            None => Ok(true),
        }
    }
}

/// The lengths of a string's chunks: one for a definite string, each chunk of an
/// indefinite one. Every length is checked against the bytes that remain.
struct Chunks {
    head: Option<Head>,
    indefinite: bool,
}

impl Chunks {
    fn new(h: Head) -> Chunks {
        Chunks { head: Some(h), indefinite: h.indefinite() }
    }

    fn next<S: Source>(&mut self, src: &mut S, major: u8) -> Result<Option<usize>, Failure> {
        let h = if self.indefinite {
            if src.peek()? == BREAK {
                src.take(1)?;
                return Ok(None);
            }
            let h = head(src)?;
            if h.major != major || h.indefinite() {
                return Err(bad("malformed CBOR: a chunk of an indefinite-length string is not a definite string"));
            }
            h
        } else {
            match self.head.take() {
                Some(h) => h,
                None => return Ok(None),
            }
        };
        if h.arg > src.left() {
            return Err(truncated(h.arg, src));
        }
        Ok(Some(h.arg as usize))
    }
}

fn skip<S: Source>(src: &mut S, depth: usize) -> Result<(), Failure> {
    let h = head(src)?;
    skip_body(src, h, depth)
}

fn skip_body<S: Source>(src: &mut S, h: Head, depth: usize) -> Result<(), Failure> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    match h.major {
        BYTES | TEXT => {
            let mut parts = Chunks::new(h);
            while let Some(len) = parts.next(src, h.major)? {
                src.skip(len)?;
            }
        }
        ARRAY | MAP => {
            let per = if h.major == MAP { 2 } else { 1 };
            let mut items = Items::new(src, h, per)?;
            while items.next(src)? {
                for _ in 0..per {
                    skip(src, depth + 1)?;
                }
            }
        }
        TAG => skip(src, depth + 1)?,
        _ => {}
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Sources: the file itself, or a zstd stream decompressed as it is parsed

/// Bytes set aside until the header is known (pixels met before `imageType`/`size`).
enum Held {
    /// A range of the file.
    At(usize, usize),
    /// Bytes decompressed into their own buffer.
    Owned(Vec<u8>),
}

impl Held {
    fn len(&self) -> usize {
        match self {
            Held::At(_, n) => *n,
            Held::Owned(v) => v.len(),
        }
    }
}

trait Source {
    /// The next `n` bytes (`n` already checked against `left`), valid until the next call.
    fn take(&mut self, n: usize) -> Result<&[u8], Failure>;
    fn peek(&mut self) -> Result<u8, Failure>;
    /// Fill `out` with the next bytes.
    fn fill(&mut self, out: &mut [u8]) -> Result<(), Failure>;
    fn skip(&mut self, n: usize) -> Result<(), Failure>;
    /// The most bytes that can remain.
    fn left(&self) -> u64;
    /// Offset of the next byte, for messages.
    fn offset(&self) -> u64;
    /// Set the next `n` bytes aside.
    fn hold(&mut self, n: usize) -> Result<Held, Failure>;
    fn held<'s>(&'s self, h: &'s Held) -> &'s [u8];
    /// Whether pixels should go into their buffer as soon as they are met (a stream), or be
    /// held where they are until the whole header has been read (a file in memory).
    fn streaming(&self) -> bool;
    /// Check nothing follows the top-level item.
    fn finish(&mut self) -> Result<(), Failure>;
}

struct Slice<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Source for Slice<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Failure> {
        if n > self.bytes.len() - self.pos {
            return Err(truncated(n as u64, self));
        }
        self.pos += n;
        Ok(&self.bytes[self.pos - n..self.pos])
    }

    fn peek(&mut self) -> Result<u8, Failure> {
        self.bytes.get(self.pos).copied().ok_or_else(|| truncated(1, self))
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), Failure> {
        out.copy_from_slice(self.take(out.len())?);
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<(), Failure> {
        self.take(n).map(|_| ())
    }

    fn left(&self) -> u64 {
        (self.bytes.len() - self.pos) as u64
    }

    fn offset(&self) -> u64 {
        self.pos as u64
    }

    fn hold(&mut self, n: usize) -> Result<Held, Failure> {
        let at = self.pos;
        self.take(n)?;
        Ok(Held::At(at, n))
    }

    fn held<'s>(&'s self, h: &'s Held) -> &'s [u8] {
        match h {
            Held::At(at, n) => &self.bytes[*at..at + n],
            Held::Owned(v) => v,
        }
    }

    fn streaming(&self) -> bool {
        false
    }

    fn finish(&mut self) -> Result<(), Failure> {
        match self.left() {
            0 => Ok(()),
            n => Err(bad(&format!("{n} bytes follow the CBOR map"))),
        }
    }
}

/// The decompressor: zstd frames in, bytes out, no more than `limit` of them.
struct Inflate<'a> {
    dctx: DCtx<'static>,
    input: &'a [u8],
    in_pos: usize,
    produced: u64,
    limit: u64,
    /// Whether the last call ended a frame.
    frame_done: bool,
}

impl Inflate<'_> {
    /// Decompress into the free part of `dst`; 0 bytes means the input is all decoded.
    fn produce<C: WriteBuf + ?Sized>(&mut self, dst: &mut OutBuffer<'_, C>) -> Result<usize, Failure> {
        let start = dst.pos();
        loop {
            if self.in_pos == self.input.len() && self.frame_done {
                return Ok(0);
            }
            let mut src = InBuffer::around(self.input);
            src.set_pos(self.in_pos);
            let hint = self.dctx.decompress_stream(dst, &mut src).map_err(zstd_error)?;
            let consumed = src.pos() - self.in_pos;
            self.in_pos = src.pos();
            self.frame_done = hint == 0;
            let n = dst.pos() - start;
            self.produced += n as u64;
            if self.produced > self.limit {
                return Err(match self.limit {
                    MAX_DECOMPRESSED => Failure::new(
                        Code::LimitExceeded,
                        format!("the zstd data decompresses to more than {MAX_DECOMPRESSED} bytes"),
                    ),
                    limit => {
                        bad(&format!("the zstd data decompresses to more than the {limit} bytes its frame declares"))
                    }
                });
            }
            if n > 0 {
                return Ok(n);
            }
            if self.in_pos == self.input.len() && !self.frame_done {
                return Err(bad("truncated zstd data: the input ends before the frame does"));
            }
            if consumed == 0 && !self.frame_done {
                return Err(bad("corrupt zstd data: the decompressor makes no progress"));
            }
        }
    }
}

struct Stream<'a> {
    z: Inflate<'a>,
    /// Decompressed bytes not yet handed out start at `buf[start]`.
    buf: Vec<u8>,
    start: usize,
    consumed: u64,
}

impl<'a> Stream<'a> {
    fn new(input: &'a [u8]) -> Result<Stream<'a>, Failure> {
        if !input.starts_with(ZSTD_MAGIC) {
            return Err(bad("not zstd data (no frame magic)"));
        }
        let limit = match zstd_safe::get_frame_content_size(input) {
            Ok(Some(n)) if n > MAX_DECOMPRESSED => {
                return Err(Failure::new(
                    Code::LimitExceeded,
                    format!("the zstd frame declares {n} bytes, more than a 4 GiB WebAssembly memory can hold"),
                ))
            }
            Ok(Some(n)) => n,
            // No declared size: decompress as a stream, up to what a wasm32 memory holds.
            Ok(None) => MAX_DECOMPRESSED,
            Err(_) => return Err(bad("corrupt zstd frame header")),
        };
        let mut dctx = DCtx::create();
        dctx.set_parameter(DParameter::WindowLogMax(WINDOW_LOG_MAX)).map_err(zstd_error)?;
        let z = Inflate { dctx, input, in_pos: 0, produced: 0, limit, frame_done: false };
        Ok(Stream { z, buf: Vec::new(), start: 0, consumed: 0 })
    }

    fn available(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Decompress until `n` bytes are available, growing the buffer with what arrives
    /// (not with what a length declares).
    fn want(&mut self, n: usize) -> Result<(), Failure> {
        if self.available() >= n {
            return Ok(());
        }
        self.buf.drain(..self.start);
        self.start = 0;
        while self.buf.len() < n {
            if self.buf.len() == self.buf.capacity() {
                let extra = (n - self.buf.len()).clamp(1 << 16, self.buf.capacity().max(1 << 16));
                self.buf.try_reserve(extra).map_err(|_| out_of_memory(self.buf.len() + extra))?;
            }
            let pos = self.buf.len();
            if self.z.produce(&mut OutBuffer::around_pos(&mut self.buf, pos))? == 0 {
                return Err(truncated(n as u64, self));
            }
        }
        Ok(())
    }
}

impl Source for Stream<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Failure> {
        self.want(n)?;
        self.start += n;
        self.consumed += n as u64;
        Ok(&self.buf[self.start - n..self.start])
    }

    fn peek(&mut self) -> Result<u8, Failure> {
        self.want(1)?;
        Ok(self.buf[self.start])
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), Failure> {
        let k = self.available().min(out.len());
        out[..k].copy_from_slice(&self.buf[self.start..self.start + k]);
        self.start += k;
        let mut at = k;
        while at < out.len() {
            let n = self.z.produce(&mut OutBuffer::around(&mut out[at..]))?;
            if n == 0 {
                return Err(truncated((out.len() - at) as u64, self));
            }
            at += n;
        }
        self.consumed += out.len() as u64;
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<(), Failure> {
        let k = self.available().min(n);
        self.start += k;
        self.consumed += k as u64;
        let mut rest = n - k;
        while rest > 0 {
            // The buffer is empty: decompress into it as scratch, keeping what is not skipped.
            self.buf.clear();
            self.start = 0;
            if self.buf.capacity() < 1 << 16 {
                self.buf.try_reserve(1 << 16).map_err(|_| out_of_memory(1 << 16))?;
            }
            let got = self.z.produce(&mut OutBuffer::around_pos(&mut self.buf, 0))?;
            if got == 0 {
                return Err(truncated(rest as u64, self));
            }
            let used = got.min(rest);
            self.start = used;
            self.consumed += used as u64;
            rest -= used;
        }
        Ok(())
    }

    fn left(&self) -> u64 {
        self.z.limit.saturating_sub(self.consumed)
    }

    fn offset(&self) -> u64 {
        self.consumed
    }

    fn hold(&mut self, n: usize) -> Result<Held, Failure> {
        let mut v = Vec::new();
        while v.len() < n {
            let step = (n - v.len()).min(v.len().max(1 << 20));
            v.try_reserve_exact(step).map_err(|_| out_of_memory(v.len() + step))?;
            let at = v.len();
            v.resize(at + step, 0);
            self.fill(&mut v[at..])?;
        }
        Ok(Held::Owned(v))
    }

    fn held<'s>(&'s self, h: &'s Held) -> &'s [u8] {
        match h {
            Held::Owned(v) => v,
            Held::At(..) => unreachable!("a stream holds its own bytes"),
        }
    }

    fn streaming(&self) -> bool {
        true
    }

    fn finish(&mut self) -> Result<(), Failure> {
        let mut extra = self.available();
        if extra == 0 {
            // The frame must end (a truncated one is an error), with nothing after the map.
            let mut scratch = [0u8; 64];
            extra = self.z.produce(&mut OutBuffer::around(&mut scratch[..]))?;
        }
        match extra {
            0 => Ok(()),
            _ => Err(bad("bytes follow the CBOR map in the decompressed data")),
        }
    }
}

fn truncated<S: Source>(need: u64, src: &S) -> Failure {
    bad(&format!(
        "truncated: {need} more bytes needed at byte {} of the CBOR data, at most {} remain",
        src.offset(),
        src.left()
    ))
}

fn bad(message: &str) -> Failure {
    Failure::new(Code::InvalidData, message)
}

fn named(what: &str, f: Failure) -> Failure {
    if f.message.starts_with(what) {
        f
    } else {
        Failure::new(f.code, format!("{what}: {}", f.message))
    }
}

fn out_of_memory(n: usize) -> Failure {
    Failure::new(Code::LimitExceeded, format!("{n} bytes do not fit in memory"))
}

fn zstd_error(code: usize) -> Failure {
    let name = zstd_safe::get_error_name(code);
    let kind = if name.contains("allocation") { Code::LimitExceeded } else { Code::InvalidData };
    Failure::new(kind, format!("zstd: {name}"))
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
    put_head(&mut out, MAP, image.metadata.len() as u64);
    for (key, text) in &image.metadata {
        put_text(&mut out, key);
        match serde_json::from_str::<Value>(text) {
            Ok(v) => put_json(&mut out, &v),
            Err(_) => put_text(&mut out, text),
        }
    }
    if let Some(len) = data_len {
        put_text(&mut out, "data");
        put_head(&mut out, TAG, itk_wasm_tag(image.ctype));
        put_head(&mut out, BYTES, len as u64);
    }
    Ok(out)
}

/// The tag ITK-Wasm's writer puts on the pixels of each component type.
fn itk_wasm_tag(c: Ctype) -> u64 {
    match c {
        Ctype::I8 | Ctype::U8 => 64,
        Ctype::I16 => 73,
        Ctype::U16 => 69,
        Ctype::I32 => 74,
        Ctype::U32 => 70,
        Ctype::I64 => 75,
        Ctype::U64 => 71,
        Ctype::F32 => 85,
        Ctype::F64 => 86,
    }
}

fn put_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.push(0x1a);
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_f64(out: &mut Vec<u8>, v: f64) {
    out.push(0xfb);
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_text(out: &mut Vec<u8>, s: &str) {
    put_head(out, TEXT, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// JSON as ITK-Wasm's metadata: numbers as float64 (integers too, which ITK-Wasm's reader
/// would otherwise drop; only those beyond 2^53 stay integers, so as not to lose digits).
fn put_json(out: &mut Vec<u8>, v: &Value) {
    const EXACT: u64 = 1 << 53;
    match v {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) if u > EXACT => put_head(out, UINT, u),
            (None, Some(i)) if i.unsigned_abs() > EXACT => put_head(out, NINT, !(i as u64)),
            _ => put_f64(out, n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => put_text(out, s),
        Value::Array(items) => {
            put_head(out, ARRAY, items.len() as u64);
            for item in items {
                put_json(out, item);
            }
        }
        Value::Object(map) => {
            put_head(out, MAP, map.len() as u64);
            for (k, item) in map {
                put_text(out, k);
                put_json(out, item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::identity;

    fn sample(ctype: Ctype, size: Vec<u64>, components: usize) -> Image {
        let d = size.len();
        let mut image = Image::new(ctype, size, components);
        image.origin = (0..d).map(|i| 1.5 - i as f64 * 10.25).collect();
        image.spacing = (0..d).map(|i| 0.5 + i as f64 * 0.75).collect();
        // Not symmetric, so a transposed direction would show.
        image.direction = vec![0.0; d * d];
        for i in 0..d {
            image.direction[i * d + (i + 1) % d] = 1.0;
        }
        let n = image.byte_len().unwrap();
        let bytes: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
        image.data = Some(Pixels::from_le_bytes(ctype, &bytes).unwrap());
        image
    }

    fn err(r: Result<Image, Failure>) -> Failure {
        r.expect_err("should fail")
    }

    #[test]
    fn round_trips_every_type_dimension_and_components() {
        for ctype in Ctype::ALL {
            for size in [vec![5, 3], vec![4, 3, 2]] {
                for components in [1, 3] {
                    let mut image = sample(ctype, size.clone(), components);
                    if components == 3 {
                        image.pixel = Pixel::Rgb;
                    }
                    let bytes = write(&image, false).unwrap();
                    assert!(looks_like(&bytes));
                    assert_eq!(read(&bytes, false, "a.iwi.cbor").unwrap(), image, "{ctype:?} {size:?} {components}");
                    let z = write_zstd(&image, false).unwrap();
                    assert!(z.starts_with(ZSTD_MAGIC));
                    assert_eq!(zstd_safe::get_frame_content_size(&z).unwrap(), Some(bytes.len() as u64));
                    assert_eq!(read_zstd(&z, false, "a.iwi.cbor.zst").unwrap(), image);
                    // Through the format dispatch, by magic and by name.
                    let back = crate::formats::read("a.iwi.cbor", &bytes, None, false).unwrap();
                    assert_eq!(back, image);
                    let back = crate::formats::read("a.iwi.cbor.zst", &z, None, false).unwrap();
                    assert_eq!(back, image);
                }
            }
        }
    }

    #[test]
    fn layout_is_itk_wasms() {
        let mut image = sample(Ctype::I16, vec![2, 3], 1);
        image.direction = vec![0.0, 1.0, -1.0, 0.0];
        let bytes = write(&image, false).unwrap();
        // A definite map of 7, imageType first, with libcbor's uint32 dimension.
        assert_eq!(&bytes[..27], b"\xa7\x69imageType\xa4\x69dimension\x1a\x00\x00\x00\x02");
        // Direction: tag 86, axis after axis (column 0 of the matrix first).
        let at = bytes.windows(9).position(|w| w == b"direction").unwrap() + 9;
        assert_eq!(&bytes[at..at + 3], b"\xd8\x56\x58");
        let dir: Vec<f64> =
            bytes[at + 4..at + 36].chunks(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
        assert_eq!(dir, [0.0, -1.0, 1.0, 0.0]);
        // Sizes as uint64, the pixels last under ITK-Wasm's tag 73 for int16.
        assert!(bytes.windows(24).any(|w| w == b"\x64size\x82\x1b\0\0\0\0\0\0\0\x02\x1b\0\0\0\0\0\0\0\x03"));
        let tail = 5 + 2 + 1 + 12;
        assert_eq!(&bytes[bytes.len() - tail..bytes.len() - 12], b"\x64data\xd8\x49\x4c");
    }

    #[test]
    fn information_only() {
        let image = sample(Ctype::F32, vec![4, 5, 6], 2);
        let bytes = write(&image, true).unwrap();
        assert_eq!(bytes[0], 0xa6);
        assert!(bytes.len() < 400);
        let info = read(&bytes, true, "i.iwi.cbor").unwrap();
        assert_eq!(info, Image { data: None, ..image.clone() });
        let f = err(read(&bytes, false, "i.iwi.cbor"));
        assert_eq!(f.code, Code::InvalidData);
        assert!(f.message.starts_with("i.iwi.cbor: ") && f.message.contains("information only"), "{}", f.message);
        // Information only from a full file skips the pixels.
        let full = write(&image, false).unwrap();
        assert_eq!(read(&full, true, "x").unwrap().data, None);
        assert_eq!(read_zstd(&write_zstd(&image, false).unwrap(), true, "x").unwrap().data, None);
    }

    #[test]
    fn metadata_values() {
        let mut image = sample(Ctype::U8, vec![2, 2], 1);
        image.metadata = [
            ("int", "3"),
            ("neg", "-4"),
            ("float", "2.5"),
            ("str", "\"text\""),
            ("bool", "true"),
            ("null", "null"),
            ("floats", "[1.5,2.5]"),
            ("strings", "[\"x\",\"y\"]"),
            ("matrix", "[[1,2],[3,4.5]]"),
            ("object", "{\"a\":1,\"b\":[\"c\"]}"),
            ("big", "18446744073709551615"),
            ("bigneg", "-9223372036854775808"),
            ("not json", "plain words"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec();
        let bytes = write(&image, false).unwrap();
        let back = read(&bytes, false, "m").unwrap();
        let mut want = image.metadata.clone();
        want.last_mut().unwrap().1 = "\"plain words\"".into();
        assert_eq!(back.metadata, want);
        // Numbers are float64 in the file, as ITK-Wasm writes and reads them.
        assert!(bytes.windows(5).any(|w| w == b"\x63int\xfb"));
        assert!(bytes.windows(13).any(|w| w == b"\x63big\x1b\xff\xff\xff\xff\xff\xff\xff\xff"));
    }

    /// A hand-made file as other writers make them: keys in another order, unknown keys,
    /// indefinite lengths, float16/float32 and integer numbers, chunked pixels, a typed
    /// array in the metadata, a self-describe tag.
    #[test]
    fn other_writers() {
        let mut f = vec![0xd9, 0xd9, 0xf7, 0xbf]; // self-describe tag, indefinite map
        put_text(&mut f, "data");
        f.extend_from_slice(&[0xd8, 77, 0x5f, 0x42, 1, 0, 0x44, 2, 0, 3, 0, 0xff]); // int16 LE, 2 chunks
        put_text(&mut f, "extra");
        f.extend_from_slice(&[0x9f, 0x01, 0xa1, 0x61, b'k', 0x80, 0xff]);
        put_text(&mut f, "size");
        f.extend_from_slice(&[0x9f, 0x03, 0xf9, 0x3c, 0x00, 0xff]); // [3, 1.0 as float16]
        put_text(&mut f, "imageType");
        f.push(0xbf);
        for (k, v) in [("componentType", "int16"), ("pixelType", "Scalar")] {
            put_text(&mut f, k);
            put_text(&mut f, v);
        }
        put_text(&mut f, "components");
        f.push(0x01);
        f.push(0xff);
        put_text(&mut f, "spacing");
        f.extend_from_slice(&[0x82, 0xfa, 0x3f, 0x00, 0x00, 0x00, 0x02]); // [0.5f32, 2]
        put_text(&mut f, "origin");
        f.extend_from_slice(&[0x82, 0x20, 0xf9, 0x3e, 0x00]); // [-1, 1.5 as float16]
        put_text(&mut f, "metadata");
        f.extend_from_slice(&[0xa2]);
        put_text(&mut f, "f32");
        f.extend_from_slice(&[0xd8, 85, 0x48]);
        f.extend_from_slice(&1.5f32.to_le_bytes());
        f.extend_from_slice(&(-2f32).to_le_bytes());
        put_text(&mut f, "half");
        f.extend_from_slice(&[0xf9, 0x3c, 0x00]);
        f.push(0xff);
        let image = read(&f, false, "niivue.iwi.cbor").unwrap();
        assert_eq!(image.size, [3, 1]);
        assert_eq!(image.ctype, Ctype::I16);
        assert_eq!(image.spacing, [0.5, 2.0]);
        assert_eq!(image.origin, [-1.0, 1.5]);
        assert_eq!(image.direction, identity(2));
        assert_eq!(&image.data.unwrap()[..], [1, 0, 2, 0, 3, 0]);
        assert_eq!(image.metadata, [("f32".into(), "[1.5,-2]".into()), ("half".into(), "1".into())]);
        // The same through zstd, with the pixels met before the header (held, then copied).
        let z = zstd_safe_compress(&f);
        let image = read_zstd(&z, false, "niivue.iwi.cbor.zst").unwrap();
        assert_eq!(&image.data.unwrap()[..], [1, 0, 2, 0, 3, 0]);
    }

    fn zstd_safe_compress(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(data.len()));
        zstd_safe::compress(&mut out, data, 3).unwrap();
        out
    }

    #[test]
    fn big_endian_typed_arrays_are_swapped() {
        let image = sample(Ctype::U16, vec![3, 2], 1);
        let mut bytes = write(&image, false).unwrap();
        let n = bytes.len();
        // Retag the pixels 65 (uint16 big-endian) and store them so.
        let at = n - 13;
        assert_eq!(&bytes[at - 2..at], b"\xd8\x45");
        bytes[at - 1] = 65;
        swap_bytes(&mut bytes[n - 12..], 2);
        assert_eq!(read(&bytes, false, "be").unwrap(), image);
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        let mut image = sample(Ctype::F32, vec![3, 2], 2);
        image.metadata = vec![("k".into(), "[1,\"two\",{\"x\":null}]".into())];
        let bytes = write(&image, false).unwrap();
        for n in 0..bytes.len() {
            let f = err(read(&bytes[..n], false, "t.iwi.cbor"));
            assert!(f.message.starts_with("t.iwi.cbor: "), "{n}: {}", f.message);
            assert!(matches!(f.code, Code::InvalidData | Code::LimitExceeded), "{n}: {f:?}");
            assert!(read(&bytes[..n], true, "t.iwi.cbor").is_err(), "{n}");
        }
        let z = write_zstd(&image, false).unwrap();
        for n in 0..z.len() {
            let f = err(read_zstd(&z[..n], false, "t.iwi.cbor.zst"));
            assert!(f.message.starts_with("t.iwi.cbor.zst: "), "{n}: {}", f.message);
            assert!(read_zstd(&z[..n], true, "t.iwi.cbor.zst").is_err(), "{n}");
        }
        // Trailing bytes are an error too.
        let mut more = bytes.clone();
        more.push(0);
        assert!(err(read(&more, false, "x")).message.contains("follow"));
        assert!(read_zstd(&zstd_safe_compress(&more), false, "x").is_err());
    }

    #[test]
    fn hostile_lengths_fail_without_allocating() {
        // A map declaring 2^40 entries, a key declaring a 2^40-byte string, pixels declaring 2^40 bytes.
        let cases: [&[u8]; 4] = [
            b"\xbb\x00\x00\x01\x00\x00\x00\x00\x00",
            b"\xa1\x7b\x00\x00\x01\x00\x00\x00\x00\x00",
            b"\xa2\x64data\xd8\x40\x5b\x00\x00\x01\x00\x00\x00\x00\x00",
            b"\xa1\x68metadata\xa1\x61k\x5b\x00\x00\x01\x00\x00\x00\x00\x00",
        ];
        for c in cases {
            for info_only in [false, true] {
                let f = err(read(c, info_only, "h.iwi.cbor"));
                assert_eq!(f.code, Code::InvalidData, "{f:?}");
                let f = err(read_zstd(&zstd_safe_compress(c), info_only, "h.iwi.cbor.zst"));
                assert_eq!(f.code, Code::InvalidData, "{f:?}");
            }
        }
        // A header whose size needs more than 4 GiB of pixels.
        let mut image = sample(Ctype::U8, vec![2, 2], 1);
        image.data = None;
        let mut bytes = write(&image, true).unwrap();
        let at = bytes.windows(5).position(|w| w == b"\x64size").unwrap() + 7;
        bytes[at..at + 8].copy_from_slice(&(1u64 << 40).to_be_bytes());
        assert_eq!(err(read(&bytes, false, "big")).code, Code::LimitExceeded);
        // Deep nesting.
        let mut deep = b"\xa1\x68metadata\xa1\x61k".to_vec();
        deep.extend(std::iter::repeat_n(0x81, 100_000));
        deep.push(0);
        assert_eq!(err(read(&deep, false, "deep")).code, Code::LimitExceeded);
        let mut deep = b"\xa1\x65extra".to_vec();
        deep.extend(std::iter::repeat_n(0x81, 100_000));
        deep.push(0);
        assert_eq!(err(read(&deep, false, "deep")).code, Code::LimitExceeded);
    }

    #[test]
    fn zstd_bounds() {
        let image = sample(Ctype::U8, vec![8, 8], 1);
        let cbor = write(&image, false).unwrap();
        // Without a declared content size it still reads, as a bounded stream.
        let mut cctx = CCtx::create();
        cctx.set_parameter(CParameter::ContentSizeFlag(false)).unwrap();
        let mut sizeless = Vec::with_capacity(zstd_safe::compress_bound(cbor.len()));
        cctx.compress2(&mut sizeless, &cbor).unwrap();
        assert_eq!(zstd_safe::get_frame_content_size(&sizeless).unwrap(), None);
        assert_eq!(read_zstd(&sizeless, false, "s").unwrap(), image);
        // A frame declaring more than 4 GiB is refused before decompressing.
        // (A single-segment frame header with an eight-byte content size, then a block.)
        let mut huge = ZSTD_MAGIC.to_vec();
        huge.push(0xe0);
        huge.extend_from_slice(&(5u64 << 30).to_le_bytes());
        huge.extend_from_slice(&[1, 0, 0, 0]);
        assert_eq!(zstd_safe::get_frame_content_size(&huge).unwrap(), Some(5 << 30));
        assert_eq!(err(read_zstd(&huge, false, "z")).code, Code::LimitExceeded);
        // Not zstd at all.
        assert_eq!(err(read_zstd(b"\xa0", false, "z")).code, Code::InvalidData);
    }

    #[test]
    fn detection() {
        assert!(!looks_like(b""));
        assert!(!looks_like(b"\xa0"));
        assert!(!looks_like(b"\xa1\x63abc\x00"));
        assert!(looks_like(b"\xa1\x64size\x80"));
        assert!(!looks_like(b"NRRD0004\n"));
    }

    #[test]
    fn bad_header_values() {
        let image = sample(Ctype::U8, vec![2, 2], 1);
        let bytes = write(&image, false).unwrap();
        let swap = |from: &[u8], to: &[u8]| {
            let at = bytes.windows(from.len()).position(|w| w == from).unwrap();
            let mut b = bytes.clone();
            b.splice(at..at + from.len(), to.iter().copied());
            b
        };
        let f = err(read(&swap(b"\x65uint8", b"\x65uint9"), false, "x"));
        assert_eq!(f.code, Code::Unsupported);
        assert!(f.message.contains("uint9"));
        let f = err(read(&swap(b"\x66Scalar", b"\x66Scalor"), false, "x"));
        assert_eq!(f.code, Code::Unsupported);
        let f = err(read(&swap(b"dimension\x1a\0\0\0\x02", b"dimension\x1a\0\0\0\x03"), false, "x"));
        assert_eq!(f.code, Code::InvalidData);
        let mut one = image.clone();
        one.origin = vec![1.0];
        let f = err(read(&write(&one, false).unwrap(), false, "x"));
        assert_eq!(f.code, Code::InvalidData);
        assert!(f.message.contains("origin"), "{}", f.message);
        // Fewer pixel bytes than the header needs: re-declare the byte string shorter.
        let n = bytes.len();
        let mut short = bytes[..n - 1].to_vec();
        short[n - 5] = 0x43;
        let f = err(read(&short, false, "x"));
        assert!(f.message.contains("pixel data holds 3 bytes"), "{}", f.message);
        assert!(err(read_zstd(&zstd_safe_compress(&short), false, "x")).message.contains("3 bytes"));
    }
}
