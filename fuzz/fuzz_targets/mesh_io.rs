//! mesh-io's readers: the first byte picks the file name (the format by extension where
//! magic bytes do not decide), the rest is the file. A mesh that reads must pass the
//! model's checks (buffers of their declared sizes, cells within the point count), and
//! written in the same format it must read back with the same points.
//! (The checks: components/fuzz-checks, also replayed over fuzz/corpus by its test.)
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| witk_fuzz_checks::mesh_io::check(data));
