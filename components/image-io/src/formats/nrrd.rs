//! NRRD (.nrrd attached, .nhdr detached): raw, gzip, ascii and hex encodings, little
//! and big endian, space directions/origin in LPS or RAS, a non-spatial first axis as
//! the pixel components (as ITK reads it).

use crate::codec::{concat, inflate_pixels, numbers, payload, split_field, Deflate};
use crate::model::{swap_bytes, Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};

pub const MAGIC: &[u8] = b"NRRD000";

struct Header {
    fields: Vec<(String, String)>,
    key_values: Vec<(String, String)>,
    /// Offset of the attached data (after the blank line), or the header's length.
    data_start: usize,
}

fn parse_header(bytes: &[u8], what: &str) -> Result<Header, Failure> {
    if !bytes.starts_with(MAGIC) {
        return Err(Failure::new(Code::InvalidData, format!("{what}: not a NRRD file (no NRRD000x magic)")));
    }
    let mut fields = Vec::new();
    let mut key_values = Vec::new();
    let mut pos = 0;
    let mut first = true;
    loop {
        let end = match bytes[pos..].iter().position(|&b| b == b'\n') {
            Some(e) => pos + e,
            None => {
                // A detached header may end without a blank line.
                if pos < bytes.len() && !first {
                    parse_line(&bytes[pos..], &mut fields, &mut key_values, what)?;
                }
                return Ok(Header { fields, key_values, data_start: bytes.len() });
            }
        };
        let line = &bytes[pos..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        pos = end + 1;
        if first {
            first = false;
            continue;
        }
        if line.is_empty() {
            return Ok(Header { fields, key_values, data_start: pos });
        }
        if fields.len() + key_values.len() > 10_000 {
            return Err(Failure::new(Code::InvalidData, format!("{what}: NRRD header has too many lines")));
        }
        parse_line(line, &mut fields, &mut key_values, what)?;
    }
}

fn parse_line(
    line: &[u8],
    fields: &mut Vec<(String, String)>,
    key_values: &mut Vec<(String, String)>,
    what: &str,
) -> Result<(), Failure> {
    let line = std::str::from_utf8(line)
        .map_err(|_| Failure::new(Code::InvalidData, format!("{what}: NRRD header is not text")))?;
    if line.starts_with('#') {
        return Ok(());
    }
    if let Some((k, v)) = split_field(line, ":=") {
        key_values.push((k.to_string(), v.to_string()));
    } else if let Some((k, v)) = split_field(line, ":") {
        fields.push((k.to_ascii_lowercase(), v.to_string()));
    } else {
        return Err(Failure::new(Code::InvalidData, format!("{what}: bad NRRD header line '{line}'")));
    }
    Ok(())
}

impl Header {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn require(&self, key: &str, what: &str) -> Result<&str, Failure> {
        self.get(key)
            .ok_or_else(|| Failure::new(Code::InvalidData, format!("{what}: NRRD header has no '{key}' field")))
    }

    fn data_file(&self) -> Option<&str> {
        self.get("data file").or_else(|| self.get("datafile"))
    }
}

fn ctype(name: &str, what: &str) -> Result<Ctype, Failure> {
    Ok(match name {
        "signed char" | "int8" | "int8_t" => Ctype::I8,
        "uchar" | "unsigned char" | "uint8" | "uint8_t" => Ctype::U8,
        "short" | "short int" | "signed short" | "signed short int" | "int16" | "int16_t" => Ctype::I16,
        "ushort" | "unsigned short" | "unsigned short int" | "uint16" | "uint16_t" => Ctype::U16,
        "int" | "signed int" | "int32" | "int32_t" => Ctype::I32,
        "uint" | "unsigned int" | "uint32" | "uint32_t" => Ctype::U32,
        "longlong"
        | "long long"
        | "long long int"
        | "signed long long"
        | "signed long long int"
        | "int64"
        | "int64_t" => Ctype::I64,
        "ulonglong" | "unsigned long long" | "unsigned long long int" | "uint64" | "uint64_t" => Ctype::U64,
        "float" => Ctype::F32,
        "double" => Ctype::F64,
        other => return Err(Failure::new(Code::Unsupported, format!("{what}: NRRD type '{other}' is not supported"))),
    })
}

fn vectors(text: &str, what: &str) -> Result<Vec<Option<Vec<f64>>>, Failure> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("none") {
            out.push(None);
            rest = r.trim_start();
        } else if rest.starts_with('(') {
            let close = rest
                .find(')')
                .ok_or_else(|| Failure::new(Code::InvalidData, format!("{what}: unclosed vector in '{text}'")))?;
            out.push(Some(numbers(&rest[1..close], what)?));
            rest = rest[close + 1..].trim_start();
        } else {
            return Err(Failure::new(Code::InvalidData, format!("{what}: bad vector list '{text}'")));
        }
    }
    Ok(out)
}

/// Companion file a detached header needs.
pub fn companions(bytes: &[u8], what: &str) -> Result<Vec<String>, Failure> {
    let h = parse_header(bytes, what)?;
    Ok(match h.data_file() {
        Some(f) if f.starts_with("LIST") || f.contains('%') => {
            return Err(Failure::new(
                Code::Unsupported,
                format!("{what}: multi-file NRRD data ('{f}') is not supported"),
            ))
        }
        Some(f) => vec![f.to_string()],
        None => vec![],
    })
}

/// Where raw NRRD pixels lie: (data file, empty for this one; byte offset; big-endian),
/// or `None` when they cannot be mapped as they are (not raw, line skips, a byte skip of
/// -1, which counts from the end of the file).
pub fn raw_layout(bytes: &[u8], what: &str) -> Result<Option<super::Layout>, Failure> {
    let h = parse_header(bytes, what)?;
    let encoding = h.require("encoding", what)?.to_ascii_lowercase();
    let skip_lines: usize = h.get("line skip").or(h.get("lineskip")).and_then(|v| v.parse().ok()).unwrap_or(0);
    let byte_skip: i64 = h.get("byte skip").or(h.get("byteskip")).and_then(|v| v.parse().ok()).unwrap_or(0);
    if encoding != "raw" || skip_lines > 0 || byte_skip < 0 {
        return Ok(None);
    }
    let big = h.get("endian") == Some("big");
    Ok(Some(match companions(bytes, what)?.pop() {
        Some(file) => (file, byte_skip as u64, big),
        None => (String::new(), (h.data_start as u64).saturating_add(byte_skip as u64), big),
    }))
}

pub fn read(bytes: &[u8], companion: Option<&[u8]>, info_only: bool, what: &str) -> Result<Image, Failure> {
    let h = parse_header(bytes, what)?;
    let ct = ctype(h.require("type", what)?, what)?;
    let dim: usize = h
        .require("dimension", what)?
        .parse()
        .map_err(|_| Failure::new(Code::InvalidData, format!("{what}: bad NRRD dimension")))?;
    if dim == 0 || dim > 16 {
        return Err(Failure::new(Code::InvalidData, format!("{what}: NRRD dimension {dim} is out of range")));
    }
    let sizes: Vec<u64> = numbers(h.require("sizes", what)?, what)?;
    if sizes.len() != dim || sizes.contains(&0) {
        return Err(Failure::new(
            Code::InvalidData,
            format!("{what}: NRRD sizes {sizes:?} do not match dimension {dim}"),
        ));
    }
    let kinds: Vec<String> =
        h.get("kinds").map(|k| k.split_whitespace().map(str::to_string).collect()).unwrap_or_default();
    let directions = match h.get("space directions") {
        Some(t) => Some(vectors(t, what)?),
        None => None,
    };
    // The first axis is the pixel components when it is not a spatial axis.
    let component_axis = directions.as_ref().is_some_and(|d| d.first() == Some(&None))
        || kinds.first().is_some_and(|k| !matches!(k.as_str(), "domain" | "space" | "time" | "???" | "none"));
    let (components, spatial) =
        if component_axis && dim > 1 { (sizes[0] as usize, &sizes[1..]) } else { (1, &sizes[..]) };
    let sd = spatial.len();
    let mut image = Image::new(ct, spatial.to_vec(), components);
    if components > 1 {
        image.pixel = match kinds.first().map(String::as_str) {
            Some("RGB-color") => Pixel::Rgb,
            Some("RGBA-color") => Pixel::Rgba,
            Some("covariant-vector") => Pixel::CovariantVector,
            Some("complex") => Pixel::Complex,
            Some("point") => Pixel::Point,
            Some("3D-symmetric-matrix") => Pixel::SymmetricSecondRankTensor,
            Some("3-vector" | "vector") => Pixel::Vector,
            _ => Pixel::VariableLengthVector,
        };
    }
    let space = h.get("space").unwrap_or("");
    // RAS-based spaces are flipped to ITK's LPS.
    let flip: Vec<f64> = match space.to_ascii_lowercase().as_str() {
        "right-anterior-superior" | "ras" | "scanner-xyz" | "3d-right-handed" => vec![-1.0, -1.0, 1.0],
        "left-anterior-superior" | "las" => vec![1.0, -1.0, 1.0],
        _ => vec![1.0; 3],
    };
    if let Some(dirs) = directions {
        let spatial_dirs: Vec<Vec<f64>> = dirs.into_iter().flatten().collect();
        if spatial_dirs.len() != sd {
            return Err(Failure::new(
                Code::InvalidData,
                format!("{what}: NRRD space directions give {} vectors for {sd} spatial axes", spatial_dirs.len()),
            ));
        }
        for (j, v) in spatial_dirs.iter().enumerate() {
            if v.len() != sd {
                return Err(Failure::new(
                    Code::Unsupported,
                    format!("{what}: NRRD space dimension differs from the image dimension"),
                ));
            }
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            image.spacing[j] = if norm > 0.0 { norm } else { 1.0 };
            for (i, x) in v.iter().enumerate() {
                let f = flip.get(i).copied().unwrap_or(1.0);
                image.direction[i * sd + j] = if norm > 0.0 {
                    f * x / norm
                } else if i == j {
                    1.0
                } else {
                    0.0
                };
            }
        }
    } else if let Some(s) = h.get("spacings") {
        let sp: Vec<f64> =
            s.split_whitespace().filter(|t| *t != "nan" && *t != "NaN").map(|t| t.parse().unwrap_or(1.0)).collect();
        for (j, v) in sp.iter().rev().take(sd).rev().enumerate() {
            image.spacing[j] = *v;
        }
    }
    if let Some(o) = h.get("space origin") {
        let origin = vectors(o, what)?.into_iter().flatten().next().unwrap_or_default();
        if origin.len() == sd {
            image.origin = origin.iter().enumerate().map(|(i, x)| x * flip.get(i).copied().unwrap_or(1.0)).collect();
        }
    }
    for (k, v) in &h.key_values {
        image.metadata.push((k.clone(), serde_json::Value::String(v.clone()).to_string()));
    }
    if info_only {
        return Ok(image);
    }
    let expected = image.byte_len()?;
    let payload: &[u8] = match h.data_file() {
        Some(_) => companion.ok_or_else(|| {
            Failure::new(Code::InvalidArgument, format!("{what}: detached NRRD header: its data file was not given"))
        })?,
        None => &bytes[h.data_start..],
    };
    let skip_lines: usize = h.get("line skip").or(h.get("lineskip")).and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut payload = payload;
    for _ in 0..skip_lines {
        let nl = payload.iter().position(|&b| b == b'\n').map_or(payload.len(), |p| p + 1);
        payload = &payload[nl..];
    }
    let byte_skip: i64 = h.get("byte skip").or(h.get("byteskip")).and_then(|v| v.parse().ok()).unwrap_or(0);
    let encoding = h.require("encoding", what)?.to_ascii_lowercase();
    let mut data = match encoding.as_str() {
        "raw" => {
            let start =
                if byte_skip == -1 { payload.len().saturating_sub(expected) } else { byte_skip.max(0) as usize };
            let raw = payload.get(start..start + expected).ok_or_else(|| {
                Failure::new(
                    Code::InvalidData,
                    format!(
                        "{what}: NRRD data is truncated: {} bytes for the {expected} the header describes",
                        payload.len().saturating_sub(start)
                    ),
                )
            })?;
            Pixels::from_le_bytes(ct, raw)?
        }
        "gzip" | "gz" => inflate_pixels(Deflate::Gzip, payload, ct, expected, what)?,
        "ascii" | "text" | "txt" => Pixels::from_le_bytes(ct, &ascii_values(payload, ct, expected / ct.size(), what)?)?,
        "hex" => Pixels::from_le_bytes(ct, &hex_values(payload, expected, what)?)?,
        other => {
            return Err(Failure::new(Code::Unsupported, format!("{what}: NRRD encoding '{other}' is not supported")))
        }
    };
    if !matches!(encoding.as_str(), "ascii" | "text" | "txt") && h.get("endian") == Some("big") {
        swap_bytes(&mut data, ct.size());
    }
    image.data = Some(data);
    Ok(image)
}

fn ascii_values(payload: &[u8], ct: Ctype, count: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let text = String::from_utf8_lossy(payload);
    let mut out = Vec::with_capacity(count * ct.size());
    let mut n = 0;
    for t in text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).take(count) {
        let v: f64 =
            t.parse().map_err(|_| Failure::new(Code::InvalidData, format!("{what}: '{t}' is not a number")))?;
        crate::cast::put_value(&mut out, ct, v);
        n += 1;
    }
    if n != count {
        return Err(Failure::new(
            Code::InvalidData,
            format!("{what}: NRRD text data has {n} values; {count} expected"),
        ));
    }
    Ok(out)
}

fn hex_values(payload: &[u8], expected: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let digits: Vec<u8> = payload.iter().copied().filter(|b| b.is_ascii_hexdigit()).collect();
    if digits.len() < expected * 2 {
        return Err(Failure::new(Code::InvalidData, format!("{what}: NRRD hex data is truncated")));
    }
    let val = |c: u8| (c as char).to_digit(16).unwrap() as u8;
    Ok(digits.chunks_exact(2).take(expected).map(|p| val(p[0]) << 4 | val(p[1])).collect())
}

/// NRRD's type name for a component type.
fn type_name(c: Ctype) -> &'static str {
    match c {
        Ctype::I8 => "int8",
        Ctype::U8 => "uint8",
        Ctype::I16 => "int16",
        Ctype::U16 => "uint16",
        Ctype::I32 => "int32",
        Ctype::U32 => "uint32",
        Ctype::I64 => "int64",
        Ctype::U64 => "uint64",
        Ctype::F32 => "float",
        Ctype::F64 => "double",
    }
}

/// Write `image`; with `detached_data`, the header names that file and the pixels go there.
pub fn write(
    image: &Image,
    detached_data: Option<&str>,
    info_only: bool,
    compress: bool,
) -> Result<(Vec<u8>, Option<Vec<u8>>), Failure> {
    let d = image.dimension();
    let mut h = String::from(
        "NRRD0004\n# Complete NRRD file format specification at:\n# http://teem.sourceforge.net/nrrd/format.html\n",
    );
    let comp = image.components > 1;
    // As ITK writes it: a named space is 3-D, so other dimensions give just their count.
    let space = if d == 3 { "space: left-posterior-superior".to_string() } else { format!("space dimension: {d}") };
    h += &format!("type: {}\ndimension: {}\n{space}\n", type_name(image.ctype), d + comp as usize);
    let mut sizes: Vec<String> = image.size.iter().map(u64::to_string).collect();
    let mut dirs: Vec<String> = (0..d)
        .map(|j| {
            let v: Vec<String> = (0..d).map(|i| fmt(image.direction[i * d + j] * image.spacing[j])).collect();
            format!("({})", v.join(","))
        })
        .collect();
    let mut kinds: Vec<String> = vec!["domain".into(); d];
    if comp {
        sizes.insert(0, image.components.to_string());
        dirs.insert(0, "none".into());
        kinds.insert(
            0,
            match image.pixel {
                Pixel::Rgb if image.components == 3 => "RGB-color",
                Pixel::Rgba if image.components == 4 => "RGBA-color",
                Pixel::CovariantVector => "covariant-vector",
                Pixel::Complex if image.components == 2 => "complex",
                Pixel::SymmetricSecondRankTensor if image.components == 6 => "3D-symmetric-matrix",
                Pixel::Vector if image.components == 3 => "3-vector",
                _ => "vector",
            }
            .into(),
        );
    }
    h += &format!("sizes: {}\nspace directions: {}\nkinds: {}\n", sizes.join(" "), dirs.join(" "), kinds.join(" "));
    h += &format!("endian: little\nencoding: {}\n", if compress { "gzip" } else { "raw" });
    h += &format!("space origin: ({})\n", image.origin.iter().map(|v| fmt(*v)).collect::<Vec<_>>().join(","));
    for (k, v) in &image.metadata {
        if !k.contains(":=") && !k.contains('\n') {
            let text = match serde_json::from_str::<serde_json::Value>(v) {
                Ok(serde_json::Value::String(s)) => s,
                _ => v.clone(),
            };
            if !text.contains('\n') {
                h += &format!("{k}:={text}\n");
            }
        }
    }
    if let Some(f) = detached_data {
        h += &format!("data file: {f}\n");
    }
    let payload = payload(image, info_only, compress.then_some(Deflate::Gzip))?;
    match detached_data {
        Some(_) => Ok((h.into_bytes(), payload.map(|p| p.into_owned()))),
        None => {
            h.push('\n');
            Ok((concat(h.as_bytes(), payload.as_deref()), None))
        }
    }
}

/// Shortest text that reads back as the same f64 (Rust's Display round-trips).
pub fn fmt(v: f64) -> String {
    v.to_string()
}
