//! transform-io's readers (ITK text, HDF5, MATLAB, .iwt.cbor): the first byte picks the
//! file name, the rest is the file. A list that reads must pass the model's checks, and
//! written in the same format it must read back to as many transforms.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witk_transform_io_component::{formats, model};

const NAMES: [&str; 6] = ["x.tfm", "x.txt", "x.h5", "x.mat", "x.iwt.cbor", "x"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let name = NAMES[pick as usize % NAMES.len()];
    let Ok(list) = formats::read(name, bytes, false) else { return };
    model::check_list(&list).expect("a read transform list fails its own checks");
    let out = if name == "x" { "x.iwt.cbor" } else { name };
    let Ok(written) = formats::write(&list, out, false, false) else { return };
    let back = formats::read(out, &written, false).expect("what was written does not read back");
    assert_eq!(back.len(), list.len(), "{out}: the number of transforms changed");
});
