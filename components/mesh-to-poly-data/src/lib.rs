//! The mesh-to-poly-data pipeline as a component: the conversions (binding-free, so
//! they test natively) in [`convert`], and the WIT glue below.

pub mod convert;

#[cfg(target_arch = "wasm32")]
mod component {
    use super::convert::{self, PolyData};
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial as wit;
    use witk_mesh::wit::{data, mesh_to_model, mesh_to_wit};

    wit_bindgen::generate!({
        path: "../../wit/mesh-to-poly-data",
        world: "witk:mesh-to-poly-data/mesh-to-poly-data",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::mesh_to_poly_data::api::Guest;

    fn poly_to_wit(p: PolyData) -> wit::PolyData {
        let section = |v: Vec<u32>| (v.len() as u64, Some(v));
        let (vs, verts) = section(p.vertices);
        let (ls, lines) = section(p.lines);
        let (ps, polys) = section(p.polygons);
        let (ss, strips) = section(p.strips);
        wit::PolyData {
            poly_data_type: wit::PolyDataType {
                point_pixel_component_type: p.point_data.ctype.into(),
                point_pixel_type: p.point_data.pixel.into(),
                point_pixel_components: p.point_data.components as u32,
                cell_pixel_component_type: p.cell_data.ctype.into(),
                cell_pixel_type: p.cell_data.pixel.into(),
                cell_pixel_components: p.cell_data.components as u32,
            },
            name: p.name,
            number_of_points: p.points.len() as u64 / 3,
            points: p.points,
            vertices_buffer_size: vs,
            vertices: verts,
            lines_buffer_size: ls,
            lines,
            polygons_buffer_size: ps,
            polygons: polys,
            triangle_strips_buffer_size: ss,
            triangle_strips: strips,
            number_of_point_pixels: p.point_data.count,
            point_data: p.point_data.values.map(wit::Buffer::from),
            number_of_cell_pixels: p.cell_data.count,
            cell_data: p.cell_data.values.map(wit::Buffer::from),
            metadata: p.metadata,
        }
    }

    fn poly_to_model(p: wit::PolyData) -> PolyData {
        let t = p.poly_data_type;
        PolyData {
            name: p.name,
            points: p.points,
            vertices: p.vertices.unwrap_or_default(),
            lines: p.lines.unwrap_or_default(),
            polygons: p.polygons.unwrap_or_default(),
            strips: p.triangle_strips.unwrap_or_default(),
            declared: [
                p.number_of_points,
                p.vertices_buffer_size,
                p.lines_buffer_size,
                p.polygons_buffer_size,
                p.triangle_strips_buffer_size,
            ],
            point_data: data(
                t.point_pixel_type,
                t.point_pixel_component_type,
                t.point_pixel_components,
                p.number_of_point_pixels,
                p.point_data,
            ),
            cell_data: data(
                t.cell_pixel_type,
                t.cell_pixel_component_type,
                t.cell_pixel_components,
                p.number_of_cell_pixels,
                p.cell_data,
            ),
            metadata: p.metadata,
        }
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn mesh_to_poly_data(mesh: wit::Mesh) -> Result<wit::PolyData, Error> {
            let mesh = mesh_to_model(mesh)?;
            Ok(poly_to_wit(convert::mesh_to_poly_data(&mesh)?))
        }

        fn poly_data_to_mesh(poly_data: wit::PolyData) -> Result<wit::Mesh, Error> {
            Ok(mesh_to_wit(convert::poly_data_to_mesh(poly_to_model(poly_data))?))
        }
    }

    export!(Pipeline);
}
