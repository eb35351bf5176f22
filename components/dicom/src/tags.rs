//! read-dicom-tags: every element of a file as ("gggg|eeee", text), as ITK-Wasm lists them.

use crate::open::parse;
use crate::{Code, Failure};
use dicom_core::header::Header;
use dicom_core::value::Value;
use dicom_core::{Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::mem::InMemElement;
use dicom_object::InMemDicomObject;

/// `"0020|000d"`
pub fn tag_name(tag: Tag) -> String {
    format!("{:04x}|{:04x}", tag.group(), tag.element())
}

/// A tag written `gggg|eeee` (either case; `,` also accepted, as in `(0010,0010)`).
pub fn parse_tag(text: &str) -> Result<Tag, Failure> {
    let t = text.trim().trim_start_matches('(').trim_end_matches(')');
    let bad = || {
        Failure::new(
            Code::InvalidArgument,
            format!("tags-to-read: '{text}' is not a tag; write it as gggg|eeee in hexadecimal"),
        )
    };
    let (g, e) = t.split_once(['|', ',']).ok_or_else(bad)?;
    let hex = |s: &str| if s.len() == 4 { u16::from_str_radix(s, 16).ok() } else { None };
    Ok(Tag(hex(g).ok_or_else(bad)?, hex(e).ok_or_else(bad)?))
}

/// Bulk binary values are left out: they are not text.
fn is_bulk(vr: VR, tag: Tag) -> bool {
    tag == tags::PIXEL_DATA || matches!(vr, VR::OB | VR::OW | VR::OF | VR::OD | VR::OL | VR::OV | VR::UN)
}

/// A value as text: DICOM's padding removed, several values joined by backslashes,
/// sequences as JSON.
fn text(e: &InMemElement) -> Option<String> {
    match e.value() {
        Value::Primitive(_) => {
            let s = e.to_str().ok()?;
            Some(crate::iso2022::decode(s.trim_end_matches(['\0', ' '])))
        }
        Value::Sequence(seq) => {
            let items: Vec<String> = seq.items().iter().map(item_json).collect();
            Some(format!("[{}]", items.join(",")))
        }
        Value::PixelSequence(_) => None,
    }
}

fn item_json(item: &InMemDicomObject) -> String {
    let fields: Vec<String> = item
        .iter()
        .filter(|e| !is_bulk(e.vr(), e.tag()))
        .filter_map(|e| {
            let v = text(e)?;
            let v = if matches!(e.value(), Value::Sequence(_)) { v } else { json_string(&v) };
            Some(format!("{}:{v}", json_string(&tag_name(e.tag()))))
        })
        .collect();
    format!("{{{}}}", fields.join(","))
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The tags of the file in `bytes`; with `wanted`, only those, in that order.
pub fn read_dicom_tags(bytes: &[u8], what: &str, wanted: Option<&[String]>) -> Result<Vec<(String, String)>, Failure> {
    let wanted: Option<Vec<Tag>> = wanted.map(|w| w.iter().map(|t| parse_tag(t)).collect()).transpose()?;
    let parsed = parse(bytes, what, Some(tags::PIXEL_DATA))?;
    let mut all: Vec<(Tag, String)> = Vec::new();
    if parsed.has_meta {
        for e in parsed.file.meta().to_element_iter() {
            if let Value::Primitive(p) = e.value() {
                all.push((e.tag(), p.to_str().trim_end_matches(['\0', ' ']).to_string()));
            }
        }
    }
    for e in parsed.file.iter() {
        if is_bulk(e.vr(), e.tag()) {
            continue;
        }
        if let Some(v) = text(e) {
            all.push((e.tag(), v));
        }
    }
    Ok(match wanted {
        None => all.into_iter().map(|(t, v)| (tag_name(t), v)).collect(),
        Some(w) => w
            .iter()
            .filter_map(|t| all.iter().find(|(have, _)| have == t).map(|(t, v)| (tag_name(*t), v.clone())))
            .collect(),
    })
}
