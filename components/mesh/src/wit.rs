//! The conversions between the WIT records (`witk:types` mesh and point set) and the
//! model, written once for every mesh component. Buffers move, they are not copied.

use crate::{Data, Failure, Mesh, Pixels};
use witk_guest::wit::spatial::{self as wit, Buffer};

/// Point or cell data from a WIT record's type fields and buffer.
pub fn data(pixel: wit::PixelType, ctype: wit::ComponentType, components: u32, count: u64, b: Option<Buffer>) -> Data {
    Data {
        pixel: pixel.into(),
        ctype: ctype.into(),
        components: components as usize,
        count,
        values: b.map(Pixels::from),
    }
}

/// A caller's mesh, checked (`invalid-argument` if its counts and buffers disagree).
pub fn mesh_to_model(m: wit::Mesh) -> Result<Mesh, Failure> {
    let t = m.mesh_type;
    let mesh = Mesh {
        dimension: t.dimension as usize,
        name: m.name,
        point_ctype: t.point_component_type.into(),
        number_of_points: m.number_of_points,
        points: m.points.map(Pixels::from),
        point_data: data(
            t.point_pixel_type,
            t.point_pixel_component_type,
            t.point_pixel_components,
            m.number_of_point_pixels,
            m.point_data,
        ),
        cell_ctype: t.cell_component_type.into(),
        number_of_cells: m.number_of_cells,
        cell_buffer_size: m.cell_buffer_size,
        cells: m.cells.map(Pixels::from),
        cell_data: data(
            t.cell_pixel_type,
            t.cell_pixel_component_type,
            t.cell_pixel_components,
            m.number_of_cell_pixels,
            m.cell_data,
        ),
        metadata: m.metadata,
    };
    mesh.validate()?;
    Ok(mesh)
}

pub fn mesh_to_wit(m: Mesh) -> wit::Mesh {
    wit::Mesh {
        mesh_type: wit::MeshType {
            dimension: m.dimension as u32,
            point_component_type: m.point_ctype.into(),
            point_pixel_component_type: m.point_data.ctype.into(),
            point_pixel_type: m.point_data.pixel.into(),
            point_pixel_components: m.point_data.components as u32,
            cell_component_type: m.cell_ctype.into(),
            cell_pixel_component_type: m.cell_data.ctype.into(),
            cell_pixel_type: m.cell_data.pixel.into(),
            cell_pixel_components: m.cell_data.components as u32,
        },
        name: m.name,
        number_of_points: m.number_of_points,
        points: m.points.map(Buffer::from),
        number_of_point_pixels: m.point_data.count,
        point_data: m.point_data.values.map(Buffer::from),
        number_of_cells: m.number_of_cells,
        cells: m.cells.map(Buffer::from),
        cell_buffer_size: m.cell_buffer_size,
        number_of_cell_pixels: m.cell_data.count,
        cell_data: m.cell_data.values.map(Buffer::from),
        metadata: m.metadata,
    }
}

/// A caller's point set as a mesh without cells, checked.
pub fn point_set_to_model(p: wit::PointSet) -> Result<Mesh, Failure> {
    let t = p.point_set_type;
    let mut mesh = Mesh::new(t.dimension.max(1) as usize, Pixels::F32(Vec::new()), Vec::new(), 0);
    mesh.name = p.name;
    mesh.point_ctype = t.point_component_type.into();
    mesh.number_of_points = p.number_of_points;
    mesh.points = p.points.map(Pixels::from);
    mesh.dimension = t.dimension as usize;
    mesh.point_data = data(
        t.point_pixel_type,
        t.point_pixel_component_type,
        t.point_pixel_components,
        p.number_of_point_pixels,
        p.point_data,
    );
    mesh.metadata = p.metadata;
    if mesh.points.is_none() {
        mesh.cells = None;
    }
    mesh.validate()?;
    Ok(mesh)
}

pub fn point_set_to_wit(m: Mesh) -> wit::PointSet {
    wit::PointSet {
        point_set_type: wit::PointSetType {
            dimension: m.dimension as u32,
            point_component_type: m.point_ctype.into(),
            point_pixel_component_type: m.point_data.ctype.into(),
            point_pixel_type: m.point_data.pixel.into(),
            point_pixel_components: m.point_data.components as u32,
        },
        name: if m.name == "Mesh" { "PointSet".into() } else { m.name },
        number_of_points: m.number_of_points,
        points: m.points.map(Buffer::from),
        number_of_point_pixels: m.point_data.count,
        point_data: m.point_data.values.map(Buffer::from),
        metadata: m.metadata,
    }
}
