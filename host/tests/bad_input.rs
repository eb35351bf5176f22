//! Bad input returns typed errors, never traps; and later calls keep working.

mod common;
use common::*;
use witk::{Error, ErrorCode};

fn code(r: witk::Result<Vec<u8>>) -> (ErrorCode, String) {
    match r {
        Err(Error::Pipeline { code, message, .. }) => (code, message),
        other => panic!("expected a pipeline error, got {other:?}"),
    }
}

#[test]
fn not_zstd() {
    let p = pipeline();
    let (c, m) = code(p.parse_string_decompress(b"hello world, not compressed", false));
    assert_eq!(c, ErrorCode::InvalidData);
    assert!(m.contains("not Zstandard"), "{m}");
    assert_eq!(code(p.parse_string_decompress(b"", false)).0, ErrorCode::InvalidData);
    assert_eq!(code(p.parse_string_decompress(b"\x28\xb5", false)).0, ErrorCode::InvalidData);
    // A data URL passed without parse-string gets a hint.
    let (_, m) = code(p.parse_string_decompress(b"data:application/zstd;base64,KLUv/SADGQAAISw3", false));
    assert!(m.contains("parse-string"), "{m}");
}

#[test]
fn corrupt_and_truncated_frames() {
    let p = pipeline();
    let frame = p.compress_stringify(&volume_f32(1 << 16), false, 3, PREFIX).unwrap();
    assert_eq!(code(p.parse_string_decompress(&frame[..frame.len() / 2], false)).0, ErrorCode::InvalidData);
    let mut bad = frame.clone();
    for b in bad[20..60].iter_mut() {
        *b ^= 0x5a;
    }
    assert_eq!(code(p.parse_string_decompress(&bad, false)).0, ErrorCode::InvalidData);
    let mut trailing = frame.clone();
    trailing.extend_from_slice(b"garbage");
    assert_eq!(code(p.parse_string_decompress(&trailing, false)).0, ErrorCode::InvalidData);
}

#[test]
fn bad_base64() {
    let p = pipeline();
    let (c, m) = code(p.parse_string_decompress(b"data:application/zstd;base64,KLUv*SADGQAAISw3", true));
    assert_eq!(c, ErrorCode::InvalidData);
    assert!(m.contains("base64") && m.contains("offset 33"), "{m}");
    assert_eq!(code(p.parse_string_decompress(b"data:application/zstd,plain", true)).0, ErrorCode::Unsupported);
    assert_eq!(code(p.parse_string_decompress(b"data:nocomma", true)).0, ErrorCode::InvalidData);
    // Valid base64 of something that is not zstd.
    assert_eq!(code(p.parse_string_decompress(b"aGVsbG8gd29ybGQ=", true)).0, ErrorCode::InvalidData);
}

#[test]
fn level_out_of_range() {
    let p = pipeline();
    for level in [23, 100, zstd::zstd_safe::min_c_level() - 1, i32::MIN] {
        let (c, m) = code(p.compress_stringify(b"x", false, level, PREFIX));
        assert_eq!(c, ErrorCode::InvalidArgument);
        assert!(m.contains("out of range"), "{m}");
    }
}

#[test]
fn declared_size_beyond_wasm_memory() {
    let p = pipeline();
    // Frame header: single segment, 8-byte content size of 5 GiB, one empty raw block.
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0xe0];
    frame.extend_from_slice(&(5u64 << 30).to_le_bytes());
    frame.extend_from_slice(&[0x01, 0x00, 0x00]);
    let (c, m) = code(p.parse_string_decompress(&frame, false));
    assert_eq!(c, ErrorCode::LimitExceeded, "{m}");
}

#[test]
fn decompression_bombs_stop_at_the_memory_limit() {
    let limits = witk::Limits { memory_bytes: 64 << 20, ..Default::default() };
    let (rt, _dir) = runtime_with(limits);
    let p = witk::pipelines::compress_stringify::CompressStringify::builtin(&rt).unwrap();
    let zeros = vec![0u8; 512 << 20];
    let with_size = zstd::bulk::compress(&zeros, 3).unwrap();
    let streamed = zstd::stream::encode_all(&zeros[..], 3).unwrap();
    drop(zeros);
    for bomb in [&with_size, &streamed] {
        assert!(bomb.len() < 1 << 20);
        match p.parse_string_decompress(bomb, false) {
            Err(Error::Pipeline { code: ErrorCode::LimitExceeded, message, .. }) => {
                assert!(message.contains("memory limit"), "{message}")
            }
            Err(Error::MemoryLimit { .. }) => {}
            other => panic!("expected a limit error, got {other:?}"),
        }
        // The same pipeline keeps working after the refused call.
        assert_eq!(p.parse_string_decompress(&zstd::bulk::compress(b"ok", 3).unwrap(), false).unwrap(), b"ok");
    }
}

#[test]
fn mutated_and_random_inputs_never_trap() {
    let p = pipeline();
    let data = volume_f32(64 << 10);
    let frame = p.compress_stringify(&data, false, 3, PREFIX).unwrap();
    let url = p.compress_stringify(&data, true, 3, PREFIX).unwrap();
    let noise = random_bytes(1 << 20, 11);
    let mut n = 0usize;
    let mut next = || {
        n += 1;
        noise[n % noise.len()] as usize | (noise[(n * 7) % noise.len()] as usize) << 8
    };
    for round in 0..600 {
        let (mut input, parse) = if round % 2 == 0 { (frame.clone(), false) } else { (url.clone(), true) };
        match round % 3 {
            // Flip a few bytes.
            0 => {
                for _ in 0..1 + next() % 4 {
                    let i = next() % input.len();
                    input[i] ^= 1 << (next() % 8);
                }
            }
            // Truncate.
            1 => input.truncate(next() % input.len()),
            // Splice random bytes in.
            _ => {
                let at = next() % input.len();
                let len = next() % 64;
                let start = next() % (noise.len() - len);
                input.splice(at..at, noise[start..start + len].iter().copied());
            }
        }
        match p.parse_string_decompress(&input, parse) {
            Ok(out) => assert!(out.len() <= 4 * data.len(), "round {round}: implausible output size"),
            Err(Error::Pipeline { .. }) => {}
            Err(other) => panic!("round {round}: expected a pipeline error, got {other:?}"),
        }
    }
    // Pure noise, in both modes.
    for len in [1, 3, 4, 5, 17, 1000, 65536] {
        for parse in [false, true] {
            assert!(matches!(p.parse_string_decompress(&noise[..len], parse), Err(Error::Pipeline { .. })));
        }
    }
}
