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
        cast::cast(&mut image, c);
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

    macro_rules! le_bytes {
        ($v:expr) => {
            $v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>()
        };
    }

    fn buffer_bytes(b: Buffer) -> (model::Ctype, Vec<u8>) {
        use model::Ctype as C;
        match b {
            Buffer::Int8(v) => (C::I8, v.into_iter().map(|x| x as u8).collect()),
            Buffer::Uint8(v) => (C::U8, v),
            Buffer::Int16(v) => (C::I16, le_bytes!(v)),
            Buffer::Uint16(v) => (C::U16, le_bytes!(v)),
            Buffer::Int32(v) => (C::I32, le_bytes!(v)),
            Buffer::Uint32(v) => (C::U32, le_bytes!(v)),
            Buffer::Int64(v) => (C::I64, le_bytes!(v)),
            Buffer::Uint64(v) => (C::U64, le_bytes!(v)),
            Buffer::Float32(v) => (C::F32, le_bytes!(v)),
            Buffer::Float64(v) => (C::F64, le_bytes!(v)),
        }
    }

    macro_rules! from_le {
        ($d:expr, $t:ty) => {
            $d.chunks_exact(std::mem::size_of::<$t>()).map(|c| <$t>::from_le_bytes(c.try_into().unwrap())).collect()
        };
    }

    fn bytes_buffer(c: model::Ctype, d: Vec<u8>) -> Buffer {
        use model::Ctype as C;
        match c {
            C::I8 => Buffer::Int8(d.into_iter().map(|x| x as i8).collect()),
            C::U8 => Buffer::Uint8(d),
            C::I16 => Buffer::Int16(from_le!(d, i16)),
            C::U16 => Buffer::Uint16(from_le!(d, u16)),
            C::I32 => Buffer::Int32(from_le!(d, i32)),
            C::U32 => Buffer::Uint32(from_le!(d, u32)),
            C::I64 => Buffer::Int64(from_le!(d, i64)),
            C::U64 => Buffer::Uint64(from_le!(d, u64)),
            C::F32 => Buffer::Float32(from_le!(d, f32)),
            C::F64 => Buffer::Float64(from_le!(d, f64)),
        }
    }

    fn to_model(i: wit::Image) -> Result<model::Image, Failure> {
        let declared = ctype_from(i.image_type.component_type);
        let (ctype, data) = match i.data {
            Some(b) => {
                let (c, d) = buffer_bytes(b);
                if c != declared {
                    return Err(Failure::new(
                        Code::InvalidArgument,
                        format!("image-type says {} but the pixel buffer holds {}", declared.name(), c.name()),
                    ));
                }
                (c, Some(d))
            }
            None => (declared, None),
        };
        if i.image_type.dimension as usize != i.size.len() {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!("image-type dimension {} but {} sizes", i.image_type.dimension, i.size.len()),
            ));
        }
        let image = model::Image {
            ctype,
            pixel: pixel_from(i.image_type.pixel_type),
            components: i.image_type.components as usize,
            name: i.name,
            origin: i.origin,
            spacing: i.spacing,
            direction: i.direction,
            size: i.size,
            metadata: i.metadata,
            data,
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
            data: m.data.map(|bytes| bytes_buffer(m.ctype, bytes)),
        }
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
            Ok(files.into_iter().map(|(path, data)| BinaryFile { path, data }).collect())
        }
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
