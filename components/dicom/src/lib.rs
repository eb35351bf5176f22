//! The dicom pipeline as a component: files parsed by dicom-object (`open`), tags listed
//! in `tags`, series assembled in `series` with pixels decoded by dicom-pixeldata and
//! typed in `pixels`; this file adapts them to the WIT exports.

pub mod iso2022;
pub mod open;
pub mod pixels;
pub mod series;
pub mod tags;

#[cfg(target_arch = "wasm32")]
mod libc;

#[cfg(test)]
mod tests;

pub use witk_guest::{Code, Failure};

#[cfg(target_arch = "wasm32")]
mod component {
    wit_bindgen::generate!({
        path: "../../wit/dicom",
        world: "witk:dicom/dicom",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::dicom::api::Guest;
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial::{self as wit, BinaryFile, Buffer};

    struct Component;

    impl Guest for Component {
        fn read_dicom_tags(
            dicom_file: BinaryFile,
            tags_to_read: Option<Vec<String>>,
        ) -> Result<Vec<(String, String)>, Error> {
            Ok(super::tags::read_dicom_tags(&dicom_file.data, &dicom_file.path, tags_to_read.as_deref())?)
        }

        fn read_image_dicom_file_series(
            input_images: Vec<BinaryFile>,
            single_sorted_series: bool,
        ) -> Result<(wit::Image, Vec<String>), Error> {
            let files = input_images.into_iter().map(|f| (f.path, f.data)).collect();
            let v = super::series::read_series(files, single_sorted_series)?;
            let g = v.geometry;
            let d = g.size.len();
            let image = wit::Image {
                image_type: wit::ImageType {
                    dimension: d as u32,
                    component_type: v.ctype.into(),
                    pixel_type: v.pixel.into(),
                    components: v.components as u32,
                },
                name: "Image".into(),
                origin: g.origin,
                spacing: g.spacing,
                direction: g.direction,
                buffered_region: Some(wit::ImageRegion { index: vec![0; d], size: g.size.clone() }),
                size: g.size,
                metadata: Vec::new(),
                data: Some(Buffer::from(v.pixels)),
            };
            Ok((image, v.sorted))
        }
    }

    export!(Component);
}
