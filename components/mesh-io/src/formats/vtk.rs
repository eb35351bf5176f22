//! VTK legacy files (`.vtk`) holding meshes: `DATASET POLYDATA` (vertices, lines,
//! polygons, triangle strips) and `DATASET UNSTRUCTURED_GRID` (any linear cell ITK has),
//! ASCII or BINARY (big-endian), in both cell layouts (`n size` rows before file version
//! 5, `OFFSETS`/`CONNECTIVITY` from 5.1). The first attribute of `POINT_DATA` and of
//! `CELL_DATA` (SCALARS, COLOR_SCALARS, VECTORS, NORMALS, TENSORS, TEXTURE_COORDINATES or
//! a FIELD's first array) becomes the point or cell data; the rest are read past.
//!
//! Cells follow ITK's reader: polygons are `POLYGON_CELL`, two-point lines `LINE_CELL`,
//! longer ones `POLYLINE_CELL`. Where ITK drops cells, we convert: triangle strips to
//! triangles and poly-vertices to vertices (their cell data repeated for each part).
//!
//! The writer writes POLYDATA when every cell fits it in VTK's order (vertices, lines,
//! then polygons), else an UNSTRUCTURED_GRID, so cell order and cell data survive.

use super::Options;
use crate::model::{bad, cell, from_f64, to_f64, vec_for, Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};
use crate::text::{push_coord, Tokens};

const F: &str = "VTK";

fn ctype_of(name: &str) -> Result<Ctype, Failure> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "unsigned_char" => Ctype::U8,
        "char" | "signed_char" => Ctype::I8,
        "unsigned_short" => Ctype::U16,
        "short" => Ctype::I16,
        "unsigned_int" => Ctype::U32,
        "int" => Ctype::I32,
        "unsigned_long" | "vtktypeuint64" => Ctype::U64,
        "long" | "vtktypeint64" | "vtkidtype" => Ctype::I64,
        "float" => Ctype::F32,
        "double" => Ctype::F64,
        other => return Err(Failure::new(Code::Unsupported, format!("VTK: data type {other:?}"))),
    })
}

fn type_name(c: Ctype) -> &'static str {
    match c {
        Ctype::U8 => "unsigned_char",
        Ctype::I8 => "char",
        Ctype::U16 => "unsigned_short",
        Ctype::I16 => "short",
        Ctype::U32 => "unsigned_int",
        Ctype::I32 => "int",
        Ctype::U64 => "vtktypeuint64",
        Ctype::I64 => "vtktypeint64",
        Ctype::F32 => "float",
        Ctype::F64 => "double",
    }
}

struct Reader<'a> {
    t: Tokens<'a>,
    binary: bool,
}

impl Reader<'_> {
    /// `count` values of `c`: ASCII tokens, or big-endian binary after the header line.
    fn values(&mut self, c: Ctype, count: u64, what: &str) -> Result<Pixels, Failure> {
        self.values_at(c, count, what, true)
    }

    fn values_at(&mut self, c: Ctype, count: u64, what: &str, end_line: bool) -> Result<Pixels, Failure> {
        if self.binary {
            if end_line {
                self.t.rest_of_line();
            }
            let n = count.checked_mul(c.size() as u64).filter(|&n| n <= self.t.left() as u64).ok_or_else(|| {
                bad(F, format!("{what}: {count} {} values do not fit in the {} bytes left", c.name(), self.t.left()))
            })?;
            let mut p = Pixels::from_le_bytes(c, &self.t.remainder()[..n as usize])?;
            if c.size() > 1 {
                for v in p.chunks_exact_mut(c.size()) {
                    v.reverse();
                }
            }
            self.t.advance(n as usize);
            return Ok(p);
        }
        let mut v: Vec<f64> = vec_for(count, 2, self.t.left(), what)?;
        for _ in 0..count {
            v.push(self.t.f64(what)?);
        }
        Ok(from_f64(&v, c))
    }

    /// A cell array: (offsets, connectivity), from either layout.
    fn cell_array(&mut self, version: f64, what: &str) -> Result<(Vec<u64>, Vec<u64>), Failure> {
        let n = self.t.u64("a cell count")?;
        let size = self.t.u64("a cell array size")?;
        if version >= 5.0 {
            self.expect("OFFSETS")?;
            let oc = ctype_of(self.t.word("the offsets' type")?)?;
            let offsets: Vec<u64> = ints(&self.values(oc, n, "OFFSETS")?)?;
            self.expect("CONNECTIVITY")?;
            let cc = ctype_of(self.t.word("the connectivity's type")?)?;
            let conn = ints(&self.values(cc, size, "CONNECTIVITY")?)?;
            if !partitions(&offsets, conn.len()) {
                return Err(bad(F, format!("{what}: the offsets do not partition the connectivity")));
            }
            return Ok((offsets, conn));
        }
        let flat = ints(&self.values(Ctype::I32, size, what)?)?;
        let mut offsets = vec_for(n + 1, 1, flat.len() + 1, what)?;
        let mut conn = vec_for(size.saturating_sub(n), 0, 0, what)?;
        offsets.push(0);
        let mut at = 0usize;
        for _ in 0..n {
            let k = *flat.get(at).ok_or_else(|| bad(F, format!("{what}: the rows end before {n} cells")))? as usize;
            let row =
                flat.get(at + 1..at + 1 + k).ok_or_else(|| bad(F, format!("{what}: a row runs past the array")))?;
            conn.extend_from_slice(row);
            offsets.push(conn.len() as u64);
            at += 1 + k;
        }
        if at != flat.len() {
            return Err(bad(F, format!("{what}: {n} cells use {at} of the {} values", flat.len())));
        }
        Ok((offsets, conn))
    }

    fn expect(&mut self, word: &str) -> Result<(), Failure> {
        let got = self.t.word(word)?;
        if got.eq_ignore_ascii_case(word) {
            Ok(())
        } else {
            Err(bad(F, format!("expected {word}, found {got:?}")))
        }
    }

    /// One attribute of POINT_DATA/CELL_DATA (its keyword already read), as data.
    fn attribute(&mut self, keyword: &str, n: u64) -> Result<Option<Data>, Failure> {
        let data = |pixel, comps: usize, values| Some(Data::new(pixel, comps, n, values));
        Ok(match keyword {
            "SCALARS" => {
                self.t.word("the array name")?;
                let c = ctype_of(self.t.word("the scalars' type")?)?;
                // The component count is optional; the line ends after the type if absent.
                let rest = self.t.rest_of_line();
                let comps = std::str::from_utf8(rest).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(1usize);
                if !(1..=4).contains(&comps) {
                    return Err(bad(F, format!("SCALARS with {comps} components (VTK allows 1 to 4)")));
                }
                let save = self.t.position();
                let v = if self.t.next_token().is_some_and(|w| w.eq_ignore_ascii_case(b"LOOKUP_TABLE")) {
                    self.t.word("a lookup table name")?;
                    self.values(c, n * comps as u64, "SCALARS")?
                } else {
                    self.t.rewind(save);
                    self.values_here(c, n * comps as u64, "SCALARS")?
                };
                data(if comps == 1 { Pixel::Scalar } else { Pixel::Vector }, comps, v)
            }
            "COLOR_SCALARS" => {
                self.t.word("the array name")?;
                let m = self.t.u64("the colour components")? as usize;
                if !(1..=4).contains(&m) {
                    return Err(bad(F, format!("COLOR_SCALARS with {m} components")));
                }
                let v = if self.binary {
                    self.values(Ctype::U8, n * m as u64, "COLOR_SCALARS")?
                } else {
                    let f = to_f64(&self.values(Ctype::F64, n * m as u64, "COLOR_SCALARS")?);
                    Pixels::U8(f.iter().map(|x| (x * 255.0).round().clamp(0.0, 255.0) as u8).collect())
                };
                let pixel = match m {
                    3 => Pixel::Rgb,
                    4 => Pixel::Rgba,
                    _ => Pixel::Vector,
                };
                data(pixel, m, v)
            }
            "VECTORS" | "NORMALS" => {
                self.t.word("the array name")?;
                let c = ctype_of(self.t.word("the type")?)?;
                let v = self.values(c, n * 3, keyword)?;
                data(if keyword == "VECTORS" { Pixel::Vector } else { Pixel::CovariantVector }, 3, v)
            }
            "TEXTURE_COORDINATES" => {
                self.t.word("the array name")?;
                let dim = self.t.u64("the texture dimension")?.clamp(1, 3) as usize;
                let c = ctype_of(self.t.word("the type")?)?;
                let v = self.values(c, n * dim as u64, keyword)?;
                data(Pixel::Vector, dim, v)
            }
            "TENSORS" | "TENSORS6" => {
                self.t.word("the array name")?;
                let c = ctype_of(self.t.word("the type")?)?;
                let per = if keyword == "TENSORS" { 9 } else { 6 };
                let v = to_f64(&self.values(c, n * per, keyword)?);
                // ITK keeps the six distinct values of a symmetric tensor: xx xy xz yy yz zz.
                let six: Vec<f64> = if per == 9 {
                    v.chunks_exact(9).flat_map(|m| [m[0], m[1], m[2], m[4], m[5], m[8]]).collect()
                } else {
                    v
                };
                data(Pixel::SymmetricSecondRankTensor, 6, from_f64(&six, c))
            }
            "FIELD" => {
                self.t.word("the field name")?;
                let arrays = self.t.u64("the number of arrays")?;
                let mut first = None;
                for _ in 0..arrays {
                    let name = self.t.word("an array name")?;
                    if name == "NULL_ARRAY" {
                        continue;
                    }
                    let comps = self.t.u64("an array's components")?;
                    let tuples = self.t.u64("an array's tuples")?;
                    let c = ctype_of(self.t.word("an array's type")?)?;
                    let v = self.values(c, comps.saturating_mul(tuples), "a FIELD array")?;
                    self.skip_metadata()?;
                    if first.is_none() && tuples == n && comps > 0 {
                        let pixel = if comps == 1 { Pixel::Scalar } else { Pixel::Vector };
                        first = Some(Data::new(pixel, comps as usize, n, v));
                    }
                }
                first
            }
            "LOOKUP_TABLE" => {
                self.t.word("the table name")?;
                let size = self.t.u64("the table size")?;
                if self.binary {
                    self.values(Ctype::U8, size * 4, "LOOKUP_TABLE")?;
                } else {
                    self.values(Ctype::F64, size * 4, "LOOKUP_TABLE")?;
                }
                None
            }
            other => return Err(Failure::new(Code::Unsupported, format!("VTK: attribute {other:?}"))),
        })
    }

    /// Values whose header line has already been consumed (binary data starts here).
    fn values_here(&mut self, c: Ctype, count: u64, what: &str) -> Result<Pixels, Failure> {
        self.values_at(c, count, what, false)
    }

    /// A `METADATA` block (file version 5): read to its blank line.
    fn skip_metadata(&mut self) -> Result<(), Failure> {
        let save = self.t.position();
        if self.t.next_token().is_some_and(|w| w.eq_ignore_ascii_case(b"METADATA")) {
            self.t.rest_of_line();
            while self.t.left() > 0 && !self.t.rest_of_line().trim_ascii().is_empty() {}
        } else {
            self.t.rewind(save);
        }
        Ok(())
    }
}

/// Whether offsets (from 0, one more than the cells) partition a connectivity array.
pub(crate) fn partitions(offsets: &[u64], conn_len: usize) -> bool {
    offsets.first().is_none_or(|&o| o == 0)
        && offsets.windows(2).all(|w| w[0] <= w[1])
        && offsets.last().is_none_or(|&o| o == conn_len as u64)
}

/// Integer values (ids, counts, offsets): negative or fractional ones are not.
pub(crate) fn ints(p: &Pixels) -> Result<Vec<u64>, Failure> {
    let negative = |x: i64| bad(F, format!("{x} is not a point id or count"));
    // Integer arrays (all that VTK writes for cells) convert directly; floats via float64.
    match p {
        Pixels::I32(v) => v.iter().map(|&x| u64::try_from(x).map_err(|_| negative(x as i64))).collect(),
        Pixels::I64(v) => v.iter().map(|&x| u64::try_from(x).map_err(|_| negative(x))).collect(),
        Pixels::U32(v) => Ok(v.iter().map(|&x| x as u64).collect()),
        Pixels::U64(v) => Ok(v.clone()),
        other => to_f64(other)
            .into_iter()
            .map(|x| {
                (x >= 0.0 && x.fract() == 0.0)
                    .then_some(x as u64)
                    .ok_or_else(|| bad(F, format!("{x} is not a point id or count")))
            })
            .collect(),
    }
}

/// A VTK cell array: offsets (from 0, one more than the cells) into the connectivity.
pub(crate) type CellArray = (Vec<u64>, Vec<u64>);

/// Turns the `k`-th VTK cell's point ids into ITK cells; returns how many.
type CellFn<'a> = dyn FnMut(usize, &[u32], &mut crate::model::Cells) -> Result<usize, Failure> + 'a;

/// VTK cell type to ITK's, with VTK's pixel and voxel point order made ITK's.
pub(crate) fn itk_cell(vtk: u64, ids: &[u32], out: &mut crate::model::Cells) -> Result<usize, Failure> {
    let kind = match vtk {
        1 => cell::VERTEX,
        2 => {
            ids.iter().for_each(|&i| out.push(cell::VERTEX, &[i]));
            return Ok(ids.len());
        }
        3 => cell::LINE,
        4 => cell::POLYLINE,
        5 => cell::TRIANGLE,
        6 => return Ok(strip(ids, out)),
        7 => cell::POLYGON,
        8 if ids.len() == 4 => {
            out.push(cell::QUADRILATERAL, &[ids[0], ids[1], ids[3], ids[2]]);
            return Ok(1);
        }
        9 => cell::QUADRILATERAL,
        10 => cell::TETRAHEDRON,
        11 if ids.len() == 8 => {
            let o = [0, 1, 3, 2, 4, 5, 7, 6].map(|i| ids[i]);
            out.push(cell::HEXAHEDRON, &o);
            return Ok(1);
        }
        12 => cell::HEXAHEDRON,
        21 => cell::QUADRATIC_EDGE,
        22 => cell::QUADRATIC_TRIANGLE,
        other => return Err(Failure::new(Code::Unsupported, format!("VTK cell type {other} has no ITK cell"))),
    };
    if cell::fixed_size(kind).is_some_and(|k| k != ids.len()) {
        return Err(bad(F, format!("a VTK cell of type {vtk} with {} points", ids.len())));
    }
    out.push(kind, ids);
    Ok(1)
}

/// A triangle strip as triangles, every other one flipped to keep the winding.
fn strip(ids: &[u32], out: &mut crate::model::Cells) -> usize {
    for k in 0..ids.len().saturating_sub(2) {
        let t = if k % 2 == 0 { [ids[k], ids[k + 1], ids[k + 2]] } else { [ids[k + 1], ids[k], ids[k + 2]] };
        out.push(cell::TRIANGLE, &t);
    }
    ids.len().saturating_sub(2)
}

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let mut t = Tokens::new(b, F, false);
    let first = String::from_utf8_lossy(t.rest_of_line()).into_owned();
    let version: f64 = first
        .strip_prefix("# vtk DataFile Version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| bad(F, format!("the first line is {first:?}, not '# vtk DataFile Version x.y'")))?;
    t.rest_of_line(); // the title: free text, not a name
    let binary = match t.word("ASCII or BINARY")?.to_ascii_uppercase().as_str() {
        "ASCII" => false,
        "BINARY" => true,
        other => return Err(bad(F, format!("expected ASCII or BINARY, found {other:?}"))),
    };
    let mut r = Reader { t, binary };
    r.expect("DATASET")?;
    let dataset = r.t.word("the dataset type")?.to_ascii_uppercase();
    if dataset != "POLYDATA" && dataset != "UNSTRUCTURED_GRID" {
        return Err(Failure::new(
            Code::Unsupported,
            format!("VTK DATASET {dataset} is not a mesh (images are read by image-io)"),
        ));
    }
    let mut points: Option<Pixels> = None;
    let mut sections: [Option<(Vec<u64>, Vec<u64>)>; 4] = [None, None, None, None];
    let mut grid: Option<(Vec<u64>, Vec<u64>)> = None;
    let mut types: Option<Vec<u64>> = None;
    let mut point_data = None;
    let mut cell_data = None;
    // Which data section attributes belong to, and its tuple count.
    let mut section: Option<(bool, u64)> = None;
    while let Some(word) = r.t.next_token() {
        let word = String::from_utf8_lossy(word).to_ascii_uppercase();
        match word.as_str() {
            "POINTS" => {
                let n = r.t.u64("the point count")?;
                let c = ctype_of(r.t.word("the points' type")?)?;
                let v = r.values(c, n.saturating_mul(3), "POINTS")?;
                points = Some(match c {
                    Ctype::F64 => v,
                    Ctype::F32 => v,
                    _ => Pixels::F32(to_f64(&v).iter().map(|&x| x as f32).collect()),
                });
            }
            "VERTICES" | "LINES" | "POLYGONS" | "TRIANGLE_STRIPS" => {
                let i =
                    ["VERTICES", "LINES", "POLYGONS", "TRIANGLE_STRIPS"].iter().position(|w| *w == word).unwrap_or(0);
                sections[i] = Some(r.cell_array(version, &word)?);
            }
            "CELLS" => grid = Some(r.cell_array(version, "CELLS")?),
            "CELL_TYPES" => {
                let n = r.t.u64("the cell type count")?;
                types = Some(ints(&r.values(Ctype::I32, n, "CELL_TYPES")?)?);
            }
            "POINT_DATA" => section = Some((true, r.t.u64("the point data count")?)),
            "CELL_DATA" => section = Some((false, r.t.u64("the cell data count")?)),
            "METADATA" => {
                r.t.rest_of_line();
                while r.t.left() > 0 && !r.t.rest_of_line().trim_ascii().is_empty() {}
            }
            "FIELD" if section.is_none() => {
                // Dataset-level field data (TIME, CYCLE): read past.
                r.attribute("FIELD", 0)?;
            }
            keyword => {
                let (on_points, n) =
                    section.ok_or_else(|| bad(F, format!("{keyword:?} outside POINT_DATA or CELL_DATA")))?;
                let d = r.attribute(keyword, n)?;
                let slot = if on_points { &mut point_data } else { &mut cell_data };
                if slot.is_none() {
                    *slot = d;
                }
            }
        }
    }
    let points = points.ok_or_else(|| bad(F, "no POINTS"))?;
    let np = (points.count() / 3) as u64;
    let mut cells = crate::model::Cells::default();
    // Output cells per input cell, where a cell became several (strips, poly-vertices).
    let mut parts: Vec<usize> = Vec::new();
    if let Some((offsets, conn)) = &grid {
        let types = types.ok_or_else(|| bad(F, "CELLS without CELL_TYPES"))?;
        if types.len() + 1 != offsets.len() {
            return Err(bad(F, format!("{} CELL_TYPES for {} cells", types.len(), offsets.len().saturating_sub(1))));
        }
        each_cell(offsets, conn, np, &mut cells, &mut parts, F, &mut |k, ids, out| itk_cell(types[k], ids, out))?;
    } else {
        polydata_cells(&sections, np, &mut cells, &mut parts, F)?;
    }
    assemble(cells.mesh(3, points), &parts, point_data, cell_data, F)
}

/// VTK cells given by offsets (from 0, validated by [`partitions`]) into `conn`, each
/// made ITK cells by `f`; `parts` gets how many ITK cells each one became.
fn each_cell(
    offsets: &[u64],
    conn: &[u64],
    np: u64,
    cells: &mut crate::model::Cells,
    parts: &mut Vec<usize>,
    format: &str,
    f: &mut CellFn,
) -> Result<(), Failure> {
    let mut ids = Vec::new();
    for (k, w) in offsets.windows(2).enumerate() {
        ids.clear();
        for &id in &conn[w[0] as usize..w[1] as usize] {
            ids.push(crate::model::point_id(id.min(i64::MAX as u64) as i64, np, format)?);
        }
        parts.push(f(k, &ids, cells)?);
    }
    Ok(())
}

/// Polydata's cell arrays, in VTK's order (vertices, lines, polygons, triangle strips),
/// each as offsets from 0 and connectivity: poly-vertices become vertices, lines of more
/// than two points polylines, strips triangles (as ITK's VTK reader, where it keeps them).
/// Polygons of one or two points stay polygons, as in VTK and ITK: OFF faces can be such
/// (refusing them here made an OFF mesh written as VTK unreadable: found by fuzzing).
pub(crate) fn polydata_cells(
    sections: &[Option<CellArray>; 4],
    np: u64,
    cells: &mut crate::model::Cells,
    parts: &mut Vec<usize>,
    format: &str,
) -> Result<(), Failure> {
    let vtk_kind = [1u64, 3, 7, 6];
    for (i, s) in sections.iter().enumerate() {
        if let Some((offsets, conn)) = s {
            each_cell(offsets, conn, np, cells, parts, format, &mut |_, ids, out| {
                let kind = match (vtk_kind[i], ids.len()) {
                    (1, n) if n > 1 => 2,
                    (3, n) if n > 2 => 4,
                    (k, _) => k,
                };
                itk_cell(kind, ids, out)
            })?;
        }
    }
    Ok(())
}

/// The mesh with its point data and its cell data (given for each VTK cell: repeated
/// for each part of cells that became several), their counts checked.
pub(crate) fn assemble(
    mut mesh: Mesh,
    parts: &[usize],
    point_data: Option<Data>,
    cell_data: Option<Data>,
    format: &str,
) -> Result<Mesh, Failure> {
    let np = mesh.number_of_points;
    if let Some(d) = point_data {
        if d.count != np {
            return Err(bad(format, format!("point data for {} points; the file has {np}", d.count)));
        }
        mesh.point_data = d;
    }
    if let Some(d) = cell_data {
        if d.count != parts.len() as u64 {
            return Err(bad(format, format!("cell data for {} cells; the file has {}", d.count, parts.len())));
        }
        mesh.cell_data = if parts.iter().all(|&p| p == 1) { d } else { repeat(d, parts) };
    }
    Ok(mesh)
}

/// Cell data of cells that became `parts[i]` cells each, repeated for each part.
fn repeat(d: Data, parts: &[usize]) -> Data {
    let comps = d.components;
    let v = d.f64s();
    let out: Vec<f64> = parts
        .iter()
        .enumerate()
        .flat_map(|(i, &n)| std::iter::repeat_n(&v[i * comps..(i + 1) * comps], n).flatten().copied())
        .collect();
    let count = parts.iter().sum::<usize>() as u64;
    Data::new(d.pixel, comps, count, from_f64(&out, d.ctype))
}

// ---------------------------------------------------------------------------------------
// Writing

struct Writer {
    binary: bool,
    out: Vec<u8>,
}

impl Writer {
    fn line(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
        self.out.push(b'\n');
    }

    /// Values as VTK stores them: ASCII, several per line, or big-endian binary.
    fn values(&mut self, v: &[f64], c: Ctype, per_line: usize) {
        if self.binary {
            // The type is matched once, not per value: this is the bulk of a large file.
            macro_rules! be {
                ($t:ty) => {{
                    self.out.reserve(v.len() * std::mem::size_of::<$t>() + 1);
                    for &x in v {
                        self.out.extend_from_slice(&(x as $t).to_be_bytes());
                    }
                }};
            }
            match c {
                Ctype::I8 => be!(i8),
                Ctype::U8 => be!(u8),
                Ctype::I16 => be!(i16),
                Ctype::U16 => be!(u16),
                Ctype::I32 => be!(i32),
                Ctype::U32 => be!(u32),
                Ctype::I64 => be!(i64),
                Ctype::U64 => be!(u64),
                Ctype::F32 => be!(f32),
                Ctype::F64 => be!(f64),
            }
            self.out.push(b'\n');
            return;
        }
        let mut s = String::with_capacity(v.len() * 10);
        for (i, &x) in v.iter().enumerate() {
            push_coord(&mut s, x, c == Ctype::F32);
            s.push(if (i + 1) % per_line.max(1) == 0 || i + 1 == v.len() { '\n' } else { ' ' });
        }
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Cell rows `n id...` (legacy layout) from a flat array of them, int32.
    fn rows(&mut self, flat: &[u32]) {
        if self.binary {
            self.out.reserve(flat.len() * 4 + 1);
            for &v in flat {
                self.out.extend_from_slice(&(v as i32).to_be_bytes());
            }
            self.out.push(b'\n');
            return;
        }
        let mut s = String::with_capacity(flat.len() * 7);
        let mut at = 0;
        while at < flat.len() {
            let n = flat[at] as usize;
            for (k, v) in flat[at..at + 1 + n].iter().enumerate() {
                if k > 0 {
                    s.push(' ');
                }
                s.push_str(&v.to_string());
            }
            s.push('\n');
            at += 1 + n;
        }
        self.out.extend_from_slice(s.as_bytes());
    }

    fn data(&mut self, d: &Data, on_points: bool) {
        let prefix = if on_points { "Point" } else { "Cell" };
        let v = d.f64s();
        let c = d.ctype;
        match (d.pixel, d.components) {
            (Pixel::Rgb, 3) | (Pixel::Rgba, 4) if c == Ctype::U8 => {
                self.line(&format!("COLOR_SCALARS {prefix}ColorData {}", d.components));
                if self.binary {
                    self.values(&v, Ctype::U8, d.components);
                } else {
                    let scaled: Vec<f64> = v.iter().map(|x| x / 255.0).collect();
                    self.values(&scaled, Ctype::F64, d.components);
                }
            }
            (Pixel::Vector, 3) => {
                self.line(&format!("VECTORS {prefix}VectorData {}", type_name(c)));
                self.values(&v, c, 3);
            }
            (Pixel::CovariantVector, 3) => {
                self.line(&format!("NORMALS {prefix}Normals {}", type_name(c)));
                self.values(&v, c, 3);
            }
            (Pixel::SymmetricSecondRankTensor, 6) => {
                self.line(&format!("TENSORS {prefix}TensorData {}", type_name(c)));
                let nine: Vec<f64> =
                    v.chunks_exact(6).flat_map(|t| [t[0], t[1], t[2], t[1], t[3], t[4], t[2], t[4], t[5]]).collect();
                self.values(&nine, c, 3);
            }
            (Pixel::Scalar, 1..=4) => {
                self.line(&format!("SCALARS {prefix}ScalarData {} {}", type_name(c), d.components));
                self.line("LOOKUP_TABLE default");
                self.values(&v, c, d.components.max(1));
            }
            (_, comps) => {
                self.line(&format!("FIELD FieldData 1\n{prefix}Data {comps} {} {}", d.count, type_name(c)));
                self.values(&v, c, comps.max(1));
            }
        }
    }
}

/// VTK's cell type of an ITK cell, and its POLYDATA section (vertices 0, lines 1, polygons 2).
pub(crate) fn vtk_cell(kind: u64) -> Option<(u8, Option<usize>)> {
    Some(match kind {
        cell::VERTEX => (1, Some(0)),
        cell::LINE => (3, Some(1)),
        cell::POLYLINE => (4, Some(1)),
        cell::TRIANGLE => (5, Some(2)),
        cell::QUADRILATERAL => (9, Some(2)),
        cell::POLYGON => (7, Some(2)),
        cell::TETRAHEDRON => (10, None),
        cell::HEXAHEDRON => (12, None),
        cell::QUADRATIC_EDGE => (21, None),
        cell::QUADRATIC_TRIANGLE => (22, None),
        _ => return None,
    })
}

pub fn write(mesh: &Mesh, o: &Options) -> Result<Vec<u8>, Failure> {
    if mesh.dimension > 3 {
        return Err(Failure::new(Code::Unsupported, format!("VTK holds 3-D points; the mesh is {}-D", mesh.dimension)));
    }
    // Every cell as a legacy row `n id...`, flat; with its VTK type and section.
    let mut flat: Vec<u32> = Vec::with_capacity(mesh.cell_buffer_size as usize);
    let mut starts: Vec<usize> = Vec::with_capacity(mesh.number_of_cells as usize + 1);
    let mut kinds: Vec<(u8, Option<usize>)> = Vec::with_capacity(mesh.number_of_cells as usize);
    let mut index = 0u64;
    mesh.each_cell(|kind, ids| {
        kinds.push(
            vtk_cell(kind).ok_or_else(|| format!("VTK: cell {index} has ITK cell type {kind}, which VTK has not"))?,
        );
        starts.push(flat.len());
        flat.push(ids.len() as u32);
        flat.extend(ids.iter().map(|&i| i as u32));
        index += 1;
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))?;
    starts.push(flat.len());
    let sections: Option<Vec<usize>> = kinds.iter().map(|k| k.1).collect();
    let poly = sections.filter(|s| s.windows(2).all(|w| w[0] <= w[1]));
    let mut w = Writer {
        binary: o.binary,
        out: Vec::with_capacity(256 + flat.len() * 4 + mesh.number_of_points as usize * 12),
    };
    w.line("# vtk DataFile Version 4.2");
    w.line(if mesh.name.is_empty() || mesh.name.contains('\n') { "witk mesh" } else { &mesh.name });
    w.line(if o.binary { "BINARY" } else { "ASCII" });
    w.line(if poly.is_some() { "DATASET POLYDATA" } else { "DATASET UNSTRUCTURED_GRID" });
    let pc = if mesh.point_ctype == Ctype::F64 { Ctype::F64 } else { Ctype::F32 };
    w.line(&format!("POINTS {} {}", mesh.number_of_points, type_name(pc)));
    let d = mesh.dimension.max(1);
    let coordinates = mesh.coordinates();
    let xyz: Vec<f64> = if d == 3 {
        coordinates
    } else {
        coordinates.chunks_exact(d).flat_map(|p| [0, 1, 2].map(|c| p.get(c).copied().unwrap_or(0.0))).collect()
    };
    w.values(&xyz, pc, 3);
    match &poly {
        Some(sections) => {
            // In VTK's order, each section's cells are one run of the flat rows.
            for (s, name) in ["VERTICES", "LINES", "POLYGONS"].iter().enumerate() {
                let (Some(first), Some(last)) =
                    (sections.iter().position(|&k| k == s), sections.iter().rposition(|&k| k == s))
                else {
                    continue;
                };
                let run = &flat[starts[first]..starts[last + 1]];
                w.line(&format!("{name} {} {}", last + 1 - first, run.len()));
                w.rows(run);
            }
        }
        None => {
            w.line(&format!("CELLS {} {}", kinds.len(), flat.len()));
            w.rows(&flat);
            w.line(&format!("CELL_TYPES {}", kinds.len()));
            let types: Vec<f64> = kinds.iter().map(|k| k.0 as f64).collect();
            w.values(&types, Ctype::I32, 1);
        }
    }
    if mesh.point_data.count > 0 && mesh.point_data.count == mesh.number_of_points {
        w.line(&format!("POINT_DATA {}", mesh.number_of_points));
        w.data(&mesh.point_data, true);
    }
    if mesh.cell_data.count > 0 && mesh.cell_data.count == mesh.number_of_cells {
        w.line(&format!("CELL_DATA {}", mesh.number_of_cells));
        w.data(&mesh.cell_data, false);
    }
    Ok(w.out)
}
