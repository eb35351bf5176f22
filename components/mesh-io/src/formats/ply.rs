//! Stanford PLY: a text header naming elements and their properties, then the elements
//! in ASCII or binary (little- or big-endian). `vertex` x/y/z become points and the
//! vertex's other properties its point data (red/green/blue[/alpha] as RGB(A), else
//! nx/ny/nz as a vector, else every other property as components); `face` lists
//! (`vertex_indices` or `vertex_index`) become polygons and the face's other properties
//! cell data; `edge` vertex1/vertex2 pairs become lines. Other elements are skipped.

use super::{only_polygons, Options};
use crate::model::{bad, cell, from_f64, point_id, vec_for, Cells, Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};
use crate::text::{push_num, Tokens};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl Ty {
    fn parse(name: &str) -> Option<Ty> {
        Some(match name {
            "char" | "int8" => Ty::I8,
            "uchar" | "uint8" => Ty::U8,
            "short" | "int16" => Ty::I16,
            "ushort" | "uint16" => Ty::U16,
            "int" | "int32" => Ty::I32,
            "uint" | "uint32" => Ty::U32,
            "float" | "float32" => Ty::F32,
            "double" | "float64" => Ty::F64,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Ty::I8 | Ty::U8 => 1,
            Ty::I16 | Ty::U16 => 2,
            Ty::I32 | Ty::U32 | Ty::F32 => 4,
            Ty::F64 => 8,
        }
    }

    fn ctype(self) -> Ctype {
        match self {
            Ty::I8 => Ctype::I8,
            Ty::U8 => Ctype::U8,
            Ty::I16 => Ctype::I16,
            Ty::U16 => Ctype::U16,
            Ty::I32 => Ctype::I32,
            Ty::U32 => Ctype::U32,
            Ty::F32 => Ctype::F32,
            Ty::F64 => Ctype::F64,
        }
    }

    fn name(c: Ctype) -> &'static str {
        match c {
            Ctype::I8 => "char",
            Ctype::U8 => "uchar",
            Ctype::I16 => "short",
            Ctype::U16 => "ushort",
            Ctype::I32 | Ctype::I64 => "int",
            Ctype::U32 | Ctype::U64 => "uint",
            Ctype::F32 => "float",
            Ctype::F64 => "double",
        }
    }
}

#[derive(Debug)]
struct Property {
    name: String,
    ty: Ty,
    /// The count type of a list property.
    list: Option<Ty>,
}

#[derive(Debug)]
struct Element {
    name: String,
    count: u64,
    props: Vec<Property>,
}

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Ascii,
    Little,
    Big,
}

fn header(t: &mut Tokens) -> Result<(Encoding, Vec<Element>), Failure> {
    if t.word("ply")? != "ply" {
        return Err(bad("PLY", "no 'ply' magic"));
    }
    t.rest_of_line();
    let mut encoding = None;
    let mut elements: Vec<Element> = Vec::new();
    loop {
        let line = std::str::from_utf8(t.rest_of_line()).map_err(|_| bad("PLY", "the header is not text"))?;
        let words: Vec<&str> = line.split_ascii_whitespace().collect();
        match words.as_slice() {
            ["end_header"] => break,
            ["format", f, _] => {
                encoding = Some(match *f {
                    "ascii" => Encoding::Ascii,
                    "binary_little_endian" => Encoding::Little,
                    "binary_big_endian" => Encoding::Big,
                    other => return Err(bad("PLY", format!("unknown format {other:?}"))),
                })
            }
            ["comment", ..] | ["obj_info", ..] | [] => {}
            ["element", name, count] => elements.push(Element {
                name: name.to_string(),
                count: count.parse().map_err(|_| bad("PLY", format!("element {name} count {count:?}")))?,
                props: Vec::new(),
            }),
            ["property", "list", count, item, name] => {
                let e = elements.last_mut().ok_or_else(|| bad("PLY", "a property before any element"))?;
                let ty = |n: &str| Ty::parse(n).ok_or_else(|| bad("PLY", format!("unknown property type {n:?}")));
                e.props.push(Property { name: name.to_string(), ty: ty(item)?, list: Some(ty(count)?) });
            }
            ["property", ty, name] => {
                let e = elements.last_mut().ok_or_else(|| bad("PLY", "a property before any element"))?;
                let ty = Ty::parse(ty).ok_or_else(|| bad("PLY", format!("unknown property type {ty:?}")))?;
                e.props.push(Property { name: name.to_string(), ty, list: None });
            }
            _ => return Err(bad("PLY", format!("header line {line:?} is not PLY"))),
        }
        if t.left() == 0 {
            return Err(bad("PLY", "the header has no end_header"));
        }
    }
    Ok((encoding.ok_or_else(|| bad("PLY", "no format line"))?, elements))
}

/// Values read one at a time, whatever the encoding.
struct Body<'a> {
    enc: Encoding,
    text: Tokens<'a>,
    bin: &'a [u8],
    at: usize,
}

impl Body<'_> {
    fn value(&mut self, ty: Ty) -> Result<f64, Failure> {
        if self.enc == Encoding::Ascii {
            return self.text.f64("a PLY value");
        }
        let big = self.enc == Encoding::Big;
        Ok(decode(ty, big, self.take(ty.size())?))
    }

    /// The next `n` bytes of a binary body.
    fn take(&mut self, n: usize) -> Result<&[u8], Failure> {
        let s = self
            .bin
            .get(self.at..self.at.saturating_add(n))
            .ok_or_else(|| bad("PLY", "the file ends inside its elements"))?;
        self.at += n;
        Ok(s)
    }

    fn left(&self) -> usize {
        if self.enc == Encoding::Ascii {
            self.text.left()
        } else {
            self.bin.len() - self.at
        }
    }
}

/// One binary value of type `ty` at the start of `b` (which holds at least its size).
fn decode(ty: Ty, big: bool, b: &[u8]) -> f64 {
    let mut v = [0u8; 8];
    let n = ty.size();
    v[..n].copy_from_slice(&b[..n]);
    if big {
        v[..n].reverse();
    }
    match ty {
        Ty::I8 => v[0] as i8 as f64,
        Ty::U8 => v[0] as f64,
        Ty::I16 => i16::from_le_bytes([v[0], v[1]]) as f64,
        Ty::U16 => u16::from_le_bytes([v[0], v[1]]) as f64,
        Ty::I32 => i32::from_le_bytes([v[0], v[1], v[2], v[3]]) as f64,
        Ty::U32 => u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as f64,
        Ty::F32 => f32::from_le_bytes([v[0], v[1], v[2], v[3]]) as f64,
        Ty::F64 => f64::from_le_bytes(v),
    }
}

/// The data of an element's non-geometry properties: which properties, as what.
fn attributes(props: &[Property], skip: &[&str]) -> Option<(Pixel, Vec<usize>, Ctype)> {
    let find = |n: &str| props.iter().position(|p| p.name == n && p.list.is_none());
    let group = |names: &[&str]| names.iter().map(|n| find(n)).collect::<Option<Vec<_>>>();
    let widest = |idx: &[usize]| {
        let tys: Vec<Ty> = idx.iter().map(|&i| props[i].ty).collect();
        if tys.iter().all(|t| *t == tys[0]) {
            tys[0].ctype()
        } else if tys.contains(&Ty::F64) {
            Ctype::F64
        } else {
            Ctype::F32
        }
    };
    if let Some(rgb) = group(&["red", "green", "blue"]) {
        let (pixel, idx) = match find("alpha") {
            Some(a) => (Pixel::Rgba, [rgb, vec![a]].concat()),
            None => (Pixel::Rgb, rgb),
        };
        return Some((pixel, idx.clone(), widest(&idx)));
    }
    if let Some(n) = group(&["nx", "ny", "nz"]) {
        return Some((Pixel::Vector, n.clone(), widest(&n)));
    }
    let rest: Vec<usize> =
        (0..props.len()).filter(|&i| props[i].list.is_none() && !skip.contains(&props[i].name.as_str())).collect();
    if rest.is_empty() {
        return None;
    }
    let pixel = if rest.len() == 1 { Pixel::Scalar } else { Pixel::VariableLengthVector };
    Some((pixel, rest.clone(), widest(&rest)))
}

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let mut t = Tokens::new(b, "PLY", false);
    let (enc, elements) = header(&mut t)?;
    let at = t.position();
    let mut body = Body { enc, text: t, bin: b, at };
    let mut points: Vec<f64> = Vec::new();
    let mut points_f32: Option<Vec<f32>> = None;
    let mut double = false;
    let mut nv = 0u64;
    let mut cells = Cells::default();
    let mut point_data = None;
    let mut cell_data = None;
    let mut ids = Vec::new();
    for e in &elements {
        // Every instance takes at least a byte: a count past the file is not honest.
        let min = e.props.len().max(1) as u64;
        if e.count.saturating_mul(min) > body.left() as u64 {
            return Err(bad(
                "PLY",
                format!("{} {} elements cannot fit in the {} bytes left", e.count, e.name, body.left()),
            ));
        }
        let mut row = vec![0f64; e.props.len()];
        match e.name.as_str() {
            "vertex" => {
                let xyz: Vec<usize> = ["x", "y", "z"]
                    .iter()
                    .filter_map(|n| e.props.iter().position(|p| p.name == *n && p.list.is_none()))
                    .collect();
                if xyz.len() < 2 {
                    return Err(bad("PLY", "the vertex element has no x and y properties"));
                }
                double = xyz.iter().any(|&i| e.props[i].ty == Ty::F64);
                let attr = attributes(&e.props, &["x", "y", "z"]);
                let mut values = Vec::new();
                points = vec_for(e.count * 3, 0, 0, "PLY vertices")?;
                if enc != Encoding::Ascii && e.props.iter().all(|p| p.list.is_none()) {
                    // Binary rows of fixed size: every value at a known offset, no per-value dispatch.
                    let offsets: Vec<usize> =
                        e.props.iter().scan(0, |at, p| Some(std::mem::replace(at, *at + p.ty.size()))).collect();
                    let stride: usize = e.props.iter().map(|p| p.ty.size()).sum();
                    let block = body.take(e.count as usize * stride)?;
                    let big = enc == Encoding::Big;
                    nv = e.count;
                    if attr.is_none() && xyz.len() == 3 && xyz.iter().all(|&i| e.props[i].ty == Ty::F32) {
                        // float32 x, y, z only (what most writers write): straight to float32.
                        let at = [offsets[xyz[0]], offsets[xyz[1]], offsets[xyz[2]]];
                        let f = |b: &[u8]| {
                            let b = [b[0], b[1], b[2], b[3]];
                            if big {
                                f32::from_be_bytes(b)
                            } else {
                                f32::from_le_bytes(b)
                            }
                        };
                        let mut p: Vec<f32> = vec_for(e.count * 3, 0, 0, "PLY vertices")?;
                        if stride == 12 && at == [0, 4, 8] {
                            p.extend(block.chunks_exact(4).map(f));
                        } else {
                            for r in block.chunks_exact(stride) {
                                p.extend(at.iter().map(|&o| f(&r[o..])));
                            }
                        }
                        points_f32 = Some(p);
                        continue;
                    }
                    for r in block.chunks_exact(stride) {
                        for c in 0..3 {
                            points.push(xyz.get(c).map_or(0.0, |&i| decode(e.props[i].ty, big, &r[offsets[i]..])));
                        }
                        if let Some((_, idx, _)) = &attr {
                            values.extend(idx.iter().map(|&i| decode(e.props[i].ty, big, &r[offsets[i]..])));
                        }
                    }
                    point_data = attr.map(|(pixel, idx, c)| Data::new(pixel, idx.len(), e.count, from_f64(&values, c)));
                    continue;
                }
                for _ in 0..e.count {
                    read_row(&mut body, e, &mut row)?;
                    points.extend((0..3).map(|c| xyz.get(c).map_or(0.0, |&i| row[i])));
                    if let Some((_, idx, _)) = &attr {
                        values.extend(idx.iter().map(|&i| row[i]));
                    }
                }
                nv = e.count;
                point_data = attr.map(|(pixel, idx, c)| Data::new(pixel, idx.len(), e.count, from_f64(&values, c)));
            }
            "face" => {
                let list = e
                    .props
                    .iter()
                    .position(|p| p.list.is_some() && (p.name == "vertex_indices" || p.name == "vertex_index"))
                    .ok_or_else(|| bad("PLY", "the face element has no vertex_indices list"))?;
                let attr = attributes(&e.props, &[]);
                let mut values = Vec::new();
                let simple =
                    e.props.len() == 1 && e.props[0].list == Some(Ty::U8) && matches!(e.props[0].ty, Ty::I32 | Ty::U32);
                if enc != Encoding::Ascii && simple {
                    // The common binary face list: a byte count, then 32-bit ids, walked
                    // over the rest of the body at once; ids are checked by their maximum
                    // (a negative int32 is a huge uint32).
                    let big = enc == Encoding::Big;
                    let rest = &body.bin[body.at..];
                    let end = || bad("PLY", "the file ends inside its elements");
                    let buf = &mut cells.buffer;
                    buf.reserve(e.count as usize * 5);
                    let (mut at, mut max) = (0usize, 0u32);
                    for _ in 0..e.count {
                        let n = *rest.get(at).ok_or_else(end)? as usize;
                        let raw = rest.get(at + 1..at + 1 + 4 * n).ok_or_else(end)?;
                        at += 1 + 4 * n;
                        buf.extend_from_slice(&[cell::POLYGON as u32, n as u32]);
                        for b in raw.chunks_exact(4) {
                            let b = [b[0], b[1], b[2], b[3]];
                            let v = if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) };
                            max = max.max(v);
                            buf.push(v);
                        }
                    }
                    if e.count > 0 && max as u64 >= nv {
                        return Err(bad("PLY", format!("point index {} is outside the {nv} points", max as i32)));
                    }
                    cells.count += e.count;
                    body.at += at;
                    continue;
                }
                for _ in 0..e.count {
                    for (i, p) in e.props.iter().enumerate() {
                        match p.list {
                            Some(count_ty) => {
                                let n = body.value(count_ty)?;
                                if !(0.0..=body.left() as f64).contains(&n) {
                                    return Err(bad("PLY", format!("a face lists {n} vertices")));
                                }
                                ids.clear();
                                for _ in 0..n as usize {
                                    let v = body.value(p.ty)?;
                                    if i == list {
                                        ids.push(point_id(v as i64, nv, "PLY")?);
                                    }
                                }
                            }
                            None => row[i] = body.value(p.ty)?,
                        }
                    }
                    cells.polygon(&ids);
                    if let Some((_, idx, _)) = &attr {
                        values.extend(idx.iter().map(|&i| row[i]));
                    }
                }
                cell_data = attr.map(|(pixel, idx, c)| Data::new(pixel, idx.len(), e.count, from_f64(&values, c)));
            }
            "edge" => {
                let end = |n: &str| e.props.iter().position(|p| p.name == n && p.list.is_none());
                let (a, z) = end("vertex1")
                    .zip(end("vertex2"))
                    .ok_or_else(|| bad("PLY", "an edge element without vertex1/vertex2"))?;
                for _ in 0..e.count {
                    read_row(&mut body, e, &mut row)?;
                    cells.push(cell::LINE, &[point_id(row[a] as i64, nv, "PLY")?, point_id(row[z] as i64, nv, "PLY")?]);
                }
                if cell_data.is_some() && e.count > 0 {
                    // Face data covers the faces only; with edges too it would not line up.
                    cell_data = None;
                }
            }
            _ => {
                for _ in 0..e.count {
                    read_row(&mut body, e, &mut row)?;
                }
            }
        }
    }
    let points = match points_f32 {
        Some(p) => Pixels::F32(p),
        None if double => Pixels::F64(points),
        None => Pixels::F32(points.iter().map(|&v| v as f32).collect()),
    };
    let mut mesh = cells.mesh(3, points);
    if let Some(d) = point_data {
        mesh.point_data = d;
    }
    if let Some(d) = cell_data {
        mesh.cell_data = d;
    }
    Ok(mesh)
}

/// One instance of an element; list properties are read and dropped.
fn read_row(body: &mut Body, e: &Element, row: &mut [f64]) -> Result<(), Failure> {
    for (i, p) in e.props.iter().enumerate() {
        match p.list {
            Some(count_ty) => {
                let n = body.value(count_ty)?;
                if !(0.0..=body.left() as f64).contains(&n) {
                    return Err(bad("PLY", format!("a list of {n} values")));
                }
                for _ in 0..n as usize {
                    body.value(p.ty)?;
                }
            }
            None => row[i] = body.value(p.ty)?,
        }
    }
    Ok(())
}

/// Property names for attached data, as `attributes` reads them back.
fn data_names(d: &Data) -> Vec<String> {
    match (d.pixel, d.components) {
        (Pixel::Rgb, 3) => vec!["red".into(), "green".into(), "blue".into()],
        (Pixel::Rgba, 4) => vec!["red".into(), "green".into(), "blue".into(), "alpha".into()],
        (_, 3) if matches!(d.pixel, Pixel::Vector | Pixel::CovariantVector) => {
            vec!["nx".into(), "ny".into(), "nz".into()]
        }
        (_, 1) => vec!["value".into()],
        (_, n) => (0..n).map(|i| format!("value{i}")).collect(),
    }
}

struct Out {
    binary: bool,
    bytes: Vec<u8>,
    text: String,
}

impl Out {
    fn value(&mut self, v: f64, c: Ctype) {
        if !self.binary {
            push_num(&mut self.text, if c == Ctype::F32 { v as f32 as f64 } else { v });
            self.text.push(' ');
            return;
        }
        let b = &mut self.bytes;
        match c {
            Ctype::I8 => b.push(v as i8 as u8),
            Ctype::U8 => b.push(v as u8),
            Ctype::I16 => b.extend_from_slice(&(v as i16).to_le_bytes()),
            Ctype::U16 => b.extend_from_slice(&(v as u16).to_le_bytes()),
            Ctype::I32 | Ctype::I64 => b.extend_from_slice(&(v as i32).to_le_bytes()),
            Ctype::U32 | Ctype::U64 => b.extend_from_slice(&(v as u32).to_le_bytes()),
            Ctype::F32 => b.extend_from_slice(&(v as f32).to_le_bytes()),
            Ctype::F64 => b.extend_from_slice(&v.to_le_bytes()),
        }
    }

    fn end_row(&mut self) {
        if !self.binary {
            self.text.pop();
            self.text.push('\n');
        }
    }
}

pub fn write(mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
    only_polygons(mesh, "PLY")?;
    if mesh.dimension > 3 {
        return Err(Failure::new(Code::Unsupported, format!("PLY holds 3-D points; the mesh is {}-D", mesh.dimension)));
    }
    let n = mesh.number_of_points as usize;
    let pc = if mesh.point_ctype == Ctype::F64 { Ctype::F64 } else { Ctype::F32 };
    let pd = (mesh.point_data.count as usize == n && n > 0).then_some(&mesh.point_data);
    let cd = (mesh.cell_data.count == mesh.number_of_cells && mesh.number_of_cells > 0).then_some(&mesh.cell_data);
    let mut h = format!(
        "ply\nformat {} 1.0\ncomment written by witk\nelement vertex {n}\n",
        if o.binary { "binary_little_endian" } else { "ascii" }
    );
    for axis in ["x", "y", "z"] {
        h.push_str(&format!("property {} {axis}\n", Ty::name(pc)));
    }
    if let Some(d) = pd {
        for name in data_names(d) {
            h.push_str(&format!("property {} {name}\n", Ty::name(d.ctype)));
        }
    }
    if mesh.number_of_cells > 0 {
        h.push_str(&format!("element face {}\nproperty list uchar int vertex_indices\n", mesh.number_of_cells));
        if let Some(d) = cd {
            for name in data_names(d) {
                h.push_str(&format!("property {} {name}\n", Ty::name(d.ctype)));
            }
        }
    }
    h.push_str("end_header\n");
    let mut out = Out { binary: o.binary, bytes: Vec::new(), text: String::new() };
    if o.binary {
        out.bytes = h.into_bytes();
    } else {
        out.text = h;
    }
    let xyz = mesh.coordinates();
    let d = mesh.dimension.max(1);
    let pvals = pd.map(|d| d.f64s()).unwrap_or_default();
    for i in 0..n {
        for c in 0..3 {
            out.value(if c < d { xyz[i * d + c] } else { 0.0 }, pc);
        }
        if let Some(pd) = pd {
            for c in 0..pd.components {
                out.value(pvals[i * pd.components + c], pd.ctype);
            }
        }
        out.end_row();
    }
    let cvals = cd.map(|d| d.f64s()).unwrap_or_default();
    let mut k = 0usize;
    let mut failed = None;
    mesh.each_cell(|_, ids| {
        if ids.len() > 255 {
            failed = Some(ids.len());
        }
        if !out.binary {
            out.text.push_str(&ids.len().to_string());
            out.text.push(' ');
        } else {
            out.bytes.push(ids.len() as u8);
        }
        for &id in ids {
            out.value(id as f64, Ctype::I32);
        }
        if let Some(cd) = cd {
            for c in 0..cd.components {
                out.value(cvals[k * cd.components + c], cd.ctype);
            }
        }
        out.end_row();
        k += 1;
        Ok(())
    })?;
    if let Some(len) = failed {
        return Err(Failure::new(Code::Unsupported, format!("PLY (uchar counts): a polygon of {len} points")));
    }
    Ok(if o.binary { out.bytes } else { out.text.into_bytes() })
}
