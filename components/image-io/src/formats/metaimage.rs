//! MetaImage (.mha with LOCAL data, .mhd with a data file): raw or zlib-compressed
//! (CompressedData), either byte order, channels as pixel components.

use crate::codec::{concat, inflate_pixels, numbers, payload, split_field, Deflate};
use crate::model::{swap_bytes, Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};

struct Header {
    fields: Vec<(String, String)>,
    data_start: usize,
}

fn parse(bytes: &[u8], what: &str) -> Result<Header, Failure> {
    let mut fields = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let end = bytes[pos..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |e| pos + e);
        let raw = &bytes[pos..end];
        let line = std::str::from_utf8(raw.strip_suffix(b"\r").unwrap_or(raw))
            .map_err(|_| Failure::new(Code::InvalidData, format!("{what}: MetaImage header is not text")))?;
        pos = (end + 1).min(bytes.len());
        if line.trim().is_empty() {
            continue;
        }
        let (k, v) = split_field(line, "=")
            .ok_or_else(|| Failure::new(Code::InvalidData, format!("{what}: bad MetaImage header line '{line}'")))?;
        let last = k.eq_ignore_ascii_case("ElementDataFile");
        fields.push((k.to_string(), v.to_string()));
        if last {
            return Ok(Header { fields, data_start: pos });
        }
        if fields.len() > 1000 {
            break;
        }
    }
    Err(Failure::new(Code::InvalidData, format!("{what}: MetaImage header has no ElementDataFile")))
}

impl Header {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }

    fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }
}

pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    let text = String::from_utf8_lossy(head);
    text.lines().any(|l| {
        let k = l.split('=').next().unwrap_or("").trim();
        k.eq_ignore_ascii_case("ObjectType") || k.eq_ignore_ascii_case("NDims")
    })
}

fn ctype(name: &str, what: &str) -> Result<Ctype, Failure> {
    Ok(match name {
        "MET_CHAR" => Ctype::I8,
        "MET_UCHAR" => Ctype::U8,
        "MET_SHORT" => Ctype::I16,
        "MET_USHORT" => Ctype::U16,
        "MET_INT" | "MET_LONG" => Ctype::I32,
        "MET_UINT" | "MET_ULONG" => Ctype::U32,
        "MET_LONG_LONG" => Ctype::I64,
        "MET_ULONG_LONG" => Ctype::U64,
        "MET_FLOAT" => Ctype::F32,
        "MET_DOUBLE" => Ctype::F64,
        other => {
            return Err(Failure::new(
                Code::Unsupported,
                format!("{what}: MetaImage ElementType {other} is not supported"),
            ))
        }
    })
}

fn type_name(c: Ctype) -> &'static str {
    match c {
        Ctype::I8 => "MET_CHAR",
        Ctype::U8 => "MET_UCHAR",
        Ctype::I16 => "MET_SHORT",
        Ctype::U16 => "MET_USHORT",
        Ctype::I32 => "MET_INT",
        Ctype::U32 => "MET_UINT",
        Ctype::I64 => "MET_LONG_LONG",
        Ctype::U64 => "MET_ULONG_LONG",
        Ctype::F32 => "MET_FLOAT",
        Ctype::F64 => "MET_DOUBLE",
    }
}

pub fn companions(bytes: &[u8], what: &str) -> Result<Vec<String>, Failure> {
    let h = parse(bytes, what)?;
    match h.get("ElementDataFile") {
        Some("LOCAL") | Some("local") | Some("Local") | None => Ok(vec![]),
        Some(f) if f.starts_with("LIST") || f.contains('%') => {
            Err(Failure::new(Code::Unsupported, format!("{what}: multi-file MetaImage data ('{f}') is not supported")))
        }
        Some(f) => Ok(vec![f.to_string()]),
    }
}

/// Where uncompressed MetaImage pixels lie (see `nrrd::raw_layout`); `None` when
/// compressed or with a HeaderSize of -1 (counted from the end of the file).
pub fn raw_layout(bytes: &[u8], what: &str) -> Result<Option<super::Layout>, Failure> {
    let h = parse(bytes, what)?;
    let header_size: i64 = h.get("HeaderSize").and_then(|v| v.parse().ok()).unwrap_or(0);
    if h.flag("CompressedData") || header_size < 0 {
        return Ok(None);
    }
    let big = h.flag("BinaryDataByteOrderMSB") || h.flag("ElementByteOrderMSB");
    Ok(Some(match companions(bytes, what)?.pop() {
        Some(file) => (file, header_size as u64, big),
        None => (String::new(), (h.data_start as u64).saturating_add(header_size as u64), big),
    }))
}

pub fn read(bytes: &[u8], companion: Option<&[u8]>, info_only: bool, what: &str) -> Result<Image, Failure> {
    let h = parse(bytes, what)?;
    let dim: usize = h.get("NDims").and_then(|v| v.parse().ok()).filter(|d| (1..=16).contains(d)).ok_or_else(|| {
        Failure::new(Code::InvalidData, format!("{what}: MetaImage NDims is missing or out of range"))
    })?;
    let size: Vec<u64> = numbers(h.get("DimSize").unwrap_or(""), what)?;
    if size.len() != dim || size.contains(&0) {
        return Err(Failure::new(
            Code::InvalidData,
            format!("{what}: MetaImage DimSize {size:?} does not match NDims {dim}"),
        ));
    }
    let ct = ctype(h.get("ElementType").unwrap_or(""), what)?;
    let channels: usize = h.get("ElementNumberOfChannels").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let mut image = Image::new(ct, size, channels);
    if channels > 1 {
        image.pixel = Pixel::VariableLengthVector;
    }
    if let Some(s) = h.get("ElementSpacing").or(h.get("ElementSize")) {
        let sp: Vec<f64> = numbers(s, what)?;
        if sp.len() == dim {
            image.spacing = sp;
        }
    }
    if let Some(o) = h.get("Offset").or(h.get("Origin")).or(h.get("Position")) {
        let o: Vec<f64> = numbers(o, what)?;
        if o.len() == dim {
            image.origin = o;
        }
    }
    if let Some(m) = h.get("TransformMatrix").or(h.get("Rotation")).or(h.get("Orientation")) {
        let m: Vec<f64> = numbers(m, what)?;
        if m.len() == dim * dim {
            // MetaIO stores one axis direction per group of NDims values: the columns of
            // ITK's direction matrix.
            for axis in 0..dim {
                for i in 0..dim {
                    image.direction[i * dim + axis] = m[axis * dim + i];
                }
            }
        }
    }
    if info_only {
        return Ok(image);
    }
    let expected = image.byte_len()?;
    let payload: &[u8] = match h.get("ElementDataFile") {
        Some(f) if !f.eq_ignore_ascii_case("LOCAL") => companion.ok_or_else(|| {
            Failure::new(Code::InvalidArgument, format!("{what}: MetaImage data file '{f}' was not given"))
        })?,
        _ => &bytes[h.data_start..],
    };
    let header_size: i64 = h.get("HeaderSize").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut data = if h.flag("CompressedData") {
        inflate_pixels(Deflate::Zlib, payload, ct, expected, what)?
    } else {
        let start =
            if header_size == -1 { payload.len().saturating_sub(expected) } else { header_size.max(0) as usize };
        let raw = payload.get(start..start + expected).ok_or_else(|| {
            Failure::new(
                Code::InvalidData,
                format!(
                    "{what}: MetaImage data is truncated: {} bytes for {expected}",
                    payload.len().saturating_sub(start)
                ),
            )
        })?;
        Pixels::from_le_bytes(ct, raw)?
    };
    if h.flag("BinaryDataByteOrderMSB") || h.flag("ElementByteOrderMSB") {
        swap_bytes(&mut data, ct.size());
    }
    image.data = Some(data);
    Ok(image)
}

pub fn write(
    image: &Image,
    detached_data: Option<&str>,
    info_only: bool,
    compress: bool,
) -> Result<(Vec<u8>, Option<Vec<u8>>), Failure> {
    let d = image.dimension();
    let j = |v: &[f64]| v.iter().map(|x| crate::formats::nrrd::fmt(*x)).collect::<Vec<_>>().join(" ");
    let mut matrix = Vec::with_capacity(d * d);
    for axis in 0..d {
        for i in 0..d {
            matrix.push(image.direction[i * d + axis]);
        }
    }
    let payload = payload(image, info_only, compress.then_some(Deflate::Zlib))?;
    let mut h = format!(
        "ObjectType = Image\nNDims = {d}\nBinaryData = True\nBinaryDataByteOrderMSB = False\nCompressedData = {}\n",
        if compress { "True" } else { "False" }
    );
    if let (true, Some(p)) = (compress, &payload) {
        h += &format!("CompressedDataSize = {}\n", p.len());
    }
    h += &format!(
        "TransformMatrix = {}\nOffset = {}\nCenterOfRotation = {}\nAnatomicalOrientation = {}\nElementSpacing = {}\nDimSize = {}\n",
        j(&matrix),
        j(&image.origin),
        j(&vec![0.0; d]),
        if d == 3 { "RAI" } else { "??" },
        j(&image.spacing),
        image.size.iter().map(u64::to_string).collect::<Vec<_>>().join(" ")
    );
    if image.components > 1 {
        h += &format!("ElementNumberOfChannels = {}\n", image.components);
    }
    h += &format!("ElementType = {}\nElementDataFile = {}\n", type_name(image.ctype), detached_data.unwrap_or("LOCAL"));
    match detached_data {
        Some(_) => Ok((h.into_bytes(), payload.map(|p| p.into_owned()))),
        None => Ok((concat(h.as_bytes(), payload.as_deref()), None)),
    }
}
