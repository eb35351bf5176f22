//! DICOM Segmentation (SEG): reading binary, fractional and label-map SEGs into label
//! images (`read`), writing label images as binary SEGs (`write`). The segment metadata
//! is dcmqi's JSON (what ITK-Wasm's read-segmentation returns and write-segmentation
//! takes); the names of its fields and the colour conversions live here, once.

pub mod read;
pub mod write;

use dicom_core::Tag;

/// Segmentation Storage, and the Label Map Segmentation Storage of DICOM 2024.
pub const SEG_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.66.4";
pub const LABEL_MAP_SEG_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.66.7";

/// dcmqi's series-level fields and the attributes they hold.
pub const SERIES_FIELDS: [(&str, Tag); 7] = [
    ("BodyPartExamined", Tag(0x0018, 0x0015)),
    ("ClinicalTrialSeriesID", Tag(0x0012, 0x0071)),
    ("ClinicalTrialTimePointID", Tag(0x0012, 0x0050)),
    ("ContentCreatorName", Tag(0x0070, 0x0084)),
    ("InstanceNumber", Tag(0x0020, 0x0013)),
    ("SeriesDescription", Tag(0x0008, 0x103E)),
    ("SeriesNumber", Tag(0x0020, 0x0011)),
];

/// dcmqi's segment text fields (always present in what we return; "" when absent).
pub const SEGMENT_TEXT: [(&str, Tag); 2] =
    [("SegmentLabel", Tag(0x0062, 0x0005)), ("SegmentDescription", Tag(0x0062, 0x0006))];

/// dcmqi's optional segment text fields.
pub const SEGMENT_OPTIONAL_TEXT: [(&str, Tag); 4] = [
    ("SegmentAlgorithmType", Tag(0x0062, 0x0008)),
    ("SegmentAlgorithmName", Tag(0x0062, 0x0009)),
    ("TrackingIdentifier", Tag(0x0062, 0x0020)),
    ("TrackingUniqueIdentifier", Tag(0x0062, 0x0021)),
];

/// dcmqi's coded segment fields (each one code: CodeValue, CodingSchemeDesignator,
/// CodeMeaning).
pub const SEGMENT_CODES: [(&str, Tag); 5] = [
    ("SegmentedPropertyCategoryCodeSequence", Tag(0x0062, 0x0003)),
    ("SegmentedPropertyTypeCodeSequence", Tag(0x0062, 0x000F)),
    ("SegmentedPropertyTypeModifierCodeSequence", Tag(0x0062, 0x0011)),
    ("AnatomicRegionSequence", Tag(0x0008, 0x2218)),
    ("AnatomicRegionModifierSequence", Tag(0x0008, 0x2220)),
];

pub const CODE_FIELDS: [(&str, Tag); 3] = [
    ("CodeValue", Tag(0x0008, 0x0100)),
    ("CodingSchemeDesignator", Tag(0x0008, 0x0102)),
    ("CodeMeaning", Tag(0x0008, 0x0104)),
];

pub const SEGMENT_SEQUENCE: Tag = Tag(0x0062, 0x0002);
pub const SEGMENT_NUMBER: Tag = Tag(0x0062, 0x0004);
pub const RECOMMENDED_DISPLAY_CIELAB: Tag = Tag(0x0062, 0x000D);
pub const SEGMENT_IDENTIFICATION_SEQUENCE: Tag = Tag(0x0062, 0x000A);
pub const REFERENCED_SEGMENT_NUMBER: Tag = Tag(0x0062, 0x000B);
pub const SEGMENTATION_TYPE: Tag = Tag(0x0062, 0x0001);
pub const MAXIMUM_FRACTIONAL_VALUE: Tag = Tag(0x0062, 0x000E);

/// dcmqi's colour for segments without one (its CIELab default 43803, 26565, 37722).
pub const DEFAULT_CIELAB: [u16; 3] = [43803, 26565, 37722];

// CIE D65, the white point DICOM's CIELab values refer to (PS3.3 C.10.7.1.1).
const WHITE: [f64; 3] = [0.950456, 1.0, 1.088754];

/// DICOM's scaled CIELab (L 0..65535 for 0..100, a and b 0..65535 for -128..127) to
/// 8-bit sRGB, as dcmtk converts it for dcmqi.
pub fn cielab_to_rgb(lab: [u16; 3]) -> [u8; 3] {
    let l = lab[0] as f64 * 100.0 / 65535.0;
    let a = lab[1] as f64 * 255.0 / 65535.0 - 128.0;
    let b = lab[2] as f64 * 255.0 / 65535.0 - 128.0;
    let fy = (l + 16.0) / 116.0;
    let (fx, fz) = (fy + a / 500.0, fy - b / 200.0);
    let inv = |f: f64| if f.powi(3) > 0.008856 { f.powi(3) } else { (f - 16.0 / 116.0) / 7.787 };
    let (x, y, z) = (inv(fx) * WHITE[0], inv(fy) * WHITE[1], inv(fz) * WHITE[2]);
    let linear = [
        3.2406 * x - 1.5372 * y - 0.4986 * z,
        -0.9689 * x + 1.8758 * y + 0.0415 * z,
        0.0557 * x - 0.2040 * y + 1.0570 * z,
    ];
    linear.map(|v| {
        let g = if v > 0.0031308 { 1.055 * v.powf(1.0 / 2.4) - 0.055 } else { 12.92 * v };
        (g * 255.0).round().clamp(0.0, 255.0) as u8
    })
}

/// 8-bit sRGB to DICOM's scaled CIELab: the inverse of [`cielab_to_rgb`].
pub fn rgb_to_cielab(rgb: [u8; 3]) -> [u16; 3] {
    let lin = rgb.map(|c| {
        let v = c as f64 / 255.0;
        if v > 0.04045 {
            ((v + 0.055) / 1.055).powf(2.4)
        } else {
            v / 12.92
        }
    });
    let x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / WHITE[0];
    let y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    let z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / WHITE[2];
    let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    let (l, a, b) = (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz));
    let scale = |v: f64, range: f64| v.round().clamp(0.0, range) as u16;
    [
        scale(l * 65535.0 / 100.0, 65535.0),
        scale((a + 128.0) * 65535.0 / 255.0, 65535.0),
        scale((b + 128.0) * 65535.0 / 255.0, 65535.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dcmqi_default_colour() {
        // What ITK-Wasm's read-segmentation reports for a segment without a colour.
        assert_eq!(cielab_to_rgb(DEFAULT_CIELAB), [128, 174, 128]);
    }

    #[test]
    fn colours_round_trip() {
        for rgb in [[0, 0, 0], [255, 255, 255], [128, 174, 128], [241, 214, 145], [10, 200, 30], [255, 0, 0]] {
            assert_eq!(cielab_to_rgb(rgb_to_cielab(rgb)), rgb, "{rgb:?}");
        }
    }
}
