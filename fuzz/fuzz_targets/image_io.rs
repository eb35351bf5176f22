//! image-io's readers: the first byte picks the file name (so the format, by extension when
//! the magic bytes do not decide), the rest is the file. A successful read must pass the
//! model's own checks (buffer length = size x components x type, geometry fields of the
//! dimension, finite spacing), the header-only read must agree with it, and writing it in
//! the same format must read back to the same pixels.
//! (The checks: components/fuzz-checks, also replayed over fuzz/corpus by its test.)
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| witk_fuzz_checks::image_io::check(data));
