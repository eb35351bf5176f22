//! The mesh model every mesh pipeline shares (mesh-io's formats, mesh-to-poly-data):
//! ITK-Wasm's `Mesh` field for field (so it moves in and out of the WIT record without a
//! copy), the checks that make a mesh safe to walk, the cell-buffer walk every writer
//! uses, and (on wasm32, in [`wit`]) the conversions to and from the WIT records.
//!
//! A point set is a mesh without cells; [`wit`] converts at the boundary.

#[cfg(target_arch = "wasm32")]
pub mod wit;

pub use witk_guest::{bad, with_pixels, Code, Ctype, Failure, Pixel, Pixels};

/// ITK's cell types (`itk::CommonEnums::CellGeometry`), as they appear in a cell buffer.
pub mod cell {
    pub const VERTEX: u64 = 0;
    pub const LINE: u64 = 1;
    pub const TRIANGLE: u64 = 2;
    pub const QUADRILATERAL: u64 = 3;
    pub const POLYGON: u64 = 4;
    pub const TETRAHEDRON: u64 = 5;
    pub const HEXAHEDRON: u64 = 6;
    pub const QUADRATIC_EDGE: u64 = 7;
    pub const QUADRATIC_TRIANGLE: u64 = 8;
    pub const POLYLINE: u64 = 10;

    /// The number of points a cell type must have, where it is fixed.
    pub fn fixed_size(kind: u64) -> Option<usize> {
        match kind {
            VERTEX => Some(1),
            LINE => Some(2),
            TRIANGLE => Some(3),
            QUADRILATERAL | TETRAHEDRON => Some(4),
            HEXAHEDRON => Some(8),
            QUADRATIC_EDGE => Some(3),
            QUADRATIC_TRIANGLE => Some(6),
            _ => None,
        }
    }

    /// Whether ITK knows the cell type.
    pub fn known(kind: u64) -> bool {
        kind <= QUADRATIC_TRIANGLE || kind == POLYLINE
    }
}

/// Data attached to points or to cells (ITK-Wasm's `pointData` and its `meshType` fields).
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub pixel: Pixel,
    pub ctype: Ctype,
    pub components: usize,
    /// How many points (or cells) carry data: 0 or all of them.
    pub count: u64,
    /// `count * components` values; absent when only the metadata was read.
    pub values: Option<Pixels>,
}

impl Data {
    /// No data (what formats without attributes give: ITK-Wasm's defaults, empty).
    pub fn none() -> Data {
        Data { pixel: Pixel::Scalar, ctype: Ctype::F32, components: 1, count: 0, values: Some(Pixels::F32(Vec::new())) }
    }

    /// `count` tuples of `components` values.
    pub fn new(pixel: Pixel, components: usize, count: u64, values: Pixels) -> Data {
        Data { pixel, ctype: values.ctype(), components, count, values: Some(values) }
    }

    /// The same description without the values (information only).
    pub fn without_values(mut self) -> Data {
        self.values = None;
        self
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The values as float64, for writers that print them.
    pub fn f64s(&self) -> Vec<f64> {
        self.values.as_ref().map(to_f64).unwrap_or_default()
    }

    fn check(&self, what: &str, max: u64) -> Result<(), String> {
        if self.count > 0 && self.count != max {
            return Err(format!("{what} has {} tuples; the mesh has {max} (a tuple for each, or none)", self.count));
        }
        if let Some(v) = &self.values {
            if v.ctype() != self.ctype {
                return Err(format!("{what} holds {} values; its type says {}", v.ctype().name(), self.ctype.name()));
            }
            let want = self.count.checked_mul(self.components as u64);
            if want != Some(v.count() as u64) {
                return Err(format!(
                    "{what} holds {} values; {} tuples of {} components need {}",
                    v.count(),
                    self.count,
                    self.components,
                    want.map_or("more".into(), |w| w.to_string())
                ));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mesh {
    pub dimension: usize,
    pub name: String,
    pub point_ctype: Ctype,
    pub number_of_points: u64,
    /// `number_of_points * dimension` coordinates; absent when only metadata was read.
    pub points: Option<Pixels>,
    pub point_data: Data,
    pub cell_ctype: Ctype,
    pub number_of_cells: u64,
    /// Length of the cell buffer, `[type, n, ids...]` per cell.
    pub cell_buffer_size: u64,
    pub cells: Option<Pixels>,
    pub cell_data: Data,
    pub metadata: Vec<(String, String)>,
}

impl Mesh {
    /// A mesh of `points` (`dimension` coordinates each) and an ITK cell buffer holding
    /// `number_of_cells` cells, without attached data.
    pub fn new(dimension: usize, points: Pixels, cells: Vec<u32>, number_of_cells: u64) -> Mesh {
        let number_of_points = (points.count() / dimension.max(1)) as u64;
        Mesh {
            dimension,
            name: "Mesh".into(),
            point_ctype: points.ctype(),
            number_of_points,
            points: Some(points),
            point_data: Data::none(),
            cell_ctype: Ctype::U32,
            number_of_cells,
            cell_buffer_size: cells.len() as u64,
            cells: Some(Pixels::U32(cells)),
            cell_data: Data::none(),
            metadata: Vec::new(),
        }
    }

    /// The same mesh without its point, cell and data buffers (information only).
    pub fn header_only(mut self) -> Mesh {
        self.points = None;
        self.cells = None;
        self.point_data.values = None;
        self.cell_data.values = None;
        self
    }

    /// Whether the buffers are absent (an information-only mesh).
    pub fn is_header_only(&self) -> bool {
        self.points.is_none()
    }

    /// The coordinates as float64.
    pub fn coordinates(&self) -> Vec<f64> {
        self.points.as_ref().map(to_f64).unwrap_or_default()
    }

    /// Check that every count agrees with its buffer and that every cell names points
    /// the mesh has, so that writers can walk it without further checks. The message
    /// says what is wrong; callers choose the code (their input, or a file's).
    pub fn check(&self) -> Result<(), String> {
        if !(1..=16).contains(&self.dimension) {
            return Err(format!("a {}-D mesh: the dimension must be 1 to 16", self.dimension));
        }
        if let Some(p) = &self.points {
            if p.ctype() != self.point_ctype {
                return Err(format!("points are {}; the mesh type says {}", p.ctype().name(), self.point_ctype.name()));
            }
            if Some(p.count() as u64) != self.number_of_points.checked_mul(self.dimension as u64) {
                return Err(format!(
                    "{} point coordinates; {} points in {}-D need {}",
                    p.count(),
                    self.number_of_points,
                    self.dimension,
                    self.number_of_points.saturating_mul(self.dimension as u64)
                ));
            }
        }
        self.point_data.check("point data", self.number_of_points)?;
        self.cell_data.check("cell data", self.number_of_cells)?;
        if let Some(c) = &self.cells {
            if c.ctype() != self.cell_ctype {
                return Err(format!("cells are {}; the mesh type says {}", c.ctype().name(), self.cell_ctype.name()));
            }
            if c.count() as u64 != self.cell_buffer_size {
                return Err(format!(
                    "the cell buffer holds {} values; cellBufferSize is {}",
                    c.count(),
                    self.cell_buffer_size
                ));
            }
            let n = self.number_of_points;
            // (Every format writes a cell as its points: one of none is written as a bare
            // count, which no reader takes back. A PLY face of none was found by fuzzing.)
            let cell = |count: u64, kind: u64, len: usize, outside: Option<u64>| {
                if len == 0 {
                    return Err(format!("cell {count} of type {kind} has no points"));
                }
                if let Some(bad) = outside {
                    return Err(format!("cell {count} names point {bad}; the mesh has {n} points"));
                }
                match cell::fixed_size(kind) {
                    Some(k) if len != k => Err(format!("cell {count} of type {kind} has {len} points, not {k}")),
                    _ => Ok(()),
                }
            };
            let mut count = 0u64;
            if let Pixels::U32(v) = c {
                // Every reader's buffer: walked in place (the generic walk widens each id).
                let mut at = 0usize;
                while at < v.len() {
                    let len = *v.get(at + 1).ok_or("the cell buffer ends inside a cell")? as usize;
                    if len > v.len() - at - 2 {
                        return Err(format!(
                            "the cell at buffer entry {at} has {len} points, past the end of the cell buffer"
                        ));
                    }
                    let ids = &v[at + 2..at + 2 + len];
                    cell(count, v[at] as u64, len, ids.iter().find(|&&id| id as u64 >= n).map(|&id| id as u64))?;
                    count += 1;
                    at += 2 + len;
                }
            } else {
                visit_cells(c, |kind, ids| {
                    cell(count, kind, ids.len(), ids.iter().find(|&&id| id >= n).copied())?;
                    count += 1;
                    Ok(())
                })?;
            }
            if count != self.number_of_cells {
                return Err(format!("the cell buffer holds {count} cells; numberOfCells is {}", self.number_of_cells));
            }
        }
        Ok(())
    }

    /// [`check`](Self::check), as an `invalid-argument` failure (a caller's mesh).
    pub fn validate(&self) -> Result<(), Failure> {
        self.check().map_err(|m| Failure::new(Code::InvalidArgument, m))
    }

    /// Walk the cells (see [`visit_cells`]); an information-only mesh has none.
    pub fn each_cell<F: FnMut(u64, &[u64]) -> Result<(), String>>(&self, f: F) -> Result<(), Failure> {
        match &self.cells {
            Some(c) => visit_cells(c, f).map_err(|m| Failure::new(Code::InvalidArgument, m)),
            None => Ok(()),
        }
    }
}

/// Integers and floats read as cell-buffer entries; a negative or fractional entry is not one.
trait Entry: Copy {
    fn entry(self) -> Option<u64>;
}

macro_rules! int_entry {
    ($($t:ty),*) => {$(impl Entry for $t {
        fn entry(self) -> Option<u64> {
            u64::try_from(self).ok()
        }
    })*};
}
int_entry!(u8, u16, u32, u64, i8, i16, i32, i64);

macro_rules! float_entry {
    ($($t:ty),*) => {$(impl Entry for $t {
        fn entry(self) -> Option<u64> {
            (self >= 0.0 && self.fract() == 0.0 && (self as f64) < 1.8e19).then_some(self as u64)
        }
    })*};
}
float_entry!(f32, f64);

/// Call `f(cell type, point ids)` for each cell of an ITK cell buffer, of any type. The
/// buffer's structure is checked as it is walked: a count past the end, a negative or
/// fractional entry, is an error, never a panic.
pub fn visit_cells<F: FnMut(u64, &[u64]) -> Result<(), String>>(cells: &Pixels, mut f: F) -> Result<(), String> {
    fn walk<T: Entry, F: FnMut(u64, &[u64]) -> Result<(), String>>(v: &[T], f: &mut F) -> Result<(), String> {
        let mut ids = Vec::new();
        let mut at = 0usize;
        let bad = |at: usize| format!("cell buffer entry {at} is not a count or point id");
        while at < v.len() {
            let kind = v[at].entry().ok_or_else(|| bad(at))?;
            let n = v.get(at + 1).ok_or("the cell buffer ends inside a cell")?.entry().ok_or_else(|| bad(at + 1))?;
            let n = usize::try_from(n).ok().filter(|&n| n <= v.len() - at - 2).ok_or_else(|| {
                format!("the cell at buffer entry {at} has {n} points, past the end of the cell buffer")
            })?;
            ids.clear();
            for (i, x) in v[at + 2..at + 2 + n].iter().enumerate() {
                ids.push(x.entry().ok_or_else(|| bad(at + 2 + i))?);
            }
            f(kind, &ids)?;
            at += 2 + n;
        }
        Ok(())
    }
    with_pixels!(cells, v => walk(v, &mut f))
}

/// Any typed buffer's values as float64.
#[allow(clippy::unnecessary_cast)] // one body for every type, float64 included
pub fn to_f64(p: &Pixels) -> Vec<f64> {
    with_pixels!(p, v => v.iter().map(|&x| x as f64).collect())
}

/// float64 values as a buffer of component type `c` (each converted as `as` does).
pub fn from_f64(v: &[f64], c: Ctype) -> Pixels {
    match c {
        Ctype::I8 => Pixels::I8(v.iter().map(|&x| x as i8).collect()),
        Ctype::U8 => Pixels::U8(v.iter().map(|&x| x as u8).collect()),
        Ctype::I16 => Pixels::I16(v.iter().map(|&x| x as i16).collect()),
        Ctype::U16 => Pixels::U16(v.iter().map(|&x| x as u16).collect()),
        Ctype::I32 => Pixels::I32(v.iter().map(|&x| x as i32).collect()),
        Ctype::U32 => Pixels::U32(v.iter().map(|&x| x as u32).collect()),
        Ctype::I64 => Pixels::I64(v.iter().map(|&x| x as i64).collect()),
        Ctype::U64 => Pixels::U64(v.iter().map(|&x| x as u64).collect()),
        Ctype::F32 => Pixels::F32(v.iter().map(|&x| x as f32).collect()),
        Ctype::F64 => Pixels::F64(v.to_vec()),
    }
}

/// A vector for `n` values, refused (not aborted on) when memory runs out, and refused
/// outright when a file's count could not be honest: `n` values need at least
/// `n * min_bytes` of the `available` bytes.
pub fn vec_for<T>(n: u64, min_bytes: u64, available: usize, what: &str) -> Result<Vec<T>, Failure> {
    if n.saturating_mul(min_bytes) > available as u64 {
        return Err(Failure::new(
            Code::InvalidData,
            format!("{what}: the file declares {n} values but holds only {available} bytes"),
        ));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(n as usize)
        .map_err(|_| Failure::new(Code::LimitExceeded, format!("{what}: {n} values do not fit in memory")))?;
    Ok(v)
}

/// An ITK cell buffer being built by a reader.
#[derive(Default)]
pub struct Cells {
    pub buffer: Vec<u32>,
    pub count: u64,
}

impl Cells {
    pub fn push(&mut self, kind: u64, ids: &[u32]) {
        self.buffer.push(kind as u32);
        self.buffer.push(ids.len() as u32);
        self.buffer.extend_from_slice(ids);
        self.count += 1;
    }

    /// A polygon: a triangle, quadrilateral or more, as ITK's polygon readers give them
    /// (ITK's VTK reader gives every polygon `POLYGON_CELL`; so do we).
    pub fn polygon(&mut self, ids: &[u32]) {
        self.push(cell::POLYGON, ids)
    }

    pub fn mesh(self, dimension: usize, points: Pixels) -> Mesh {
        Mesh::new(dimension, points, self.buffer, self.count)
    }
}

/// A point index read from a file, checked against the number of points.
pub fn point_id(v: i64, points: u64, format: &str) -> Result<u32, Failure> {
    if v < 0 || v as u64 >= points {
        return Err(bad(format, format!("point index {v} is outside the {points} points")));
    }
    Ok(v as u32)
}
