//! ITK-Wasm's own mesh files: `.iwm.cbor` (the mesh as one CBOR map, buffers as RFC 8746
//! typed arrays) and `.iwm.cbor.zst` (the same, zstd-compressed).
//!
//! What ITK-Wasm's `WasmMeshIO` writes, and so what we write, byte for byte: a definite
//! map of `meshType` (nine entries: `dimension` and the two `...Components` as uint32,
//! the rest component and pixel type names), the five counts as uint64, then `points`,
//! `cells`, `pointData` and `cellData` as typed arrays with ITK-Wasm's tags, each only
//! when its count is not zero. ITK-Wasm
//! writes neither `name` nor `metadata`; we add them only when they differ from the
//! defaults, and read them either way. The reader takes any key order, skips unknown
//! keys, and checks every length against the bytes that remain before allocating.

use crate::model::{Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};
use witk_cbor::error::{bad, named};
use witk_cbor::json::{metadata, put_metadata};
use witk_cbor::number::{typed_values, typed_values_at_least, uint};
use witk_cbor::read::{head, key, skip, tagged_head, text, Items};
use witk_cbor::source::{Slice, Source};
use witk_cbor::write::{put_head, put_text, put_typed_array, put_u32};
use witk_cbor::zstd_io::{compress, Stream};
use witk_cbor::{BREAK, MAP, TEXT};

/// ITK-Wasm's `WasmZstdMeshIO` compresses at level 3.
const ZSTD_LEVEL: i32 = 3;
const KEYS: [&str; 11] = [
    "meshType",
    "numberOfPoints",
    "numberOfPointPixels",
    "numberOfCells",
    "numberOfCellPixels",
    "cellBufferSize",
    "points",
    "cells",
    "pointData",
    "cellData",
    "name",
];

/// Whether `bytes` start like an `.iwm.cbor`: a CBOR map whose first key is a mesh's.
pub fn looks_like(bytes: &[u8]) -> bool {
    let mut src = Slice::new(bytes);
    let mut first = || -> Result<bool, Failure> {
        let (_, h) = tagged_head(&mut src)?;
        if h.major != MAP || (!h.indefinite() && h.arg == 0) || src.peek()? == BREAK {
            return Ok(false);
        }
        let k = head(&mut src)?;
        if k.major != TEXT || k.indefinite() || k.arg > 24 {
            return Ok(false);
        }
        let key = src.take(k.arg as usize)?;
        Ok(KEYS.iter().any(|known| known.as_bytes() == key))
    };
    first().unwrap_or(false)
}

pub fn read(bytes: &[u8], info_only: bool) -> Result<Mesh, Failure> {
    parse(&mut Slice::new(bytes), info_only).map_err(|f| named(".iwm.cbor", f))
}

pub fn read_zstd(bytes: &[u8], info_only: bool) -> Result<Mesh, Failure> {
    Stream::new(bytes).and_then(|mut src| parse(&mut src, info_only)).map_err(|f| named(".iwm.cbor.zst", f))
}

pub fn write(mesh: &Mesh, info_only: bool) -> Result<Vec<u8>, Failure> {
    Ok(encode(mesh, info_only))
}

pub fn write_zstd(mesh: &Mesh, info_only: bool) -> Result<Vec<u8>, Failure> {
    compress(&[&encode(mesh, info_only)], ZSTD_LEVEL)
}

#[derive(Default)]
struct Fields {
    dimension: Option<u64>,
    point_ctype: Option<Ctype>,
    point_pixel: Option<Pixel>,
    point_pixel_ctype: Option<Ctype>,
    point_components: Option<u64>,
    cell_ctype: Option<Ctype>,
    cell_pixel: Option<Pixel>,
    cell_pixel_ctype: Option<Ctype>,
    cell_components: Option<u64>,
    counts: [Option<u64>; 5],
    name: Option<String>,
    metadata: Vec<(String, String)>,
}

fn ctype<S: Source>(src: &mut S, what: &str) -> Result<Ctype, Failure> {
    let name = text(src, what)?;
    Ctype::from_name(&name)
        .ok_or_else(|| Failure::new(Code::Unsupported, format!("{what} \"{name}\" is not a component type")))
}

fn pixel<S: Source>(src: &mut S, what: &str) -> Result<Pixel, Failure> {
    let name = text(src, what)?;
    Pixel::from_name(&name).ok_or_else(|| Failure::new(Code::Unsupported, format!("{what} \"{name}\" is unknown")))
}

fn mesh_type<S: Source>(src: &mut S, f: &mut Fields) -> Result<(), Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP {
        return Err(bad("\"meshType\" is not a map"));
    }
    let mut entries = Items::new(src, h, 2)?;
    while entries.next(src)? {
        match key(src, 2)?.as_deref() {
            Some("dimension") => f.dimension = Some(uint(src, "meshType.dimension")?),
            Some("pointComponentType") => f.point_ctype = Some(ctype(src, "meshType.pointComponentType")?),
            Some("pointPixelType") => f.point_pixel = Some(pixel(src, "meshType.pointPixelType")?),
            Some("pointPixelComponentType") => {
                f.point_pixel_ctype = Some(ctype(src, "meshType.pointPixelComponentType")?)
            }
            Some("pointPixelComponents") => f.point_components = Some(uint(src, "meshType.pointPixelComponents")?),
            Some("cellComponentType") => f.cell_ctype = Some(ctype(src, "meshType.cellComponentType")?),
            Some("cellPixelType") => f.cell_pixel = Some(pixel(src, "meshType.cellPixelType")?),
            Some("cellPixelComponentType") => f.cell_pixel_ctype = Some(ctype(src, "meshType.cellPixelComponentType")?),
            Some("cellPixelComponents") => f.cell_components = Some(uint(src, "meshType.cellPixelComponents")?),
            _ => skip(src, 2)?,
        }
    }
    Ok(())
}

fn parse<S: Source>(src: &mut S, info_only: bool) -> Result<Mesh, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP {
        return Err(bad("not an ITK-Wasm mesh: the CBOR item is not a map"));
    }
    let mut f = Fields::default();
    // Buffers come after meshType and the counts in ITK-Wasm's files; one that comes
    // earlier cannot be sized, and is an error rather than a guess.
    let mut buffers: [Option<Pixels>; 4] = [None, None, None, None];
    let mut entries = Items::new(src, h, 2)?;
    while entries.next(src)? {
        let k = key(src, 1)?;
        let counted = |f: &Fields, i: usize, what: &str| {
            f.counts[i].ok_or_else(|| bad(&format!("\"{what}\" comes before its count")))
        };
        let size = |c: Option<u64>, what: &str| -> Result<u64, Failure> {
            c.ok_or_else(|| bad(&format!("\"{what}\" comes before meshType")))
        };
        match k.as_deref() {
            Some("meshType") => mesh_type(src, &mut f)?,
            Some("numberOfPoints") => f.counts[0] = Some(uint(src, "numberOfPoints")?),
            Some("numberOfPointPixels") => f.counts[1] = Some(uint(src, "numberOfPointPixels")?),
            Some("numberOfCells") => f.counts[2] = Some(uint(src, "numberOfCells")?),
            Some("numberOfCellPixels") => f.counts[3] = Some(uint(src, "numberOfCellPixels")?),
            Some("cellBufferSize") => f.counts[4] = Some(uint(src, "cellBufferSize")?),
            Some("name") => f.name = Some(text(src, "name")?),
            Some("metadata") => f.metadata = metadata(src)?,
            Some("points") if !info_only => {
                let n = counted(&f, 0, "points")?.saturating_mul(size(f.dimension, "points")?);
                buffers[0] = Some(typed_values(src, size_ct(f.point_ctype, "points")?, n, "points")?);
            }
            Some("cells") if !info_only => {
                let n = counted(&f, 4, "cells")?;
                buffers[1] = Some(typed_values(src, size_ct(f.cell_ctype, "cells")?, n, "cells")?);
            }
            Some("pointData") if !info_only => {
                let n = counted(&f, 1, "pointData")?.saturating_mul(f.point_components.unwrap_or(1));
                buffers[2] = Some(typed_values(src, size_ct(f.point_pixel_ctype, "pointData")?, n, "pointData")?);
            }
            Some("cellData") if !info_only => {
                let n = counted(&f, 3, "cellData")?.saturating_mul(f.cell_components.unwrap_or(1));
                // ITK-Wasm's writer sizes cell data by the point data (numberOfPointPixels x
                // pointPixelComponents): its files may hold more bytes than the cells need.
                let c = size_ct(f.cell_pixel_ctype, "cellData")?;
                buffers[3] = Some(typed_values_at_least(src, c, n, "cellData")?);
            }
            _ => skip(src, 1)?,
        }
    }
    src.finish()?;
    let dimension = f.dimension.ok_or_else(|| bad("no meshType.dimension: not an ITK-Wasm mesh"))?;
    let usize_of = |v: Option<u64>, d: u64, what: &str| {
        usize::try_from(v.unwrap_or(d)).map_err(|_| bad(&format!("{what} is too large")))
    };
    let [points, cells, point_data, cell_data] = buffers;
    let empty = |c: Option<Ctype>| (!info_only).then(|| Pixels::F32(Vec::new())).map(|p| retype(p, c));
    let point_ctype = f.point_ctype.unwrap_or(Ctype::F32);
    let cell_ctype = f.cell_ctype.unwrap_or(Ctype::U32);
    let [np, npp, nc, ncp, cbs] = f.counts.map(|c| c.unwrap_or(0));
    let mesh = Mesh {
        dimension: usize_of(Some(dimension), 3, "meshType.dimension")?,
        name: f.name.unwrap_or_else(|| "Mesh".into()),
        point_ctype,
        number_of_points: np,
        points: points.or_else(|| empty(Some(point_ctype))),
        point_data: Data {
            pixel: f.point_pixel.unwrap_or(Pixel::Scalar),
            ctype: f.point_pixel_ctype.unwrap_or(Ctype::F32),
            components: usize_of(f.point_components, 1, "meshType.pointPixelComponents")?,
            count: npp,
            values: point_data.or_else(|| empty(f.point_pixel_ctype.or(Some(Ctype::F32)))),
        },
        cell_ctype,
        number_of_cells: nc,
        cell_buffer_size: cbs,
        cells: cells.or_else(|| empty(Some(cell_ctype))),
        cell_data: Data {
            pixel: f.cell_pixel.unwrap_or(Pixel::Scalar),
            ctype: f.cell_pixel_ctype.unwrap_or(Ctype::F32),
            components: usize_of(f.cell_components, 1, "meshType.cellPixelComponents")?,
            count: ncp,
            values: cell_data.or_else(|| empty(f.cell_pixel_ctype.or(Some(Ctype::F32)))),
        },
        metadata: f.metadata,
    };
    Ok(mesh)
}

fn size_ct(c: Option<Ctype>, what: &str) -> Result<Ctype, Failure> {
    c.ok_or_else(|| bad(&format!("\"{what}\" comes before meshType names its component type")))
}

/// An empty buffer of the given type.
fn retype(p: Pixels, c: Option<Ctype>) -> Pixels {
    match c {
        Some(c) => Pixels::zeroed(c, 0).unwrap_or(p),
        None => p,
    }
}

/// The map as ITK-Wasm's `WasmMeshIO` writes it.
fn encode(mesh: &Mesh, info_only: bool) -> Vec<u8> {
    let extra = usize::from(mesh.name != "Mesh") + usize::from(!mesh.metadata.is_empty());
    // ITK-Wasm writes a buffer only when its count is not zero.
    let buffers = [
        ("points", mesh.points.as_ref().filter(|_| mesh.number_of_points > 0), mesh.point_ctype),
        ("cells", mesh.cells.as_ref().filter(|_| mesh.number_of_cells > 0), mesh.cell_ctype),
        ("pointData", mesh.point_data.values.as_ref().filter(|_| mesh.point_data.count > 0), mesh.point_data.ctype),
        ("cellData", mesh.cell_data.values.as_ref().filter(|_| mesh.cell_data.count > 0), mesh.cell_data.ctype),
    ];
    let written = if info_only { 0 } else { buffers.iter().filter(|b| b.1.is_some()).count() };
    let len: usize = buffers.iter().filter_map(|b| b.1).map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(512 + if info_only { 0 } else { len + 64 });
    put_head(&mut out, MAP, (6 + written + extra) as u64);
    put_text(&mut out, "meshType");
    put_head(&mut out, MAP, 9);
    put_text(&mut out, "dimension");
    put_u32(&mut out, mesh.dimension as u32);
    put_text(&mut out, "pointComponentType");
    put_text(&mut out, mesh.point_ctype.name());
    put_text(&mut out, "pointPixelType");
    put_text(&mut out, mesh.point_data.pixel.name());
    put_text(&mut out, "pointPixelComponentType");
    put_text(&mut out, mesh.point_data.ctype.name());
    put_text(&mut out, "pointPixelComponents");
    put_u32(&mut out, mesh.point_data.components as u32);
    put_text(&mut out, "cellComponentType");
    put_text(&mut out, mesh.cell_ctype.name());
    put_text(&mut out, "cellPixelType");
    put_text(&mut out, mesh.cell_data.pixel.name());
    put_text(&mut out, "cellPixelComponentType");
    put_text(&mut out, mesh.cell_data.ctype.name());
    put_text(&mut out, "cellPixelComponents");
    put_u32(&mut out, mesh.cell_data.components as u32);
    for (key, v) in [
        ("numberOfPoints", mesh.number_of_points),
        ("numberOfPointPixels", mesh.point_data.count),
        ("numberOfCells", mesh.number_of_cells),
        ("numberOfCellPixels", mesh.cell_data.count),
        ("cellBufferSize", mesh.cell_buffer_size),
    ] {
        put_text(&mut out, key);
        out.push(0x1b);
        out.extend_from_slice(&v.to_be_bytes());
    }
    if !info_only {
        for (key, values, ctype) in buffers {
            if let Some(v) = values {
                put_text(&mut out, key);
                put_typed_array(&mut out, ctype, v);
            }
        }
    }
    if mesh.name != "Mesh" {
        put_text(&mut out, "name");
        put_text(&mut out, &mesh.name);
    }
    if !mesh.metadata.is_empty() {
        put_text(&mut out, "metadata");
        put_metadata(&mut out, &mesh.metadata);
    }
    out
}
