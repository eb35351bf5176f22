//! GIFTI surfaces (`.gii`: `lh.pial.gii`, `*.surf.gii`): XML whose `<DataArray>`s hold
//! the coordinates (`NIFTI_INTENT_POINTSET`, Dim0 x 3), the triangles
//! (`NIFTI_INTENT_TRIANGLE`, Dim0 x 3, ITK `TRIANGLE_CELL`) and any per-vertex data (the
//! first other array with one row per vertex, of any intent, becomes the point data). Data
//! are `ASCII`, `Base64Binary` or `GZipBase64Binary` (a zlib stream, despite the name, as
//! nibabel and the GIFTI reference library write it), in either `Endian`, row- or
//! column-major (ASCII text of Dim0 lines of Dim1 values is read as rows, as nibabel
//! writes and reads it, whatever its order says), or `ExternalFileBinary`: raw values at
//! `ExternalFileOffset` in the file `ExternalFileName` names, which the binding reads
//! beside the surface (confined to its folder, as every companion file) and passes in.
//!
//! The writer writes float32 coordinates (GIFTI's type for them), int32 triangles and
//! the point data in its own type as a third array (`NIFTI_INTENT_NONE` for scalars,
//! `NIFTI_INTENT_VECTOR` for more components), `Base64Binary`, or `GZipBase64Binary`
//! with use-compression; binary-file-type changes nothing (GIFTI's data are always text).

use super::xml::{self, Element};
use super::{only_triangles, Companions, Options};
use crate::model::{bad, point_id, to_f64, Cells, Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};

const F: &str = "GIFTI";
const POINTSET: &str = "NIFTI_INTENT_POINTSET";
const TRIANGLE: &str = "NIFTI_INTENT_TRIANGLE";

fn ctype_of(name: &str) -> Result<Ctype, Failure> {
    Ok(match name {
        "NIFTI_TYPE_UINT8" => Ctype::U8,
        "NIFTI_TYPE_INT8" => Ctype::I8,
        "NIFTI_TYPE_UINT16" => Ctype::U16,
        "NIFTI_TYPE_INT16" => Ctype::I16,
        "NIFTI_TYPE_UINT32" => Ctype::U32,
        "NIFTI_TYPE_INT32" => Ctype::I32,
        "NIFTI_TYPE_UINT64" => Ctype::U64,
        "NIFTI_TYPE_INT64" => Ctype::I64,
        "NIFTI_TYPE_FLOAT32" => Ctype::F32,
        "NIFTI_TYPE_FLOAT64" => Ctype::F64,
        other => return Err(Failure::new(Code::Unsupported, format!("GIFTI: DataType {other:?}"))),
    })
}

fn type_name(c: Ctype) -> &'static str {
    match c {
        Ctype::U8 => "NIFTI_TYPE_UINT8",
        Ctype::I8 => "NIFTI_TYPE_INT8",
        Ctype::U16 => "NIFTI_TYPE_UINT16",
        Ctype::I16 => "NIFTI_TYPE_INT16",
        Ctype::U32 => "NIFTI_TYPE_UINT32",
        Ctype::I32 => "NIFTI_TYPE_INT32",
        Ctype::U64 => "NIFTI_TYPE_UINT64",
        Ctype::I64 => "NIFTI_TYPE_INT64",
        Ctype::F32 => "NIFTI_TYPE_FLOAT32",
        Ctype::F64 => "NIFTI_TYPE_FLOAT64",
    }
}

pub fn looks_like(b: &[u8]) -> bool {
    xml::sniff(b, b"<GIFTI", |_| true)
}

/// A data array's shape: its dimensions (Dim0 first).
fn dims(el: &Element, what: &str) -> Result<Vec<u64>, Failure> {
    let k: usize = el
        .attr("Dimensionality")
        .and_then(|s| s.parse().ok())
        .filter(|k| (1..=6).contains(k))
        .ok_or_else(|| bad(F, format!("{what}: Dimensionality is not 1 to 6")))?;
    (0..k)
        .map(|i| {
            el.attr(&format!("Dim{i}"))
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad(F, format!("{what}: Dim{i} is not a non-negative integer")))
        })
        .collect()
}

/// A path's last component (GIFTI files written on Windows may use backslashes).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The external files the surface's arrays name, each once, in the order they appear.
/// A surface without any (no `ExternalFileBinary` in it) is not parsed at all.
pub fn external_files(b: &[u8]) -> Result<Vec<String>, Failure> {
    if !b.windows(18).any(|w| w == b"ExternalFileBinary") {
        return Ok(Vec::new());
    }
    let root = xml::parse(b, F)?;
    let mut names: Vec<String> = Vec::new();
    for el in root.children_named("DataArray") {
        if el.attr("Encoding") == Some("ExternalFileBinary") {
            let name = external_name(el, "a DataArray")?;
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    Ok(names)
}

fn external_name<'e>(el: &'e Element, what: &str) -> Result<&'e str, Failure> {
    el.attr("ExternalFileName")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| bad(F, format!("{what}: ExternalFileBinary without an ExternalFileName")))
}

/// `bytes` bytes at the array's `ExternalFileOffset` in the companion file it names.
fn external<'c>(el: &Element, companions: &Companions<'c>, bytes: u64, what: &str) -> Result<&'c [u8], Failure> {
    let name = external_name(el, what)?;
    let offset: u64 = match el.attr("ExternalFileOffset").map(str::trim) {
        None | Some("") => 0,
        Some(s) => s.parse().map_err(|_| bad(F, format!("{what}: ExternalFileOffset {s:?} is not a byte offset")))?,
    };
    let (_, data) = companions.iter().find(|(n, _)| base_name(n) == base_name(name)).ok_or_else(|| {
        Failure::new(
            Code::InvalidArgument,
            format!(
                "GIFTI: {what} is in the external file '{name}', which was not given (read the surface from its \
                 path, or pass the file as a companion)"
            ),
        )
    })?;
    offset
        .checked_add(bytes)
        .filter(|&end| end <= data.len() as u64)
        .map(|end| &data[offset as usize..end as usize])
        .ok_or_else(|| {
            bad(F, format!("{what}: {bytes} bytes at offset {offset} of '{name}', which holds {}", data.len()))
        })
}

/// A data array's values, row-major, in its own type.
fn values(el: &Element, dims: &[u64], companions: &Companions, what: &str) -> Result<Pixels, Failure> {
    let c = ctype_of(el.attr("DataType").ok_or_else(|| bad(F, format!("{what}: no DataType")))?)?;
    let n = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d));
    let bytes = n.and_then(|n| n.checked_mul(c.size() as u64));
    let (Some(n), Some(bytes)) = (n, bytes) else {
        return Err(bad(F, format!("{what}: the dimensions {dims:?} overflow")));
    };
    let big = match el.attr("Endian").unwrap_or("LittleEndian") {
        "LittleEndian" => false,
        "BigEndian" => true,
        other => return Err(bad(F, format!("{what}: Endian {other:?}"))),
    };
    let text = el.child("Data").map_or(&[][..], |d| &d.text[..]);
    let p = match el.attr("Encoding").unwrap_or("ASCII") {
        "ASCII" => xml::text_values(text, c, n, F, what)?,
        "Base64Binary" => {
            let at_most = (text.len() as u64 / 4 + 1) * 3;
            if bytes > at_most {
                return Err(bad(F, format!("{what}: {n} values need {bytes} bytes; the data hold at most {at_most}")));
            }
            let raw = xml::unbase64(text, F, what)?;
            if raw.len() as u64 != bytes {
                return Err(bad(F, format!("{what}: {n} values need {bytes} bytes; the data hold {}", raw.len())));
            }
            xml::typed(c, &raw, big, F, what)?
        }
        "GZipBase64Binary" => {
            let z = xml::unbase64(text, F, what)?;
            xml::typed(c, &xml::inflate(&z, bytes, F, what)?, big, F, what)?
        }
        "ExternalFileBinary" => xml::typed(c, external(el, companions, bytes, what)?, big, F, what)?,
        other => return Err(bad(F, format!("{what}: Encoding {other:?}"))),
    };
    let column_major = el.attr("ArrayIndexingOrder") == Some("ColumnMajorOrder");
    if !column_major || dims.len() < 2 || ascii_rows(el, text, dims) {
        return Ok(p);
    }
    // Column-major: Dim0 varies fastest. Reorder the values (as bytes) to row-major.
    let (s, d0, rest) = (c.size(), dims[0] as usize, (n / dims[0].max(1)) as usize);
    let mut out = vec![0u8; p.len()];
    // The other dimensions keep their own order, reversed too: index = i0 + d0 * j.
    let mut col = vec![0usize; dims.len() - 1];
    for j in 0..rest {
        // j in column-major order over dims[1..]; its row-major position among them.
        let mut row_j = 0usize;
        for (k, &ck) in col.iter().enumerate() {
            row_j = row_j * dims[k + 1] as usize + ck;
        }
        for i in 0..d0 {
            let from = (i + d0 * j) * s;
            let to = (i * rest + row_j) * s;
            out[to..to + s].copy_from_slice(&p[from..from + s]);
        }
        for (k, ck) in col.iter_mut().enumerate() {
            *ck += 1;
            if *ck < dims[k + 1] as usize {
                break;
            }
            *ck = 0;
        }
    }
    Pixels::from_le_bytes(c, &out)
}

/// ASCII data laid out as Dim0 lines of Dim1 values are rows, whatever the indexing order
/// says: nibabel writes column-major ASCII arrays so (and reads them so, its lines giving
/// the shape); flat or column-laid text follows the order.
fn ascii_rows(el: &Element, text: &[u8], dims: &[u64]) -> bool {
    if el.attr("Encoding").unwrap_or("ASCII") != "ASCII" || dims.len() != 2 {
        return false;
    }
    let mut lines = text.split(|&b| b == b'\n' || b == b'\r').filter(|l| !l.trim_ascii().is_empty());
    let words = |l: &[u8]| l.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).count() as u64;
    lines.clone().count() as u64 == dims[0] && lines.all(|l| words(l) == dims[1])
}

pub fn read(b: &[u8], companions: &Companions) -> Result<Mesh, Failure> {
    let root = xml::parse(b, F)?;
    if root.name != "GIFTI" {
        return Err(bad(F, format!("the root element is <{}>, not <GIFTI>", root.name)));
    }
    let arrays: Vec<&Element> = root.children_named("DataArray").collect();
    let intent = |el: &Element| el.attr("Intent").unwrap_or("NIFTI_INTENT_NONE").to_string();
    let pointset = arrays.iter().find(|el| intent(el) == POINTSET).ok_or_else(|| {
        Failure::new(
            Code::Unsupported,
            "GIFTI: no NIFTI_INTENT_POINTSET array (a data file for another surface, not a surface)",
        )
    })?;
    let pd = dims(pointset, "the POINTSET")?;
    if pd.len() != 2 || pd[1] != 3 {
        return Err(bad(F, format!("the POINTSET's dimensions are {pd:?}, not [n, 3]")));
    }
    let np = pd[0];
    let points = match values(pointset, &pd, companions, "the POINTSET")? {
        p @ (Pixels::F32(_) | Pixels::F64(_)) => p,
        p => Pixels::F32(to_f64(&p).iter().map(|&x| x as f32).collect()),
    };
    let mut cells = Cells::default();
    if let Some(t) = arrays.iter().find(|el| intent(el) == TRIANGLE) {
        let td = dims(t, "the TRIANGLE array")?;
        if td.len() != 2 || td[1] != 3 {
            return Err(bad(F, format!("the TRIANGLE array's dimensions are {td:?}, not [n, 3]")));
        }
        let ids = to_f64(&values(t, &td, companions, "the TRIANGLE array")?);
        cells.buffer = crate::model::vec_for(td[0] * 5, 0, 0, "triangles")?;
        for tri in ids.chunks_exact(3) {
            let mut t = [0u32; 3];
            for (slot, &x) in t.iter_mut().zip(tri) {
                if x.fract() != 0.0 {
                    return Err(bad(F, format!("triangle corner {x} is not a point index")));
                }
                *slot = point_id(x as i64, np, F)?;
            }
            cells.push(crate::model::cell::TRIANGLE, &t);
        }
    }
    let mut mesh = cells.mesh(3, points);
    // The first array with a row per vertex (not coordinates or triangles) is point data.
    for el in &arrays {
        let i = intent(el);
        if i == POINTSET || i == TRIANGLE {
            continue;
        }
        let d = dims(el, &i)?;
        if d[0] != np || np == 0 {
            continue;
        }
        let v = values(el, &d, companions, &i)?;
        let comps = (v.count() as u64 / np) as usize;
        let pixel = if comps == 1 { Pixel::Scalar } else { Pixel::Vector };
        mesh.point_data = Data::new(pixel, comps, np, v);
        break;
    }
    Ok(mesh)
}

/// One `<DataArray>`: row-major little-endian `bytes`, base64 (zlib first if `compress`).
fn push_array(
    out: &mut String,
    intent: &str,
    c: Ctype,
    dims: &[u64],
    bytes: &[u8],
    compress: bool,
) -> Result<(), Failure> {
    use std::fmt::Write;
    let (encoding, data) = if compress {
        ("GZipBase64Binary", xml::base64(&xml::deflate(bytes, F)?))
    } else {
        ("Base64Binary", xml::base64(bytes))
    };
    let _ = write!(
        out,
        "  <DataArray Intent=\"{intent}\" DataType=\"{}\" ArrayIndexingOrder=\"RowMajorOrder\" Dimensionality=\"{}\"",
        type_name(c),
        dims.len()
    );
    for (i, d) in dims.iter().enumerate() {
        let _ = write!(out, " Dim{i}=\"{d}\"");
    }
    let _ = writeln!(
        out,
        " Encoding=\"{encoding}\" Endian=\"LittleEndian\" ExternalFileName=\"\" ExternalFileOffset=\"\">"
    );
    out.push_str("    <MetaData/>\n");
    if intent == POINTSET {
        out.push_str(concat!(
            "    <CoordinateSystemTransformMatrix>\n",
            "      <DataSpace><![CDATA[NIFTI_XFORM_UNKNOWN]]></DataSpace>\n",
            "      <TransformedSpace><![CDATA[NIFTI_XFORM_UNKNOWN]]></TransformedSpace>\n",
            "      <MatrixData>1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1</MatrixData>\n",
            "    </CoordinateSystemTransformMatrix>\n",
        ));
    }
    let _ = writeln!(out, "    <Data>{data}</Data>\n  </DataArray>");
    Ok(())
}

pub fn write(mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
    only_triangles(mesh, F)?;
    let np = mesh.number_of_points;
    if np > i32::MAX as u64 {
        return Err(Failure::new(Code::Unsupported, format!("GIFTI: {np} points do not fit int32 triangle indices")));
    }
    let mut tris = Vec::with_capacity(mesh.cell_buffer_size as usize / 5 * 12);
    mesh.each_cell(|_, ids| {
        ids.iter().for_each(|&i| tris.extend_from_slice(&(i as i32).to_le_bytes()));
        Ok(())
    })?;
    let points: Vec<u8> = mesh.coordinates().iter().flat_map(|&x| (x as f32).to_le_bytes()).collect();
    let pd = &mesh.point_data;
    let data = pd.count > 0 && pd.count == np;
    let mut out = String::with_capacity(points.len() * 2 + tris.len() * 2 + 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<!DOCTYPE GIFTI SYSTEM \"http://www.nitrc.org/frs/download.php/115/gifti.dtd\">\n");
    let arrays = 1 + usize::from(mesh.number_of_cells > 0) + usize::from(data);
    out.push_str(&format!("<GIFTI Version=\"1.0\" NumberOfDataArrays=\"{arrays}\">\n  <MetaData/>\n  <LabelTable/>\n"));
    push_array(&mut out, POINTSET, Ctype::F32, &[np, 3], &points, o.compression)?;
    if mesh.number_of_cells > 0 {
        push_array(&mut out, TRIANGLE, Ctype::I32, &[mesh.number_of_cells, 3], &tris, o.compression)?;
    }
    if data {
        let bytes = pd.values.as_deref().unwrap_or_default();
        let (intent, dims) = if pd.components == 1 {
            ("NIFTI_INTENT_NONE", vec![np])
        } else {
            ("NIFTI_INTENT_VECTOR", vec![np, pd.components as u64])
        };
        push_array(&mut out, intent, pd.ctype, &dims, bytes, o.compression)?;
    }
    out.push_str("</GIFTI>\n");
    Ok(out.into_bytes())
}
