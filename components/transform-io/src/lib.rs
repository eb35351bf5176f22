//! The transform-io pipeline as a component: format code in `formats/`, the transform
//! model in `model`, linear algebra for the formats that need matrices in `linear`, and
//! this file adapting them to the WIT exports.

pub mod formats;
pub mod linear;
pub mod model;

pub use witk_guest::{Code, Failure};

#[cfg(target_arch = "wasm32")]
mod component {
    use super::formats::{self, Format};
    use super::model::{self, Failure, Pixels};
    use super::Code;

    wit_bindgen::generate!({
        path: "../../wit/transform-io",
        world: "witk:transform-io/transform-io",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::transform_io::api::Guest;
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial::{self as wit, BinaryFile};

    fn to_model(t: wit::Transform) -> Result<model::Transform, Failure> {
        let params = Pixels::from(t.parameters);
        if t.number_of_parameters != params.count() as u64
            || t.number_of_fixed_parameters != t.fixed_parameters.len() as u64
        {
            return Err(Failure::new(
                Code::InvalidArgument,
                "numberOfParameters or numberOfFixedParameters differs from the values given",
            ));
        }
        if params.ctype().name() != witk_guest::Ctype::from(t.transform_type.parameters_value_type).name() {
            return Err(Failure::new(
                Code::InvalidArgument,
                "parameters are not of the transform type's parametersValueType",
            ));
        }
        Ok(model::Transform {
            kind: t.transform_type.transform_parameterization.into(),
            input_dimension: t.transform_type.input_dimension,
            output_dimension: t.transform_type.output_dimension,
            name: t.name,
            input_space: t.input_space_name,
            output_space: t.output_space_name,
            fixed: t.fixed_parameters,
            params,
            metadata: t.metadata,
        })
    }

    fn to_wit(t: model::Transform) -> wit::Transform {
        wit::Transform {
            transform_type: wit::TransformType {
                transform_parameterization: t.kind.into(),
                parameters_value_type: t.params.ctype().into(),
                input_dimension: t.input_dimension,
                output_dimension: t.output_dimension,
            },
            number_of_fixed_parameters: t.fixed.len() as u64,
            number_of_parameters: t.params.count() as u64,
            name: t.name,
            input_space_name: t.input_space,
            output_space_name: t.output_space,
            fixed_parameters: t.fixed,
            parameters: t.params.into(),
            metadata: t.metadata,
        }
    }

    fn list_to_model(list: Vec<wit::Transform>) -> Result<Vec<model::Transform>, Failure> {
        list.into_iter().map(to_model).collect()
    }

    fn files(name: String, data: Vec<u8>) -> Vec<BinaryFile> {
        vec![BinaryFile { path: name, data }]
    }

    macro_rules! per_format {
        ($($read:ident, $write:ident => $format:ident;)*) => {$(
            fn $read(serialized_transform: BinaryFile, float_parameters: bool) -> Result<(bool, Option<Vec<wit::Transform>>), Error> {
                let list = formats::read_as(Format::$format, &serialized_transform.path, &serialized_transform.data, float_parameters)?;
                Ok((list.is_some(), list.map(|l| l.into_iter().map(to_wit).collect())))
            }

            fn $write(
                transform: Vec<wit::Transform>,
                serialized_transform: String,
                float_parameters: bool,
                use_compression: bool,
            ) -> Result<(bool, Vec<BinaryFile>), Error> {
                let list = list_to_model(transform)?;
                let bytes = Format::$format.write(&list, float_parameters, use_compression)?;
                Ok((true, files(serialized_transform, bytes)))
            }
        )*};
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn read_transform(
            serialized_transform: BinaryFile,
            float_parameters: bool,
        ) -> Result<Vec<wit::Transform>, Error> {
            let list = formats::read(&serialized_transform.path, &serialized_transform.data, float_parameters)?;
            Ok(list.into_iter().map(to_wit).collect())
        }

        fn write_transform(
            transform: Vec<wit::Transform>,
            serialized_transform: String,
            float_parameters: bool,
            use_compression: bool,
        ) -> Result<Vec<BinaryFile>, Error> {
            let list = list_to_model(transform)?;
            let bytes = formats::write(&list, &serialized_transform, float_parameters, use_compression)?;
            Ok(files(serialized_transform, bytes))
        }

        per_format! {
            hdf5_read_transform, hdf5_write_transform => Hdf5;
            mat_read_transform, mat_write_transform => Mat;
            mnc_read_transform, mnc_write_transform => Mnc;
            txt_read_transform, txt_write_transform => Txt;
            wasm_read_transform, wasm_write_transform => Iwt;
            wasm_zstd_read_transform, wasm_zstd_write_transform => IwtZstd;
        }
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
