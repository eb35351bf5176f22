//! The dicom pipeline's parsers and decoders on one file: tags (with the file's character
//! set), the image series reader (every transfer syntax's decoder), structured reports,
//! encapsulated PDF. A volume that reads must hold a whole number of pixels of its type.
//! (The checks: components/fuzz-checks, also replayed over fuzz/corpus by its test.)
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| witk_fuzz_checks::dicom::check(data));
