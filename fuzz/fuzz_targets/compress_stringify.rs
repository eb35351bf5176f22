//! compress-stringify's decoders: the input as a data URL (any prefix, forgiving base64),
//! as the frame inside one, and as a Zstandard frame. What decompresses must compress and
//! come back, also through a data URL.
//! (The checks: components/fuzz-checks, also replayed over fuzz/corpus by its test.)
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| witk_fuzz_checks::compress_stringify::check(data));
