//! witk's own lossless format (.witk): everything in the Image model, nothing lost.
//!
//! Layout: `WITKIMG\0`, a little-endian u64 header length, a JSON header (ITK-Wasm's
//! field names), then the pixel bytes, raw or zlib-compressed as the header says.

use crate::codec::{concat, inflate_pixels, payload, Deflate};
use crate::model::{Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};
use serde::{Deserialize, Serialize};

pub const MAGIC: &[u8] = b"WITKIMG\0";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImageType {
    dimension: usize,
    component_type: String,
    pixel_type: String,
    components: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    image_type: ImageType,
    name: String,
    origin: Vec<f64>,
    spacing: Vec<f64>,
    direction: Vec<f64>,
    size: Vec<u64>,
    metadata: Vec<(String, serde_json::Value)>,
    /// "none" or "zlib"; absent data (information only) is "absent".
    data: String,
}

pub fn read(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    let bad = |m: &str| Failure::new(Code::InvalidData, format!("{what}: {m}"));
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| bad("not a witk image (no WITKIMG magic)"))?;
    let len = u64::from_le_bytes(rest.get(..8).ok_or_else(|| bad("truncated header"))?.try_into().unwrap());
    let end = usize::try_from(len).ok().and_then(|l| l.checked_add(8)).ok_or_else(|| bad("header length too large"))?;
    let json = rest.get(8..end).ok_or_else(|| bad("truncated header"))?;
    let h: Header = serde_json::from_slice(json).map_err(|e| bad(&format!("bad header: {e}")))?;
    let ctype = Ctype::from_name(&h.image_type.component_type)
        .ok_or_else(|| bad(&format!("unknown component type {}", h.image_type.component_type)))?;
    let pixel = Pixel::from_name(&h.image_type.pixel_type)
        .ok_or_else(|| bad(&format!("unknown pixel type {}", h.image_type.pixel_type)))?;
    let mut image = Image {
        ctype,
        pixel,
        components: h.image_type.components,
        name: h.name,
        origin: h.origin,
        spacing: h.spacing,
        direction: h.direction,
        size: h.size,
        metadata: h.metadata.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
        data: None,
    };
    if image.dimension() != h.image_type.dimension {
        return Err(bad("dimension and size disagree"));
    }
    image.validate()?;
    if !info_only && h.data != "absent" {
        let payload = &rest[8 + len as usize..];
        let expected = image.byte_len()?;
        image.data = Some(match h.data.as_str() {
            "none" => Pixels::from_le_bytes(
                image.ctype,
                payload.get(..expected).ok_or_else(|| bad("pixel data is truncated"))?,
            )?,
            "zlib" => inflate_pixels(Deflate::Zlib, payload, image.ctype, expected, what)?,
            other => return Err(Failure::new(Code::Unsupported, format!("{what}: data encoding '{other}'"))),
        });
    }
    Ok(image)
}

pub fn write(image: &Image, info_only: bool, compress: bool) -> Result<Vec<u8>, Failure> {
    let payload = payload(image, info_only, compress.then_some(Deflate::Zlib))?;
    let h = Header {
        image_type: ImageType {
            dimension: image.dimension(),
            component_type: image.ctype.name().into(),
            pixel_type: image.pixel.name().into(),
            components: image.components,
        },
        name: image.name.clone(),
        origin: image.origin.clone(),
        spacing: image.spacing.clone(),
        direction: image.direction.clone(),
        size: image.size.clone(),
        metadata: image
            .metadata
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.clone()))))
            .collect(),
        data: match (&payload, compress) {
            (None, _) => "absent",
            (Some(_), true) => "zlib",
            (Some(_), false) => "none",
        }
        .into(),
    };
    let json = serde_json::to_vec(&h).expect("serializing a header");
    let mut header = MAGIC.to_vec();
    header.extend_from_slice(&(json.len() as u64).to_le_bytes());
    header.extend_from_slice(&json);
    Ok(concat(&header, payload.as_deref()))
}
