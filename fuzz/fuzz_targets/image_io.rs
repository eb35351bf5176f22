//! image-io's readers: the first byte picks the file name (so the format, by extension when
//! the magic bytes do not decide), the rest is the file. A successful read must pass the
//! model's own checks (buffer length = size x components x type, geometry fields of the
//! dimension, finite spacing), the header-only read must agree with it, and writing it in
//! the same format must read back to the same pixels.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witk_image_io_component::formats;

const NAMES: [&str; 13] = [
    "x.nrrd",
    "x.mha",
    "x.nii",
    "x.nii.gz",
    "x.vtk",
    "x.png",
    "x.tif",
    "x.bmp",
    "x.jpg",
    "x.iwi.cbor",
    "x.iwi.cbor.zst",
    "x.witk",
    "x",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let name = NAMES[pick as usize % NAMES.len()];
    let Ok(image) = formats::read(name, bytes, None, false) else { return };
    image.validate().expect("a read image fails its own checks");
    assert!(image.data.is_some(), "a full read gave no pixels");
    assert!(image.spacing.iter().all(|s| s.is_finite()), "spacing {:?}", image.spacing);
    let header =
        formats::read(name, bytes, None, true).expect("the header-only read failed where the full read did not");
    assert_eq!((&header.size, header.ctype, header.components), (&image.size, image.ctype, image.components));
    // Written in the detected format (by the name; extensionless files as .iwi.cbor).
    let out = if name == "x" { "x.iwi.cbor" } else { name };
    let Ok(files) = formats::write(&image, out, false, false) else { return };
    let main = &files.first().expect("a write gave no file").1;
    let companion = files.get(1).map(|f| f.1.as_slice());
    let back = formats::read(out, main, companion, false).expect("what was written does not read back");
    assert_eq!((&back.size, back.ctype, back.components), (&image.size, image.ctype, image.components));
    if !matches!(out, "x.jpg" | "x.png" | "x.bmp" | "x.tif") {
        assert_eq!(back.data, image.data, "{out}: the pixels changed in a round trip");
    }
});
