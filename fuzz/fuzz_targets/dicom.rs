//! The dicom pipeline's parsers and decoders on one file: tags (with the file's character
//! set), the image series reader (every transfer syntax's decoder), structured reports,
//! encapsulated PDF. A volume that reads must hold a whole number of pixels of its type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witk_dicom_component::{pdf, series, sr, tags};

fuzz_target!(|data: &[u8]| {
    let _ = tags::read_dicom_tags(data, "x.dcm", None);
    if let Ok(volume) = series::read_series(vec![("x.dcm".to_string(), data.to_vec())], false) {
        assert_eq!(volume.pixels.ctype(), volume.ctype);
        assert!(volume.components > 0 && volume.pixels.count() % volume.components == 0);
        assert_eq!(volume.sorted, ["x.dcm"]);
    }
    let _ = sr::structured_report_to_text(data, "x.dcm", sr::Options::default());
    let _ = pdf::read_encapsulated_pdf(data, "x.dcm");
});
