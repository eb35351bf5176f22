//! transform-io's readers (ITK text, HDF5, MATLAB, .iwt.cbor): the first byte picks the
//! file name, the rest is the file. A list that reads must pass the model's checks, and
//! written in the same format it must read back to as many transforms.
//! (The checks: components/fuzz-checks, also replayed over fuzz/corpus by its test.)
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| witk_fuzz_checks::transform_io::check(data));
