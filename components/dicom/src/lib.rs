//! The dicom pipeline as a component: files parsed by dicom-object (`open`), tags listed
//! in `tags`, series assembled in `series` with pixels decoded by dicom-pixeldata and
//! typed in `pixels`; this file adapts them to the WIT exports.

pub mod alloc_cap;
pub mod attrs;
pub mod iso2022;
pub mod jpeg;
pub mod jpeg12;
pub mod jpeg2k;
pub mod jpegls;
pub mod lengths;
pub mod open;
pub mod pdf;
pub mod pixels;
pub mod rle;
pub mod seg;
pub mod series;
pub mod sr;
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
            information_only: bool,
        ) -> Result<(wit::Image, Vec<String>), Error> {
            let files: Vec<(String, Vec<u8>)> = input_images.into_iter().map(|f| (f.path, f.data)).collect();
            let (geometry, ctype, pixel, components, pixels, sorted) = if information_only {
                // A file given only in part must reach Pixel Data: every attribute the plan
                // reads comes before it.
                for (name, bytes) in &files {
                    if !super::series::reaches_pixel_data(bytes) {
                        return Err(super::Failure::new(
                            super::Code::InvalidData,
                            format!(
                                "{name}: no Pixel Data (7FE0,0010) in the bytes given: give the file up to its pixels"
                            ),
                        )
                        .into());
                    }
                }
                let headers: Vec<(String, &[u8])> = files.iter().map(|(n, b)| (n.clone(), b.as_slice())).collect();
                let p = super::series::plan_series(&headers, single_sorted_series)?;
                (p.geometry, p.ctype, p.pixel, p.components, None, p.sorted)
            } else {
                let v = super::series::read_series(files, single_sorted_series)?;
                (v.geometry, v.ctype, v.pixel, v.components, Some(v.pixels), v.sorted)
            };
            let d = geometry.size.len();
            let image = wit::Image {
                image_type: wit::ImageType {
                    dimension: d as u32,
                    component_type: ctype.into(),
                    pixel_type: pixel.into(),
                    components: components as u32,
                },
                name: "Image".into(),
                origin: geometry.origin,
                spacing: geometry.spacing,
                direction: geometry.direction,
                buffered_region: Some(wit::ImageRegion { index: vec![0; d], size: geometry.size.clone() }),
                size: geometry.size,
                metadata: Vec::new(),
                data: pixels.map(Buffer::from),
            };
            Ok((image, sorted))
        }

        fn read_segmentation(dicom_file: BinaryFile) -> Result<(wit::Image, String), Error> {
            segmentation(&dicom_file, super::seg::read::Layout::Labels)
        }

        fn read_overlapping_segmentation(
            dicom_file: BinaryFile,
            merge_segments: bool,
        ) -> Result<(wit::Image, String), Error> {
            use super::seg::read::Layout;
            segmentation(&dicom_file, if merge_segments { Layout::Merged } else { Layout::PerSegment })
        }

        fn write_segmentation(
            seg_image: wit::Image,
            meta_info: String,
            output_dicom_file: String,
            ref_dicom_series: Vec<BinaryFile>,
            skip_empty_slices: bool,
            use_labelid_as_segmentnumber: bool,
        ) -> Result<Vec<BinaryFile>, Error> {
            let image = super::seg::write::LabelImage {
                origin: seg_image.origin,
                spacing: seg_image.spacing,
                direction: seg_image.direction,
                size: seg_image.size,
                components: seg_image.image_type.components as usize,
                pixels: seg_image.data.map(witk_guest::Pixels::from).ok_or_else(|| {
                    Error::from(super::Failure::new(super::Code::InvalidArgument, "seg-image has no pixel data"))
                })?,
            };
            let refs: Vec<(String, Vec<u8>)> = ref_dicom_series.into_iter().map(|f| (f.path, f.data)).collect();
            let data = super::seg::write::write_segmentation(
                &image,
                &meta_info,
                &refs,
                skip_empty_slices,
                use_labelid_as_segmentnumber,
            )?;
            Ok(vec![BinaryFile { path: output_dicom_file, data }])
        }

        fn read_dicom_encapsulated_pdf(dicom_file: BinaryFile) -> Result<Vec<u8>, Error> {
            Ok(super::pdf::read_encapsulated_pdf(&dicom_file.data, &dicom_file.path)?)
        }

        fn structured_report_to_text(
            dicom_file: BinaryFile,
            no_document_header: bool,
            number_nested_items: bool,
            print_long_values: bool,
            print_instance_uid: bool,
            print_all_codes: bool,
            print_template_id: bool,
        ) -> Result<String, Error> {
            let opts = super::sr::Options {
                no_document_header,
                number_nested_items,
                print_long_values,
                print_instance_uid,
                print_all_codes,
                print_template_id,
            };
            Ok(super::sr::structured_report_to_text(&dicom_file.data, &dicom_file.path, opts)?)
        }
    }

    fn segmentation(file: &BinaryFile, layout: super::seg::read::Layout) -> Result<(wit::Image, String), Error> {
        let s = super::seg::read::read_segmentation(&file.data, &file.path, layout)?;
        let g = s.geometry;
        let image = wit::Image {
            image_type: wit::ImageType {
                dimension: 3,
                component_type: s.pixels.ctype().into(),
                pixel_type: s.pixel.into(),
                components: s.components as u32,
            },
            name: "Segmentation".into(),
            origin: g.origin,
            spacing: g.spacing,
            direction: g.direction,
            buffered_region: Some(wit::ImageRegion { index: vec![0; 3], size: g.size.clone() }),
            size: g.size,
            metadata: Vec::new(),
            data: Some(Buffer::from(s.pixels)),
        };
        Ok((image, s.meta_info))
    }

    export!(Component);
}
