//! VTK legacy structured points (.vtk): binary (big-endian) or ASCII, SCALARS with any
//! number of components, COLOR_SCALARS and VECTORS. Origin and spacing; the format has
//! no direction, so the image's must be the identity to be written.

use crate::codec::numbers;
use crate::model::{swap_bytes, Ctype, Image, Pixel, Pixels};
use crate::{Code, Failure};

pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.starts_with(b"# vtk DataFile")
}

fn type_of(name: &str, what: &str) -> Result<Ctype, Failure> {
    Ok(match name {
        "char" | "signed_char" => Ctype::I8,
        "unsigned_char" => Ctype::U8,
        "short" => Ctype::I16,
        "unsigned_short" => Ctype::U16,
        "int" => Ctype::I32,
        "unsigned_int" => Ctype::U32,
        "long" | "vtktypeint64" => Ctype::I64,
        "unsigned_long" | "vtktypeuint64" => Ctype::U64,
        "float" => Ctype::F32,
        "double" => Ctype::F64,
        other => return Err(Failure::new(Code::Unsupported, format!("{what}: VTK data type '{other}'"))),
    })
}

fn name_of(c: Ctype) -> &'static str {
    match c {
        Ctype::I8 => "char",
        Ctype::U8 => "unsigned_char",
        Ctype::I16 => "short",
        Ctype::U16 => "unsigned_short",
        Ctype::I32 => "int",
        Ctype::U32 => "unsigned_int",
        Ctype::I64 => "vtktypeint64",
        Ctype::U64 => "vtktypeuint64",
        Ctype::F32 => "float",
        Ctype::F64 => "double",
    }
}

pub fn read(bytes: &[u8], info_only: bool, what: &str) -> Result<Image, Failure> {
    let bad = |m: String| Failure::new(Code::InvalidData, format!("{what}: {m}"));
    let mut pos = 0;
    let line = |pos: &mut usize| -> Option<String> {
        let end = bytes[*pos..].iter().position(|&b| b == b'\n').map(|e| *pos + e)?;
        let l = String::from_utf8_lossy(&bytes[*pos..end]).trim().to_string();
        *pos = end + 1;
        Some(l)
    };
    let _version = line(&mut pos);
    let _title = line(&mut pos);
    let binary = match line(&mut pos).as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("BINARY") => true,
        Some("ASCII") => false,
        other => return Err(bad(format!("expected ASCII or BINARY, found {other:?}"))),
    };
    let mut dims: Vec<u64> = Vec::new();
    let mut origin = vec![0.0; 3];
    let mut spacing = vec![1.0; 3];
    let mut points = 0u64;
    let (ctype, components, pixel) = loop {
        let l = line(&mut pos).ok_or_else(|| bad("the header ends before the data".into()))?;
        let mut words = l.split_whitespace();
        match words.next().map(str::to_ascii_uppercase).as_deref() {
            Some("DATASET") if !l.to_ascii_uppercase().contains("STRUCTURED_POINTS") => {
                return Err(Failure::new(
                    Code::Unsupported,
                    format!("{what}: only STRUCTURED_POINTS datasets are images"),
                ))
            }
            Some("DIMENSIONS") => dims = numbers(&l["DIMENSIONS".len()..], what)?,
            Some("ORIGIN") => origin = numbers(&l["ORIGIN".len()..], what)?,
            Some("SPACING") | Some("ASPECT_RATIO") => spacing = numbers(&l[l.find(' ').unwrap_or(0)..], what)?,
            Some("POINT_DATA") => points = words.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            Some("SCALARS") => {
                let _name = words.next();
                let c = type_of(words.next().unwrap_or(""), what)?;
                let n: usize = words.next().and_then(|n| n.parse().ok()).unwrap_or(1);
                // An optional LOOKUP_TABLE line follows.
                let save = pos;
                if !line(&mut pos).is_some_and(|l| l.to_ascii_uppercase().starts_with("LOOKUP_TABLE")) {
                    pos = save;
                }
                break (c, n, if n == 1 { Pixel::Scalar } else { Pixel::VariableLengthVector });
            }
            Some("VECTORS") => {
                let _name = words.next();
                break (type_of(words.next().unwrap_or(""), what)?, 3, Pixel::Vector);
            }
            Some("COLOR_SCALARS") => {
                let _name = words.next();
                let n: usize = words.next().and_then(|n| n.parse().ok()).unwrap_or(3);
                // Binary color scalars are unsigned chars; ASCII ones are floats in [0, 1].
                break (
                    Ctype::U8,
                    n,
                    if n == 3 {
                        Pixel::Rgb
                    } else if n == 4 {
                        Pixel::Rgba
                    } else {
                        Pixel::VariableLengthVector
                    },
                );
            }
            _ => {}
        }
    };
    if dims.len() != 3 || dims.contains(&0) {
        return Err(bad(format!("bad DIMENSIONS {dims:?}")));
    }
    // (SCALARS name type 0 read as a zero-component image, found by fuzzing.)
    if components == 0 {
        return Err(bad("zero components per pixel".into()));
    }
    // Trailing size-1 axes are not dimensions of the image (a 2-D image is N x M x 1).
    let d = if dims[2] == 1 { 2 } else { 3 };
    let mut image = Image::new(ctype, dims[..d].to_vec(), components);
    image.pixel = pixel;
    image.origin = origin.into_iter().take(d).collect();
    image.spacing = spacing.into_iter().take(d).collect();
    if image.origin.len() != d || image.spacing.len() != d {
        return Err(bad("ORIGIN and SPACING need 3 values".into()));
    }
    if points != 0 && points != image.pixel_count()? {
        return Err(bad(format!("POINT_DATA {points} does not match DIMENSIONS {dims:?}")));
    }
    if info_only {
        return Ok(image);
    }
    let expected = image.byte_len()?;
    let rest = &bytes[pos.min(bytes.len())..];
    let data = if binary {
        let mut data =
            Pixels::from_le_bytes(ctype, rest.get(..expected).ok_or_else(|| bad("binary data is truncated".into()))?)?;
        swap_bytes(&mut data, ctype.size()); // legacy VTK binary is big-endian
        data
    } else {
        let text = String::from_utf8_lossy(rest);
        let count = expected / ctype.size();
        let colors = pixel == Pixel::Rgb || pixel == Pixel::Rgba;
        let mut out = Vec::with_capacity(expected);
        for t in text.split_whitespace().take(count) {
            let v: f64 = t.parse().map_err(|_| bad(format!("'{t}' is not a number")))?;
            crate::cast::put_value(&mut out, ctype, if colors { (v * 255.0).round() } else { v });
        }
        if out.len() != expected {
            return Err(bad("ASCII data has too few values".into()));
        }
        Pixels::from_le_bytes(ctype, &out)?
    };
    image.data = Some(data);
    Ok(image)
}

pub fn write(image: &Image, info_only: bool) -> Result<Vec<u8>, Failure> {
    let d = image.dimension();
    if !(2..=3).contains(&d) {
        return Err(Failure::new(
            Code::Unsupported,
            format!("VTK structured points hold 2-D or 3-D images, not {d}-D"),
        ));
    }
    if image.direction != crate::model::identity(d) {
        return Err(Failure::new(
            Code::Unsupported,
            "VTK legacy structured points cannot store a direction; this image's is not the identity (use .vtk only for axis-aligned images, or .nrrd/.mha/.nii)",
        ));
    }
    let pad = |v: &[f64], fill: f64| {
        let mut v = v.to_vec();
        v.resize(3, fill);
        v.iter().map(|x| crate::formats::nrrd::fmt(*x)).collect::<Vec<_>>().join(" ")
    };
    let mut size = image.size.clone();
    size.resize(3, 1);
    let n = image.pixel_count()?;
    let mut out = format!(
        "# vtk DataFile Version 3.0\n{}\nBINARY\nDATASET STRUCTURED_POINTS\nDIMENSIONS {} {} {}\nSPACING {}\nORIGIN {}\nPOINT_DATA {n}\nSCALARS scalars {} {}\nLOOKUP_TABLE default\n",
        if image.name.is_empty() || image.name.contains('\n') { "witk" } else { &image.name },
        size[0],
        size[1],
        size[2],
        pad(&image.spacing, 1.0),
        pad(&image.origin, 0.0),
        name_of(image.ctype),
        image.components
    )
    .into_bytes();
    if !info_only {
        let mut data =
            image.data.clone().ok_or_else(|| Failure::new(Code::InvalidArgument, "no pixel data to write"))?;
        swap_bytes(&mut data, image.ctype.size());
        out.extend_from_slice(&data);
    }
    Ok(out)
}
