//! The image-io pipeline as a component: format code in `formats/`, the image model in
//! `model`, and this file adapting it to the WIT exports.

pub mod cast;
pub mod codec;
pub mod formats;
pub mod model;

pub use witk_guest::{Code, Failure};

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
    use super::model::{Ctype, Pixel, Pixels};
    use super::{formats, model, Code, Failure};

    wit_bindgen::generate!({
        path: "../../wit/image-io",
        world: "witk:image-io/image-io",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::image_io::api::Guest;
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial::{self as wit, BinaryFile, Buffer, ComponentType, PixelType};

    fn to_model(i: wit::Image) -> Result<model::Image, Failure> {
        witk_guest::check_dimension(i.image_type.dimension, i.size.len())
            .map_err(|m| Failure::new(Code::InvalidArgument, m))?;
        let image = model::Image {
            ctype: i.image_type.component_type.into(),
            pixel: i.image_type.pixel_type.into(),
            components: i.image_type.components as usize,
            name: i.name,
            origin: i.origin,
            spacing: i.spacing,
            direction: i.direction,
            size: i.size,
            metadata: i.metadata,
            data: i.data.map(Pixels::from),
        };
        image.validate()?;
        Ok(image)
    }

    fn to_wit(m: model::Image) -> wit::Image {
        let d = m.size.len();
        wit::Image {
            image_type: wit::ImageType {
                dimension: d as u32,
                component_type: m.ctype.into(),
                pixel_type: m.pixel.into(),
                components: m.components as u32,
            },
            name: m.name,
            origin: m.origin,
            spacing: m.spacing,
            direction: m.direction,
            buffered_region: Some(wit::ImageRegion { index: vec![0; d], size: m.size.clone() }),
            size: m.size,
            metadata: m.metadata,
            data: m.data.map(Buffer::from),
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

        fn raw_pixel_layout(serialized_image: BinaryFile) -> Result<(bool, String, u64, bool), Error> {
            Ok(match formats::raw_layout(&serialized_image.path, &serialized_image.data)? {
                Some((file, offset, big)) => (true, file, offset, big),
                None => (false, String::new(), 0, false),
            })
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
                pixel_type.map(Pixel::from),
                component_type.map(Ctype::from),
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
