//! What the XML formats (GIFTI, VTK XML PolyData) share: a small element tree over
//! quick-xml's events (text kept as the file's bytes: numbers and base64), typed values
//! from text or bytes of either byte order, base64, and zlib inflation bounded by the
//! size the file declares (a zlib bomb is a `limit-exceeded` error, never an abort).

use crate::model::{bad, Code, Ctype, Failure, Pixels};
use base64::Engine;
use std::io::{Read, Write};

/// Most bytes one array may inflate to (as MZ3's gzip).
pub const MAX_INFLATED: u64 = 1 << 31;
/// Most levels of nesting an XML file may have (no format here needs a tenth of it).
const MAX_DEPTH: usize = 64;
/// zlib's best ratio is about 1032:1: a declared size past this cannot be in the stream.
const MAX_RATIO: u64 = 1040;

/// An element: its name, attributes and direct text (character data and CDATA).
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: Vec<u8>,
    pub children: Vec<Element>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn element(e: &quick_xml::events::BytesStart, format: &str) -> Result<Element, Failure> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| bad(format, format!("XML: {e}")))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| bad(format, format!("XML attribute {key}: {e}")))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element { name: e.name().as_ref().to_string(), attrs, ..Default::default() })
}

/// The document's root element. Truncated or ill-formed XML is `invalid-data`.
pub fn parse(b: &[u8], format: &str) -> Result<Element, Failure> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_reader(b);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let xml_err = |e: quick_xml::Error, at: u64| bad(format, format!("XML at byte {at}: {e}"));
    loop {
        let event = r.read_event().map_err(|e| xml_err(e, r.error_position()))?;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(format, format!("XML nested deeper than {MAX_DEPTH} elements")));
                }
                stack.push(element(&e, format)?);
            }
            Event::Empty(e) => {
                let el = element(&e, format)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = root.or(Some(el)),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(|| bad(format, "XML: an end tag without its start"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = root.or(Some(el)),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.extend_from_slice(t.as_bytes());
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.extend_from_slice(t.as_bytes());
                }
            }
            Event::GeneralRef(g) => {
                // `&amp;` and friends in text: numbers and base64 have none, names may.
                if let Some(el) = stack.last_mut() {
                    let name = g.to_string();
                    let s = match g.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string),
                    };
                    el.text.extend_from_slice(
                        s.ok_or_else(|| bad(format, format!("XML: unknown entity &{name};")))?.as_bytes(),
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(bad(format, format!("the file ends inside <{}>", open.name)));
    }
    root.ok_or_else(|| bad(format, "no XML element"))
}

/// Whether the file starts as XML (a declaration, a comment, or an element) and names
/// `tag` (e.g. `<GIFTI`) within its first kilobytes; `then` checks that tag's text.
pub fn sniff(b: &[u8], tag: &[u8], then: impl Fn(&[u8]) -> bool) -> bool {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b).trim_ascii_start();
    if !b.starts_with(b"<") {
        return false;
    }
    let head = &b[..b.len().min(4096)];
    head.windows(tag.len()).position(|w| w == tag).is_some_and(|at| {
        let rest = &head[at..];
        then(&rest[..rest.iter().position(|&c| c == b'>').unwrap_or(rest.len())])
    })
}

fn engine() -> base64::engine::GeneralPurpose {
    let config = base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, config)
}

/// Base64 text (whitespace ignored) as bytes.
pub fn unbase64(text: &[u8], format: &str, what: &str) -> Result<Vec<u8>, Failure> {
    let decode = |t: &[u8]| engine().decode(t).map_err(|e| bad(format, format!("{what}: base64: {e}")));
    if text.iter().any(|c| c.is_ascii_whitespace()) {
        let packed: Vec<u8> = text.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
        decode(&packed)
    } else {
        decode(text)
    }
}

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Characters of base64 (padded) that `n` bytes take.
pub fn base64_len(n: u64) -> u64 {
    n.div_ceil(3).saturating_mul(4)
}

/// A zlib stream that must inflate to exactly `size` bytes. A size the stream could not
/// hold is `invalid-data` (checked before anything is allocated); a size past
/// [`MAX_INFLATED`], or a stream that inflates past its size, is `limit-exceeded`.
pub fn inflate(z: &[u8], size: u64, format: &str, what: &str) -> Result<Vec<u8>, Failure> {
    if size > MAX_INFLATED {
        return Err(Failure::new(
            Code::LimitExceeded,
            format!("{format}: {what}: {size} bytes to inflate; the limit is {MAX_INFLATED}"),
        ));
    }
    if size > (z.len() as u64).saturating_mul(MAX_RATIO).saturating_add(1024) {
        return Err(bad(format, format!("{what}: {size} bytes cannot inflate from a {}-byte zlib stream", z.len())));
    }
    let mut out = Vec::new();
    out.try_reserve_exact(size as usize).map_err(|_| {
        Failure::new(Code::LimitExceeded, format!("{format}: {what}: {size} bytes do not fit in memory"))
    })?;
    flate2::read::ZlibDecoder::new(z)
        .take(size + 1)
        .read_to_end(&mut out)
        .map_err(|e| bad(format, format!("{what}: zlib: {e}")))?;
    if out.len() as u64 > size {
        return Err(Failure::new(
            Code::LimitExceeded,
            format!("{format}: {what}: the zlib stream inflates past the {size} bytes declared"),
        ));
    }
    if (out.len() as u64) < size {
        return Err(bad(format, format!("{what}: the zlib stream inflates to {} of {size} bytes", out.len())));
    }
    Ok(out)
}

pub fn deflate(bytes: &[u8], format: &str) -> Result<Vec<u8>, Failure> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    z.write_all(bytes)
        .and_then(|_| z.finish())
        .map_err(|e| Failure::new(Code::Internal, format!("{format}: zlib: {e}")))
}

/// `bytes` as `c` values stored in either byte order.
pub fn typed(c: Ctype, bytes: &[u8], big_endian: bool, format: &str, what: &str) -> Result<Pixels, Failure> {
    if !bytes.len().is_multiple_of(c.size()) {
        return Err(bad(format, format!("{what}: {} bytes are not whole {} values", bytes.len(), c.name())));
    }
    let mut p = Pixels::from_le_bytes(c, bytes)?;
    if big_endian && c.size() > 1 {
        for v in p.chunks_exact_mut(c.size()) {
            v.reverse();
        }
    }
    Ok(p)
}

/// Exactly `n` whitespace-separated numbers of type `c`.
pub fn text_values(text: &[u8], c: Ctype, n: u64, format: &str, what: &str) -> Result<Pixels, Failure> {
    fn parse<T: std::str::FromStr>(
        text: &[u8],
        n: u64,
        format: &str,
        what: &str,
        float: bool,
    ) -> Result<Vec<T>, Failure> {
        let mut v: Vec<T> = crate::model::vec_for(n, 2, text.len() + 1, &format!("{format}: {what}"))?;
        for t in text.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty()) {
            if v.len() as u64 == n {
                return Err(bad(format, format!("{what}: more than the {n} values declared")));
            }
            let s = std::str::from_utf8(t).ok();
            // Integer arrays written by float-minded writers ("3.0"): whole numbers only.
            let x = s.and_then(|s| s.parse::<T>().ok()).or_else(|| {
                let f: f64 = s?.parse().ok()?;
                (!float && f.fract() == 0.0).then(|| format!("{f:.0}").parse().ok()).flatten()
            });
            v.push(x.ok_or_else(|| {
                bad(
                    format,
                    format!("{what}: {:?} is not a {} value", String::from_utf8_lossy(t), std::any::type_name::<T>()),
                )
            })?);
        }
        if (v.len() as u64) < n {
            return Err(bad(format, format!("{what}: {} of the {n} values declared", v.len())));
        }
        Ok(v)
    }
    let f = (format, what);
    Ok(match c {
        Ctype::I8 => Pixels::I8(parse(text, n, f.0, f.1, false)?),
        Ctype::U8 => Pixels::U8(parse(text, n, f.0, f.1, false)?),
        Ctype::I16 => Pixels::I16(parse(text, n, f.0, f.1, false)?),
        Ctype::U16 => Pixels::U16(parse(text, n, f.0, f.1, false)?),
        Ctype::I32 => Pixels::I32(parse(text, n, f.0, f.1, false)?),
        Ctype::U32 => Pixels::U32(parse(text, n, f.0, f.1, false)?),
        Ctype::I64 => Pixels::I64(parse(text, n, f.0, f.1, false)?),
        Ctype::U64 => Pixels::U64(parse(text, n, f.0, f.1, false)?),
        Ctype::F32 => Pixels::F32(parse(text, n, f.0, f.1, true)?),
        Ctype::F64 => Pixels::F64(parse(text, n, f.0, f.1, true)?),
    })
}

/// Values as text, `per_line` to a line, each in its own type's shortest exact form.
pub fn push_values(out: &mut String, p: &Pixels, per_line: usize, indent: &str) {
    use std::fmt::Write;
    crate::model::with_pixels!(p, v => {
        for (i, x) in v.iter().enumerate() {
            if i % per_line.max(1) == 0 {
                out.push('\n');
                out.push_str(indent);
            } else {
                out.push(' ');
            }
            let _ = write!(out, "{x}");
        }
    });
    out.push('\n');
}

/// Text for an attribute value or character data.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}
