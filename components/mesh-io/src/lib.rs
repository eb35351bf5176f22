//! The mesh-io pipeline as a component: format code in `formats/`, the mesh model in
//! `model`, text helpers in `text`, and this file adapting them to the WIT exports.

pub mod formats;
pub mod model;
pub mod text;

pub use witk_guest::{Code, Failure};

#[cfg(target_arch = "wasm32")]
mod component {
    use super::formats::{self, Format, Options};
    use super::model::{self, Data, Pixels};
    use super::{Code, Failure};

    wit_bindgen::generate!({
        path: "../../wit/mesh-io",
        world: "witk:mesh-io/mesh-io",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::mesh_io::api::Guest;
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial::{self as wit, BinaryFile, Buffer};

    fn data(pixel: wit::PixelType, ctype: wit::ComponentType, components: u32, count: u64, b: Option<Buffer>) -> Data {
        Data {
            pixel: pixel.into(),
            ctype: ctype.into(),
            components: components as usize,
            count,
            values: b.map(Pixels::from),
        }
    }

    fn mesh_to_model(m: wit::Mesh) -> Result<model::Mesh, Failure> {
        let t = m.mesh_type;
        let mesh = model::Mesh {
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

    fn mesh_to_wit(m: model::Mesh) -> wit::Mesh {
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

    /// A point set is a mesh without cells.
    fn point_set_to_model(p: wit::PointSet) -> Result<model::Mesh, Failure> {
        let t = p.point_set_type;
        let mut mesh = model::Mesh::new(t.dimension.max(1) as usize, Pixels::F32(Vec::new()), Vec::new(), 0);
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

    fn point_set_to_wit(m: model::Mesh) -> wit::PointSet {
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

    fn file(name: String, data: Vec<u8>) -> Vec<BinaryFile> {
        vec![BinaryFile { path: name, data }]
    }

    fn options(information_only: bool, use_compression: bool, binary_file_type: bool) -> Options {
        Options { info_only: information_only, compression: use_compression, binary: binary_file_type }
    }

    /// Point set formats read the points of whatever the file holds.
    fn only_points(mut m: model::Mesh) -> model::Mesh {
        let header_only = m.is_header_only();
        m.number_of_cells = 0;
        m.cell_buffer_size = 0;
        m.cells = (!header_only).then(|| Pixels::U32(Vec::new()));
        m.cell_data = if header_only { Data::none().without_values() } else { Data::none() };
        m
    }

    fn unsupported_format(format: Format) -> Failure {
        Failure::new(Code::Unsupported, format!("{} does not hold point sets", format.itk_wasm_name()))
    }

    /// ITK-Wasm's per-format functions: `(could_read, mesh)`, `(could_write, files)`.
    macro_rules! per_format {
        (meshes { $($read:ident, $write:ident => $format:ident;)* }
         point_sets { $($pread:ident, $pwrite:ident => $pformat:ident;)* }) => {
            $(
            fn $read(serialized_mesh: BinaryFile, information_only: bool) -> Result<(bool, Option<wit::Mesh>), Error> {
                let mesh = formats::read_as(Format::$format, &serialized_mesh.path, &serialized_mesh.data, information_only)?;
                Ok((mesh.is_some(), mesh.map(mesh_to_wit)))
            }

            fn $write(
                mesh: wit::Mesh,
                serialized_mesh: String,
                information_only: bool,
                use_compression: bool,
                binary_file_type: bool,
            ) -> Result<(bool, Vec<BinaryFile>), Error> {
                let mesh = mesh_to_model(mesh)?;
                let o = options(information_only, use_compression, binary_file_type);
                Ok((true, file(serialized_mesh, formats::write_as(Format::$format, &mesh, &o)?)))
            }
            )*
            $(
            fn $pread(
                serialized_point_set: BinaryFile,
                information_only: bool,
            ) -> Result<(bool, Option<wit::PointSet>), Error> {
                let f = Format::$pformat;
                let mesh = formats::read_as(f, &serialized_point_set.path, &serialized_point_set.data, information_only)?;
                Ok((mesh.is_some(), mesh.map(|m| point_set_to_wit(only_points(m)))))
            }

            fn $pwrite(
                point_set: wit::PointSet,
                serialized_point_set: String,
                information_only: bool,
                use_compression: bool,
                binary_file_type: bool,
            ) -> Result<(bool, Vec<BinaryFile>), Error> {
                let mesh = point_set_to_model(point_set)?;
                let o = options(information_only, use_compression, binary_file_type);
                Ok((true, file(serialized_point_set, formats::write_as(Format::$pformat, &mesh, &o)?)))
            }
            )*
        };
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn read_mesh(serialized_mesh: BinaryFile, information_only: bool) -> Result<wit::Mesh, Error> {
            Ok(mesh_to_wit(formats::read(&serialized_mesh.path, &serialized_mesh.data, information_only)?))
        }

        fn write_mesh(
            mesh: wit::Mesh,
            serialized_mesh: String,
            information_only: bool,
            use_compression: bool,
            binary_file_type: bool,
        ) -> Result<Vec<BinaryFile>, Error> {
            let mesh = mesh_to_model(mesh)?;
            let o = options(information_only, use_compression, binary_file_type);
            let bytes = formats::write(&mesh, &serialized_mesh, &o)?;
            Ok(file(serialized_mesh, bytes))
        }

        fn read_point_set(serialized_point_set: BinaryFile, information_only: bool) -> Result<wit::PointSet, Error> {
            let f = formats::detect(&serialized_point_set.path, &serialized_point_set.data)?;
            if !formats::POINT_SET_FORMATS.contains(&f) {
                return Err(unsupported_format(f).into());
            }
            let mesh = formats::read(&serialized_point_set.path, &serialized_point_set.data, information_only)?;
            Ok(point_set_to_wit(only_points(mesh)))
        }

        fn write_point_set(
            point_set: wit::PointSet,
            serialized_point_set: String,
            information_only: bool,
            use_compression: bool,
            binary_file_type: bool,
        ) -> Result<Vec<BinaryFile>, Error> {
            let mesh = point_set_to_model(point_set)?;
            let o = options(information_only, use_compression, binary_file_type);
            let bytes = formats::write(&mesh, &serialized_point_set, &o)?;
            Ok(file(serialized_point_set, bytes))
        }

        per_format! {
            meshes {
            vtk_poly_data_read_mesh, vtk_poly_data_write_mesh => Vtk;
            vtk_xml_poly_data_read_mesh, vtk_xml_poly_data_write_mesh => Vtp;
            gifti_read_mesh, gifti_write_mesh => Gifti;
            byu_read_mesh, byu_write_mesh => Byu;
            free_surfer_ascii_read_mesh, free_surfer_ascii_write_mesh => FreeSurferAscii;
            free_surfer_binary_read_mesh, free_surfer_binary_write_mesh => FreeSurferBinary;
            mz3_read_mesh, mz3_write_mesh => Mz3;
            obj_read_mesh, obj_write_mesh => Obj;
            off_read_mesh, off_write_mesh => Off;
            ply_read_mesh, ply_write_mesh => Ply;
            stl_read_mesh, stl_write_mesh => Stl;
            swc_read_mesh, swc_write_mesh => Swc;
            wasm_read_mesh, wasm_write_mesh => Iwm;
            wasm_zstd_read_mesh, wasm_zstd_write_mesh => IwmZstd;
            }
            point_sets {
            vtk_poly_data_read_point_set, vtk_poly_data_write_point_set => Vtk;
            vtk_xml_poly_data_read_point_set, vtk_xml_poly_data_write_point_set => Vtp;
            mz3_read_point_set, mz3_write_point_set => Mz3;
            obj_read_point_set, obj_write_point_set => Obj;
            off_read_point_set, off_write_point_set => Off;
            ply_read_point_set, ply_write_point_set => Ply;
            wasm_read_point_set, wasm_write_point_set => Iwm;
            wasm_zstd_read_point_set, wasm_zstd_write_point_set => IwmZstd;
            }
        }
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
