//! Helpers shared by the integration tests.
#![allow(dead_code)]

use witk::pipelines::compress_stringify::CompressStringify;
use witk::{Runtime, RuntimeConfig};

pub const PREFIX: &str = "data:application/zstd;base64,";

/// A runtime with its own empty cache directory, so tests never share state.
pub fn runtime_with(limits: witk::Limits) -> (Runtime, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let rt = Runtime::new(RuntimeConfig { cache_dir: Some(dir.path().to_path_buf()), limits, ..Default::default() })
        .unwrap();
    (rt, dir)
}

pub fn pipeline() -> CompressStringify {
    let (rt, dir) = runtime_with(Default::default());
    std::mem::forget(dir);
    CompressStringify::builtin(&rt).unwrap()
}

/// Deterministic pseudo-random bytes (xorshift), incompressible.
pub fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A float32 volume of a smooth function with a little noise: what scientific data
/// looks like to a compressor. `n` is the byte length (a multiple of 4).
pub fn volume_f32(n: usize) -> Vec<u8> {
    let count = n / 4;
    let side = (count as f64).cbrt().ceil() as usize;
    let noise = random_bytes(count, 7);
    let mut out = Vec::with_capacity(n);
    for (i, &n) in noise.iter().enumerate() {
        let (x, y, z) = (i % side, (i / side) % side, i / (side * side));
        let r = ((x * x + y * y + z * z) as f32).sqrt() / side as f32;
        let v = (r * 9.0).sin() * 100.0 + (n as f32 - 128.0) * 0.01;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}
