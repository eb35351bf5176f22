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
    use witk_mesh::wit::{mesh_to_model, mesh_to_wit, point_set_to_model, point_set_to_wit};

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
    use witk_guest::wit::spatial::{self as wit, BinaryFile};

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

    /// Companion files as the formats take them: (name, bytes).
    fn by_name(files: &[BinaryFile]) -> Vec<(&str, &[u8])> {
        files.iter().map(|f| (f.path.as_str(), f.data.as_slice())).collect()
    }

    fn unsupported_format(format: Format) -> Failure {
        Failure::new(Code::Unsupported, format!("{} does not hold point sets", format.itk_wasm_name()))
    }

    /// ITK-Wasm's per-format functions: `(could_read, mesh)`, `(could_write, files)`.
    macro_rules! per_format {
        (meshes { $($read:ident, $write:ident => $format:ident;)* }
         point_sets { $($pread:ident, $pwrite:ident => $pformat:ident;)* }) => {
            $(
            fn $read(
                serialized_mesh: BinaryFile,
                companions: Vec<BinaryFile>,
                information_only: bool,
            ) -> Result<(bool, Option<wit::Mesh>), Error> {
                let (name, data, c) = (&serialized_mesh.path, &serialized_mesh.data, by_name(&companions));
                let mesh = formats::read_as_with(Format::$format, name, data, &c, information_only)?;
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
        fn companion_files(serialized_mesh: BinaryFile) -> Result<Vec<String>, Error> {
            Ok(formats::companions(&serialized_mesh.path, &serialized_mesh.data)?)
        }

        fn read_mesh(
            serialized_mesh: BinaryFile,
            companions: Vec<BinaryFile>,
            information_only: bool,
        ) -> Result<wit::Mesh, Error> {
            let c = by_name(&companions);
            Ok(mesh_to_wit(formats::read_with(&serialized_mesh.path, &serialized_mesh.data, &c, information_only)?))
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
