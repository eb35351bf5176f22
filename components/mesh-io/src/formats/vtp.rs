//! VTK XML PolyData (`.vtp`): `<VTKFile type="PolyData">` with `<Piece>`s, each holding
//! `<Points>`, the cell arrays `<Verts>`, `<Lines>`, `<Polys>` and `<Strips>` (each a
//! `connectivity` and an `offsets` array, the offsets being each cell's end), and
//! `<PointData>`/`<CellData>` (the first array of each becomes the point or cell data; the
//! one the section names `Normals` is a covariant vector, `Tensors` a symmetric tensor, an
//! unsigned-char `Scalars` of 3 or 4 components a colour). Arrays are `ascii`, `binary`
//! (base64 of a header and the data) or `appended` (offsets into `<AppendedData>`,
//! `raw` or `base64`), either byte order, with a UInt32 or UInt64 `header_type`, whole or
//! in `vtkZLibDataCompressor` blocks (the header is then the block count, the block size,
//! the last block's size and each block's compressed size). Inflation is bounded by the
//! sizes the header declares, and those by what the stream could hold.
//!
//! Several pieces (VTK's streaming writer) are appended as VTK's reader appends them.
//!
//! Cells map as the legacy reader (`vtk.rs`) maps them, with its code: vertices (poly-
//! vertices split), lines (longer ones polylines), polygons, strips as triangles.
//!
//! Writing follows what VTK 9 writes by default (file version 1.0, UInt64 headers,
//! little-endian, Int64 connectivity and offsets, 32 KiB compression blocks), with
//! ITK-Wasm's options: ASCII by default, inline base64 binary with binary-file-type,
//! and zlib-compressed binary blocks with use-compression. Appended data is read, not
//! written (inline arrays keep the file well-formed XML for any reader). VTP holds
//! vertices, lines and polygons: cells are written in VTK's order (vertices, lines, then
//! polygons), so a mesh whose cells come in another order reads back in that order, its
//! cell data reordered with them.

use super::xml::{self, Element};
use super::{vtk, Options};
use crate::model::{bad, from_f64, to_f64, Cells, Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};
use std::borrow::Cow;

const F: &str = "VTP";
/// VTK's default compression block size.
const BLOCK: usize = 1 << 15;

fn ctype_of(name: &str) -> Result<Ctype, Failure> {
    Ok(match name {
        "Int8" | "Char" => Ctype::I8,
        "UInt8" | "UnsignedChar" => Ctype::U8,
        "Int16" => Ctype::I16,
        "UInt16" => Ctype::U16,
        "Int32" => Ctype::I32,
        "UInt32" => Ctype::U32,
        "Int64" => Ctype::I64,
        "UInt64" => Ctype::U64,
        "Float32" => Ctype::F32,
        "Float64" => Ctype::F64,
        other => return Err(Failure::new(Code::Unsupported, format!("VTP: data type {other:?}"))),
    })
}

fn type_name(c: Ctype) -> &'static str {
    match c {
        Ctype::I8 => "Int8",
        Ctype::U8 => "UInt8",
        Ctype::I16 => "Int16",
        Ctype::U16 => "UInt16",
        Ctype::I32 => "Int32",
        Ctype::U32 => "UInt32",
        Ctype::I64 => "Int64",
        Ctype::U64 => "UInt64",
        Ctype::F32 => "Float32",
        Ctype::F64 => "Float64",
    }
}

pub fn looks_like(b: &[u8]) -> bool {
    xml::sniff(b, b"<VTKFile", |tag| tag.windows(8).any(|w| w == b"PolyData"))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The XML, and the appended data when there is some.
type Split<'a> = (Cow<'a, [u8]>, Option<&'a [u8]>);

/// The XML without the appended data (which is not XML), and that data: the bytes after
/// `<AppendedData ...>`'s `_` to the last `</AppendedData>`.
fn split_appended(b: &[u8]) -> Result<Split<'_>, Failure> {
    let Some(at) = find(b, b"<AppendedData") else { return Ok((Cow::Borrowed(b), None)) };
    let gt = at + b[at..].iter().position(|&c| c == b'>').ok_or_else(|| bad(F, "the file ends in <AppendedData"))?;
    if b[gt - 1] == b'/' {
        return Ok((Cow::Borrowed(b), None));
    }
    let start = gt + 1 + b[gt + 1..].iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len() - gt - 1);
    if b.get(start) != Some(&b'_') {
        return Err(bad(F, "the appended data does not start with '_'"));
    }
    let end = b
        .windows(15)
        .rposition(|w| w == b"</AppendedData>")
        .filter(|&e| e > start)
        .ok_or_else(|| bad(F, "the file ends in the appended data (no </AppendedData>)"))?;
    Ok((Cow::Owned([&b[..=gt], &b[end..]].concat()), Some(&b[start + 1..end])))
}

/// How the file's binary arrays are laid out.
struct Layout<'a> {
    big: bool,
    header: usize,
    compressed: bool,
    /// The appended data, and whether it is base64 (else raw).
    appended: Option<(&'a [u8], bool)>,
}

impl Layout<'_> {
    /// Header words in the file's byte order.
    fn words(&self, b: &[u8]) -> Vec<u64> {
        b.chunks_exact(self.header)
            .map(|w| {
                let mut x = [0u8; 8];
                if self.big {
                    x[8 - w.len()..].copy_from_slice(w);
                    u64::from_be_bytes(x)
                } else {
                    x[..w.len()].copy_from_slice(w);
                    u64::from_le_bytes(x)
                }
            })
            .collect()
    }

    /// The compression header's length in bytes, from its first word (the block count).
    fn block_header_len(&self, nb: u64, available: usize, what: &str) -> Result<usize, Failure> {
        nb.checked_add(3)
            .and_then(|n| n.checked_mul(self.header as u64))
            .filter(|&n| n <= available as u64)
            .map(|n| n as usize)
            .ok_or_else(|| bad(F, format!("{what}: {nb} compressed blocks; the data cannot hold their header")))
    }

    /// Inflate blocks: `words` is the compression header, `z` the blocks, one after another.
    fn blocks(&self, words: &[u64], z: &[u8], expect: Option<u64>, what: &str) -> Result<Vec<u8>, Failure> {
        let (nb, bs, last) = (words[0], words[1], words[2]);
        let size = |i: u64| if i + 1 == nb && last != 0 { last } else { bs };
        let total = if nb == 0 { Some(0) } else { (nb - 1).checked_mul(bs).and_then(|t| t.checked_add(size(nb - 1))) };
        let total = total.ok_or_else(|| bad(F, format!("{what}: the block sizes overflow")))?;
        if let Some(e) = expect.filter(|&e| e != total) {
            return Err(bad(F, format!("{what}: {total} bytes in the blocks; the array needs {e}")));
        }
        if total > xml::MAX_INFLATED {
            return Err(Failure::new(
                Code::LimitExceeded,
                format!("VTP: {what}: {total} bytes to inflate; the limit is {}", xml::MAX_INFLATED),
            ));
        }
        let mut out = crate::model::vec_for(total, 0, 0, what)?;
        let mut at = 0usize;
        for (i, &c) in words[3..].iter().enumerate() {
            let end = (at as u64)
                .checked_add(c)
                .filter(|&e| e <= z.len() as u64)
                .ok_or_else(|| bad(F, format!("{what}: block {i} runs past the {} compressed bytes", z.len())))?
                as usize;
            out.extend_from_slice(&xml::inflate(&z[at..end], size(i as u64), F, what)?);
            at = end;
        }
        Ok(out)
    }

    /// An array's bytes from raw binary starting at `s` (appended raw data).
    fn raw(&self, s: &[u8], expect: Option<u64>, what: &str) -> Result<Vec<u8>, Failure> {
        let h = self.header;
        let short = || bad(F, format!("{what}: the appended data end inside the array"));
        let first = self.words(s.get(..h).ok_or_else(short)?)[0];
        if !self.compressed {
            if let Some(e) = expect.filter(|&e| e != first) {
                return Err(bad(F, format!("{what}: {first} bytes; the array needs {e}")));
            }
            let end = (h as u64).checked_add(first).filter(|&e| e <= s.len() as u64).ok_or_else(short)?;
            return Ok(s[h..end as usize].to_vec());
        }
        let hl = self.block_header_len(first, s.len(), what)?;
        let words = self.words(&s[..hl]);
        let total: u64 = words[3..].iter().try_fold(0u64, |a, &c| a.checked_add(c)).ok_or_else(short)?;
        let end = (hl as u64).checked_add(total).filter(|&e| e <= s.len() as u64).ok_or_else(short)?;
        self.blocks(&words, &s[hl..end as usize], expect, what)
    }

    /// An array's bytes from base64 starting at `s` (no whitespace): the header encoded on
    /// its own (as VTK writes it) or with the data (uncompressed, as some writers do).
    fn base64(&self, s: &[u8], expect: Option<u64>, what: &str) -> Result<Vec<u8>, Failure> {
        // `n` bytes from the base64 at the start of `rest`, and the characters they took.
        let take = |rest: &[u8], n: u64| -> Result<(Vec<u8>, usize), Failure> {
            let c = xml::base64_len(n);
            if c > rest.len() as u64 {
                return Err(bad(F, format!("{what}: {n} bytes need {c} base64 characters; {} are left", rest.len())));
            }
            let mut b = xml::unbase64(&rest[..c as usize], F, what)?;
            if (b.len() as u64) < n {
                return Err(bad(F, format!("{what}: the base64 holds {} of {n} bytes", b.len())));
            }
            b.truncate(n as usize);
            Ok((b, c as usize))
        };
        let h = self.header as u64;
        let (head, hc) = take(s, h)?;
        let first = self.words(&head)[0];
        if !self.compressed {
            if let Some(e) = expect.filter(|&e| e != first) {
                return Err(bad(F, format!("{what}: {first} bytes; the array needs {e}")));
            }
            if s[..hc].contains(&b'=') {
                return Ok(take(&s[hc..], first)?.0);
            }
            let (mut all, _) = take(s, h.saturating_add(first))?;
            return Ok(all.split_off(h as usize));
        }
        let hl = self.block_header_len(first, s.len() / 4 * 3, what)?;
        let (header, hc) = take(s, hl as u64)?;
        let words = self.words(&header);
        let total = words[3..].iter().try_fold(0u64, |a, &c| a.checked_add(c));
        let total = total.ok_or_else(|| bad(F, format!("{what}: the compressed sizes overflow")))?;
        let (z, _) = take(&s[hc..], total)?;
        self.blocks(&words, &z, expect, what)
    }

    /// A `<DataArray>`: its values and components. `tuples`, where the file says how many.
    fn array(&self, el: &Element, tuples: Option<u64>, what: &str) -> Result<(Pixels, usize), Failure> {
        let c = ctype_of(el.attr("type").ok_or_else(|| bad(F, format!("{what}: a DataArray without a type")))?)?;
        let comps: u64 = match el.attr("NumberOfComponents") {
            None => 1,
            Some(s) => s
                .parse()
                .ok()
                .filter(|n| (1..=1 << 16).contains(n))
                .ok_or_else(|| bad(F, format!("{what}: NumberOfComponents {s:?}")))?,
        };
        let n = match tuples {
            Some(t) => Some(t.checked_mul(comps).ok_or_else(|| bad(F, format!("{what}: {t} tuples overflow")))?),
            None => None,
        };
        let expect = n.and_then(|n| n.checked_mul(c.size() as u64));
        let bytes = match el.attr("format").unwrap_or("ascii") {
            "ascii" => {
                let n = n.unwrap_or_else(|| {
                    el.text.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty()).count() as u64
                });
                return Ok((xml::text_values(&el.text, c, n, F, what)?, comps as usize));
            }
            "binary" => {
                let packed: Vec<u8> = el.text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
                self.base64(&packed, expect, what)?
            }
            "appended" => {
                let (data, base64) = self
                    .appended
                    .ok_or_else(|| bad(F, format!("{what}: appended, but the file has no appended data")))?;
                let offset: usize = el
                    .attr("offset")
                    .and_then(|s| s.parse().ok())
                    .filter(|&o: &usize| o <= data.len())
                    .ok_or_else(|| bad(F, format!("{what}: its offset is not in the appended data")))?;
                if base64 {
                    self.base64(&data[offset..], expect, what)?
                } else {
                    self.raw(&data[offset..], expect, what)?
                }
            }
            other => return Err(bad(F, format!("{what}: format {other:?}"))),
        };
        if !bytes.len().is_multiple_of(c.size() * comps as usize) {
            return Err(bad(F, format!("{what}: {} bytes are not whole tuples of {comps} {}", bytes.len(), c.name())));
        }
        Ok((xml::typed(c, &bytes, self.big, F, what)?, comps as usize))
    }

    /// A cell section's (offsets from 0, connectivity), for `n` cells.
    fn section(&self, el: Option<&Element>, n: u64, what: &str) -> Result<Option<vtk::CellArray>, Failure> {
        let Some(el) = el else {
            return if n == 0 { Ok(None) } else { Err(bad(F, format!("{n} {what} but no <{what}>"))) };
        };
        if n == 0 {
            return Ok(None);
        }
        let named = |name: &str| {
            el.children_named("DataArray")
                .find(|a| a.attr("Name") == Some(name))
                .ok_or_else(|| bad(F, format!("<{what}> without its {name} array")))
        };
        let conn = vtk::ints(&self.array(named("connectivity")?, None, what)?.0)?;
        let ends = vtk::ints(&self.array(named("offsets")?, Some(n), what)?.0)?;
        let mut offsets = crate::model::vec_for(n + 1, 0, 0, what)?;
        offsets.push(0);
        offsets.extend_from_slice(&ends);
        if !vtk::partitions(&offsets, conn.len()) {
            return Err(bad(F, format!("<{what}>: the offsets do not partition the connectivity")));
        }
        Ok(Some((offsets, conn)))
    }

    /// The first array of `<PointData>`/`<CellData>`, for `n` points or cells.
    fn data(&self, section: Option<&Element>, n: u64, what: &str) -> Result<Option<Data>, Failure> {
        let Some(s) = section else { return Ok(None) };
        let Some(el) = s.child("DataArray") else { return Ok(None) };
        let (v, comps) = self.array(el, Some(n), what)?;
        let name = el.attr("Name");
        let is = |attr: &str| name.is_some() && s.attr(attr) == name;
        Ok(Some(match comps {
            3 if is("Normals") => Data::new(Pixel::CovariantVector, 3, n, v),
            9 if is("Tensors") => {
                let six: Vec<f64> =
                    to_f64(&v).chunks_exact(9).flat_map(|m| [m[0], m[1], m[2], m[4], m[5], m[8]]).collect();
                Data::new(Pixel::SymmetricSecondRankTensor, 6, n, from_f64(&six, v.ctype()))
            }
            6 if is("Tensors") => Data::new(Pixel::SymmetricSecondRankTensor, 6, n, v),
            3 | 4 if is("Scalars") && v.ctype() == Ctype::U8 => {
                Data::new(if comps == 3 { Pixel::Rgb } else { Pixel::Rgba }, comps, n, v)
            }
            1 => Data::new(Pixel::Scalar, 1, n, v),
            _ => Data::new(Pixel::Vector, comps, n, v),
        }))
    }
}

fn count(el: &Element, name: &str) -> Result<u64, Failure> {
    el.attr(name).map_or(Ok(0), |s| s.parse().map_err(|_| bad(F, format!("{name} {s:?} is not a count"))))
}

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let (text, appended) = split_appended(b)?;
    let root = xml::parse(&text, F)?;
    if root.name != "VTKFile" {
        return Err(bad(F, format!("the root element is <{}>, not <VTKFile>", root.name)));
    }
    match root.attr("type") {
        Some("PolyData") => {}
        other => {
            return Err(Failure::new(
                Code::Unsupported,
                format!("VTP: a VTK XML {} file, not PolyData", other.unwrap_or("untyped")),
            ))
        }
    }
    let big = match root.attr("byte_order").unwrap_or("LittleEndian") {
        "LittleEndian" => false,
        "BigEndian" => true,
        other => return Err(bad(F, format!("byte_order {other:?}"))),
    };
    let header = match root.attr("header_type").unwrap_or("UInt32") {
        "UInt32" => 4,
        "UInt64" => 8,
        other => return Err(bad(F, format!("header_type {other:?}"))),
    };
    let compressed = match root.attr("compressor").unwrap_or("") {
        "" => false,
        "vtkZLibDataCompressor" => true,
        other => return Err(Failure::new(Code::Unsupported, format!("VTP: compressor {other:?} (zlib only)"))),
    };
    let appended = match (appended, root.child("AppendedData").and_then(|a| a.attr("encoding"))) {
        (None, _) => None,
        (Some(d), Some("raw")) => Some((d, false)),
        (Some(d), Some("base64")) => Some((d, true)),
        (Some(_), other) => return Err(bad(F, format!("appended data encoding {other:?}"))),
    };
    let layout = Layout { big, header, compressed, appended };
    let poly = root.child("PolyData").ok_or_else(|| bad(F, "no <PolyData>"))?;
    let mut pieces = poly.children_named("Piece").map(|p| layout.piece(p)).collect::<Result<Vec<_>, _>>()?;
    let one = match pieces.len() {
        0 => return Err(bad(F, "no <Piece>")),
        1 => pieces.pop().expect("one piece"),
        _ => merge(pieces)?,
    };
    let mut cells = Cells::default();
    let mut parts = Vec::new();
    vtk::polydata_cells(&one.sections, one.points_count, &mut cells, &mut parts, F)?;
    vtk::assemble(cells.mesh(3, one.points), &parts, one.point_data, one.cell_data, F)
}

/// One `<Piece>` as the file has it: its points, its four cell sections (vertices, lines,
/// polygons, strips) and the first point and cell data arrays (cells in section order).
struct Piece {
    points_count: u64,
    points: Pixels,
    sections: [Option<vtk::CellArray>; 4],
    point_data: Option<Data>,
    cell_data: Option<Data>,
}

impl Layout<'_> {
    fn piece(&self, piece: &Element) -> Result<Piece, Failure> {
        let np = count(piece, "NumberOfPoints")?;
        let points = match piece.child("Points").and_then(|p| p.child("DataArray")) {
            Some(el) => {
                let (p, comps) = self.array(el, Some(np), "Points")?;
                if comps != 3 {
                    return Err(bad(F, format!("points with {comps} components, not 3")));
                }
                match p {
                    Pixels::F32(_) | Pixels::F64(_) => p,
                    _ => Pixels::F32(to_f64(&p).iter().map(|&x| x as f32).collect()),
                }
            }
            None if np == 0 => Pixels::F32(Vec::new()),
            None => return Err(bad(F, format!("{np} points but no <Points>"))),
        };
        let mut sections: [Option<vtk::CellArray>; 4] = [None, None, None, None];
        for (slot, (name, attr)) in sections.iter_mut().zip([
            ("Verts", "NumberOfVerts"),
            ("Lines", "NumberOfLines"),
            ("Polys", "NumberOfPolys"),
            ("Strips", "NumberOfStrips"),
        ]) {
            *slot = self.section(piece.child(name), count(piece, attr)?, name)?;
        }
        let nc: u64 = sections.iter().flatten().map(|(o, _)| o.len() as u64 - 1).sum();
        let point_data = self.data(piece.child("PointData"), np, "PointData")?;
        let cell_data = self.data(piece.child("CellData"), nc, "CellData")?;
        Ok(Piece { points_count: np, points, sections, point_data, cell_data })
    }
}

/// Several pieces as one, as VTK's reader appends them: points and point data one piece
/// after another, each section's cells (and their cell data) from every piece before the
/// next section's, each piece's point ids shifted past the points before it. Arrays of
/// another value type than the first piece's are converted to it, as VTK reads them into
/// the arrays the first piece made.
fn merge(pieces: Vec<Piece>) -> Result<Piece, Failure> {
    let float64 = pieces.iter().any(|p| p.points.ctype() == Ctype::F64);
    let coords: Vec<f64> = pieces.iter().flat_map(|p| to_f64(&p.points)).collect();
    let points = from_f64(&coords, if float64 { Ctype::F64 } else { Ctype::F32 });
    let mut sections: [Option<vtk::CellArray>; 4] = [None, None, None, None];
    for (s, slot) in sections.iter_mut().enumerate() {
        let (mut offsets, mut conn, mut base) = (vec![0u64], Vec::new(), 0u64);
        for (k, p) in pieces.iter().enumerate() {
            if let Some((o, c)) = &p.sections[s] {
                if let Some(&id) = c.iter().find(|&&id| id >= p.points_count) {
                    return Err(bad(F, format!("piece {k}: point id {id}; the piece has {} points", p.points_count)));
                }
                let start = conn.len() as u64;
                offsets.extend(o[1..].iter().map(|&x| x + start));
                conn.extend(c.iter().map(|&id| id + base));
            }
            base += p.points_count;
        }
        *slot = (offsets.len() > 1).then_some((offsets, conn));
    }
    let points_count = pieces.iter().map(|p| p.points_count).sum();
    // A piece's cell data is in its sections' order: a run (start, cells) per section.
    let section_runs = |p: &Piece| -> Vec<(u64, u64)> {
        let n = p.sections.iter().map(|s| s.as_ref().map_or(0, |(o, _)| o.len() as u64 - 1));
        n.scan(0, |at, c| {
            *at += c;
            Some((*at - c, c))
        })
        .collect()
    };
    let point_data = joined(&pieces, "PointData", |p| p.point_data.as_ref(), |p| vec![(0, p.points_count)])?;
    let cell_data = joined(&pieces, "CellData", |p| p.cell_data.as_ref(), section_runs)?;
    // Cell data comes out section by section: regroup the pieces' runs.
    let cell_data = match cell_data {
        Some((first, runs)) => {
            let mut v = Vec::new();
            for s in 0..4 {
                for piece_runs in &runs {
                    v.extend_from_slice(&piece_runs[s]);
                }
            }
            let count = (v.len() / first.components) as u64;
            Some(Data::new(first.pixel, first.components, count, from_f64(&v, first.ctype)))
        }
        None => None,
    };
    let point_data = point_data.map(|(first, runs)| {
        let v: Vec<f64> = runs.into_iter().flatten().flatten().collect();
        Data::new(first.pixel, first.components, (v.len() / first.components) as u64, from_f64(&v, first.ctype))
    });
    Ok(Piece { points_count, points, sections, point_data, cell_data })
}

/// The pieces' data arrays, each cut into the runs `runs` gives (start, tuples), as
/// float64; with the first piece's description. Every piece holds the data, or none.
type Runs = (Data, Vec<Vec<Vec<f64>>>);
fn joined(
    pieces: &[Piece],
    what: &str,
    data: impl Fn(&Piece) -> Option<&Data>,
    runs: impl Fn(&Piece) -> Vec<(u64, u64)>,
) -> Result<Option<Runs>, Failure> {
    let Some(first) = data(&pieces[0]).cloned() else {
        return match pieces.iter().position(|p| data(p).is_some()) {
            Some(k) => Err(bad(F, format!("piece {k} has {what}; piece 0 has none"))),
            None => Ok(None),
        };
    };
    let mut out = Vec::new();
    for (k, p) in pieces.iter().enumerate() {
        let d = data(p).ok_or_else(|| bad(F, format!("piece 0 has {what}; piece {k} has none")))?;
        if d.components != first.components {
            return Err(bad(
                F,
                format!("{what}: {} components in piece {k}, {} in piece 0", d.components, first.components),
            ));
        }
        let v = d.f64s();
        let c = d.components;
        out.push(runs(p).into_iter().map(|(s, n)| v[s as usize * c..(s + n) as usize * c].to_vec()).collect());
    }
    Ok(Some((first.without_values(), out)))
}

// ---------------------------------------------------------------------------------------
// Writing

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ascii,
    Binary,
    Compressed,
}

/// One inline `<DataArray>`.
fn push_array(out: &mut String, mode: Mode, name: &str, p: &Pixels, comps: usize, indent: &str) -> Result<(), Failure> {
    use std::fmt::Write;
    let format = if mode == Mode::Ascii { "ascii" } else { "binary" };
    let _ = write!(
        out,
        "{indent}<DataArray type=\"{}\" Name=\"{}\" NumberOfComponents=\"{comps}\" format=\"{format}\">",
        type_name(p.ctype()),
        xml::escape(name)
    );
    match mode {
        Mode::Ascii => {
            xml::push_values(out, p, comps.clamp(3, 12), &format!("{indent}  "));
            out.push_str(indent);
        }
        Mode::Binary => {
            let _ = write!(out, "\n{indent}  ");
            out.push_str(&xml::base64(&(p.len() as u64).to_le_bytes()));
            out.push_str(&xml::base64(p));
            let _ = write!(out, "\n{indent}");
        }
        Mode::Compressed => {
            let blocks: Vec<&[u8]> = p.chunks(BLOCK).collect();
            let mut header = vec![blocks.len() as u64, BLOCK as u64, (p.len() % BLOCK) as u64];
            let mut z = Vec::new();
            for b in &blocks {
                let c = xml::deflate(b, F)?;
                header.push(c.len() as u64);
                z.extend_from_slice(&c);
            }
            let header: Vec<u8> = header.iter().flat_map(|w| w.to_le_bytes()).collect();
            let _ = write!(out, "\n{indent}  {}{}\n{indent}", xml::base64(&header), xml::base64(&z));
        }
    }
    out.push_str("</DataArray>\n");
    Ok(())
}

/// `<PointData>`/`<CellData>` holding `d` (its values in `order`, where given).
fn push_data(out: &mut String, mode: Mode, d: &Data, on_points: bool, order: Option<&[usize]>) -> Result<(), Failure> {
    let prefix = if on_points { "Point" } else { "Cell" };
    let section = if on_points { "PointData" } else { "CellData" };
    let Some(values) = &d.values else { return Ok(()) };
    let mut values = values.clone();
    if let Some(order) = order {
        let tuple = d.components * d.ctype.size();
        let bytes: Vec<u8> = order.iter().flat_map(|&i| values[i * tuple..(i + 1) * tuple].iter().copied()).collect();
        values = Pixels::from_le_bytes(d.ctype, &bytes)?;
    }
    let (attr, name, values, comps) = match (d.pixel, d.components) {
        (Pixel::Rgb, 3) | (Pixel::Rgba, 4) if d.ctype == Ctype::U8 => ("Scalars", "ColorData", values, d.components),
        (Pixel::CovariantVector, 3) => ("Normals", "Normals", values, 3),
        (Pixel::SymmetricSecondRankTensor, 6) => {
            let nine: Vec<f64> = to_f64(&values)
                .chunks_exact(6)
                .flat_map(|t| [t[0], t[1], t[2], t[1], t[3], t[4], t[2], t[4], t[5]])
                .collect();
            ("Tensors", "TensorData", from_f64(&nine, d.ctype), 9)
        }
        (Pixel::Vector, 3) => ("Vectors", "VectorData", values, 3),
        (Pixel::Scalar, c) => ("Scalars", "ScalarData", values, c),
        (_, c) => ("", "Data", values, c),
    };
    let name = format!("{prefix}{name}");
    if attr.is_empty() {
        out.push_str(&format!("      <{section}>\n"));
    } else {
        out.push_str(&format!("      <{section} {attr}=\"{name}\">\n"));
    }
    push_array(out, mode, &name, &values, comps, "        ")?;
    out.push_str(&format!("      </{section}>\n"));
    Ok(())
}

pub fn write(mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
    if mesh.dimension > 3 {
        return Err(Failure::new(Code::Unsupported, format!("VTP holds 3-D points; the mesh is {}-D", mesh.dimension)));
    }
    // Each cell's section (vertices 0, lines 1, polygons 2) and points.
    let mut cells: Vec<(usize, Vec<i64>)> = Vec::new();
    mesh.each_cell(|kind, ids| {
        let section = vtk::vtk_cell(kind).and_then(|k| k.1).ok_or_else(|| {
            format!(
                "VTP holds vertices, lines and polygons: cell {} has ITK cell type {kind} (.vtk holds it)",
                cells.len()
            )
        })?;
        cells.push((section, ids.iter().map(|&i| i as i64).collect()));
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))?;
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by_key(|&i| cells[i].0);
    let reordered = order.iter().enumerate().any(|(k, &i)| k != i);
    let mode = if o.compression {
        Mode::Compressed
    } else if o.binary {
        Mode::Binary
    } else {
        Mode::Ascii
    };
    let counts: Vec<usize> = (0..3).map(|s| cells.iter().filter(|c| c.0 == s).count()).collect();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\"?>\n");
    out.push_str("<VTKFile type=\"PolyData\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\"");
    if mode == Mode::Compressed {
        out.push_str(" compressor=\"vtkZLibDataCompressor\"");
    }
    out.push_str(">\n  <PolyData>\n");
    out.push_str(&format!(
        "    <Piece NumberOfPoints=\"{}\" NumberOfVerts=\"{}\" NumberOfLines=\"{}\" NumberOfStrips=\"0\" NumberOfPolys=\"{}\">\n",
        mesh.number_of_points, counts[0], counts[1], counts[2]
    ));
    if mesh.point_data.count > 0 && mesh.point_data.count == mesh.number_of_points {
        push_data(&mut out, mode, &mesh.point_data, true, None)?;
    }
    if mesh.cell_data.count > 0 && mesh.cell_data.count == mesh.number_of_cells {
        push_data(&mut out, mode, &mesh.cell_data, false, reordered.then_some(&order[..]))?;
    }
    let pc = if mesh.point_ctype == Ctype::F64 { Ctype::F64 } else { Ctype::F32 };
    let d = mesh.dimension.max(1);
    let xyz: Vec<f64> =
        mesh.coordinates().chunks_exact(d).flat_map(|p| (0..3).map(|c| p.get(c).copied().unwrap_or(0.0))).collect();
    out.push_str("      <Points>\n");
    push_array(&mut out, mode, "Points", &from_f64(&xyz, pc), 3, "        ")?;
    out.push_str("      </Points>\n");
    for (s, name) in ["Verts", "Lines", "Polys"].iter().enumerate() {
        if counts[s] == 0 {
            continue;
        }
        let mut conn = Vec::new();
        let mut ends = Vec::new();
        for &i in &order {
            if cells[i].0 == s {
                conn.extend_from_slice(&cells[i].1);
                ends.push(conn.len() as i64);
            }
        }
        out.push_str(&format!("      <{name}>\n"));
        push_array(&mut out, mode, "connectivity", &Pixels::I64(conn), 1, "        ")?;
        push_array(&mut out, mode, "offsets", &Pixels::I64(ends), 1, "        ")?;
        out.push_str(&format!("      </{name}>\n"));
    }
    out.push_str("    </Piece>\n  </PolyData>\n</VTKFile>\n");
    Ok(out.into_bytes())
}
