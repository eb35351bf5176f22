//! The image-io pipeline as a component: format code in `formats/`, the image model in
//! `model`, and this file adapting it to the WIT exports.

pub mod cast;
pub mod codec;
pub mod formats;
pub mod model;

/// A failure with the WIT error code it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

/// Mirror of `witk:types/errors.error-code`, so the logic compiles without bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidArgument,
    InvalidData,
    LimitExceeded,
    Unsupported,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }
}

/// Read `name` (with its companion file, if any) into the model, cast as asked.
pub fn read(
    name: &str,
    bytes: &[u8],
    companion: Option<&[u8]>,
    info_only: bool,
    pixel: Option<model::Pixel>,
    ctype: Option<model::Ctype>,
) -> Result<model::Image, Failure> {
    let mut image = formats::read(name, bytes, companion, info_only)?;
    if let Some(c) = ctype {
        cast::cast(&mut image, c)?;
    }
    if let Some(p) = pixel {
        image.pixel = p;
    }
    Ok(image)
}

#[cfg(target_arch = "wasm32")]
mod component {
    use super::{formats, model, Code, Failure};

    wit_bindgen::generate!({
        path: "../../wit/image-io",
        world: "witk:image-io/image-io",
        generate_all,
    });

    use exports::witk::image_io::api::Guest;
    use witk::types::errors::{Error, ErrorCode};
    use witk::types::spatial::{self as wit, BinaryFile, Buffer, ComponentType, PixelType};

    impl From<Failure> for Error {
        fn from(f: Failure) -> Self {
            let code = match f.code {
                Code::InvalidArgument => ErrorCode::InvalidArgument,
                Code::InvalidData => ErrorCode::InvalidData,
                Code::LimitExceeded => ErrorCode::LimitExceeded,
                Code::Unsupported => ErrorCode::Unsupported,
            };
            Error { code, message: f.message }
        }
    }

    fn ctype_from(c: ComponentType) -> model::Ctype {
        use model::Ctype as C;
        match c {
            ComponentType::Int8 => C::I8,
            ComponentType::Uint8 => C::U8,
            ComponentType::Int16 => C::I16,
            ComponentType::Uint16 => C::U16,
            ComponentType::Int32 => C::I32,
            ComponentType::Uint32 => C::U32,
            ComponentType::Int64 => C::I64,
            ComponentType::Uint64 => C::U64,
            ComponentType::Float32 => C::F32,
            ComponentType::Float64 => C::F64,
        }
    }

    fn ctype_to(c: model::Ctype) -> ComponentType {
        use model::Ctype as C;
        match c {
            C::I8 => ComponentType::Int8,
            C::U8 => ComponentType::Uint8,
            C::I16 => ComponentType::Int16,
            C::U16 => ComponentType::Uint16,
            C::I32 => ComponentType::Int32,
            C::U32 => ComponentType::Uint32,
            C::I64 => ComponentType::Int64,
            C::U64 => ComponentType::Uint64,
            C::F32 => ComponentType::Float32,
            C::F64 => ComponentType::Float64,
        }
    }

    macro_rules! pixel_map {
        ($($wit:ident <=> $model:ident),* $(,)?) => {
            fn pixel_from(p: PixelType) -> model::Pixel { match p { $(PixelType::$wit => model::Pixel::$model),* } }
            fn pixel_to(p: model::Pixel) -> PixelType { match p { $(model::Pixel::$model => PixelType::$wit),* } }
        };
    }
    pixel_map!(
        Unknown <=> Unknown, Scalar <=> Scalar, Rgb <=> Rgb, Rgba <=> Rgba, Offset <=> Offset, Vector <=> Vector,
        Point <=> Point, CovariantVector <=> CovariantVector,
        SymmetricSecondRankTensor <=> SymmetricSecondRankTensor, DiffusionTensor3D <=> DiffusionTensor3D,
        Complex <=> Complex, FixedArray <=> FixedArray, Array <=> Array, Matrix <=> Matrix,
        VariableLengthVector <=> VariableLengthVector, VariableSizeMatrix <=> VariableSizeMatrix,
    );

    macro_rules! buffer_map {
        ($($wit:ident <=> $model:ident),* $(,)?) => {
            /// A move: the typed vectors are the same on both sides.
            fn pixels_from(b: Buffer) -> model::Pixels { match b { $(Buffer::$wit(v) => model::Pixels::$model(v)),* } }
            fn pixels_to(p: model::Pixels) -> Buffer { match p { $(model::Pixels::$model(v) => Buffer::$wit(v)),* } }
        };
    }
    buffer_map!(
        Int8 <=> I8, Uint8 <=> U8, Int16 <=> I16, Uint16 <=> U16, Int32 <=> I32, Uint32 <=> U32,
        Int64 <=> I64, Uint64 <=> U64, Float32 <=> F32, Float64 <=> F64,
    );

    fn to_model(i: wit::Image) -> Result<model::Image, Failure> {
        if i.image_type.dimension as usize != i.size.len() {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!("image-type dimension {} but {} sizes", i.image_type.dimension, i.size.len()),
            ));
        }
        let image = model::Image {
            ctype: ctype_from(i.image_type.component_type),
            pixel: pixel_from(i.image_type.pixel_type),
            components: i.image_type.components as usize,
            name: i.name,
            origin: i.origin,
            spacing: i.spacing,
            direction: i.direction,
            size: i.size,
            metadata: i.metadata,
            data: i.data.map(pixels_from),
        };
        image.validate()?;
        Ok(image)
    }

    fn to_wit(m: model::Image) -> wit::Image {
        let d = m.size.len();
        wit::Image {
            image_type: wit::ImageType {
                dimension: d as u32,
                component_type: ctype_to(m.ctype),
                pixel_type: pixel_to(m.pixel),
                components: m.components as u32,
            },
            name: m.name,
            origin: m.origin,
            spacing: m.spacing,
            direction: m.direction,
            buffered_region: Some(wit::ImageRegion { index: vec![0; d], size: m.size.clone() }),
            size: m.size,
            metadata: m.metadata,
            data: m.data.map(pixels_to),
        }
    }

    fn files_to_wit(files: formats::Files) -> Vec<BinaryFile> {
        files.into_iter().map(|(path, data)| BinaryFile { path, data }).collect()
    }

    /// ITK-Wasm's per-format functions: `(could_read, image)`, `(could_write, files)`.
    macro_rules! per_format {
        ($($read:ident, $write:ident => $format:ident;)*) => {$(
            fn $read(
                serialized_image: BinaryFile,
                companions: Vec<BinaryFile>,
                information_only: bool,
            ) -> Result<(bool, Option<wit::Image>), Error> {
                let image = formats::read_as(
                    formats::Format::$format,
                    &serialized_image.path,
                    &serialized_image.data,
                    companions.first().map(|f| f.data.as_slice()),
                    information_only,
                )?;
                Ok((image.is_some(), image.map(to_wit)))
            }

            fn $write(
                image: wit::Image,
                serialized_image: String,
                information_only: bool,
                use_compression: bool,
            ) -> Result<(bool, Vec<BinaryFile>), Error> {
                let image = to_model(image)?;
                let format = formats::Format::$format;
                let files = formats::write_as(format, &image, &serialized_image, information_only, use_compression)?;
                Ok((files.is_some(), files.map(files_to_wit).unwrap_or_default()))
            }
        )*};
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn companion_files(serialized_image: BinaryFile) -> Result<Vec<String>, Error> {
            Ok(formats::companions(&serialized_image.path, &serialized_image.data)?)
        }

        fn read_image(
            serialized_image: BinaryFile,
            companions: Vec<BinaryFile>,
            information_only: bool,
            pixel_type: Option<PixelType>,
            component_type: Option<ComponentType>,
        ) -> Result<wit::Image, Error> {
            let image = super::read(
                &serialized_image.path,
                &serialized_image.data,
                companions.first().map(|f| f.data.as_slice()),
                information_only,
                pixel_type.map(pixel_from),
                component_type.map(ctype_from),
            )?;
            Ok(to_wit(image))
        }

        fn write_image(
            image: wit::Image,
            serialized_image: String,
            information_only: bool,
            use_compression: bool,
        ) -> Result<Vec<BinaryFile>, Error> {
            let image = to_model(image)?;
            let files = formats::write(&image, &serialized_image, information_only, use_compression)?;
            Ok(files_to_wit(files))
        }

        per_format! {
            bmp_read_image, bmp_write_image => Bmp;
            jpeg_read_image, jpeg_write_image => Jpeg;
            meta_read_image, meta_write_image => MetaImage;
            nifti_read_image, nifti_write_image => Nifti;
            nrrd_read_image, nrrd_write_image => Nrrd;
            png_read_image, png_write_image => Png;
            tiff_read_image, tiff_write_image => Tiff;
            vtk_read_image, vtk_write_image => Vtk;
            wasm_read_image, wasm_write_image => Iwi;
            wasm_zstd_read_image, wasm_zstd_write_image => IwiZstd;
            witk_read_image, witk_write_image => Witk;
        }
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
