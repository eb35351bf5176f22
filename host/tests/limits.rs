//! Timeouts, memory limits and traps end one call; the next call works.

mod common;
use common::*;
use std::time::{Duration, Instant};
use witk::pipelines::compress_stringify::CompressStringify;
use witk::{Error, Limits};

#[test]
fn timeout_interrupts_and_next_call_works() {
    let limits = Limits { timeout: Some(Duration::from_millis(50)), ..Default::default() };
    let (rt, _dir) = runtime_with(limits);
    let p = CompressStringify::builtin(&rt).unwrap();
    let data = volume_f32(32 << 20);
    let start = Instant::now();
    let err = p.compress_stringify(&data, false, 19, PREFIX).unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(5), "interrupted promptly: {:?}", start.elapsed());
    assert!(err.to_string().contains("timed out"));
    let small = p.compress_stringify(b"still works", false, 3, PREFIX).unwrap();
    assert_eq!(p.parse_string_decompress(&small, false).unwrap(), b"still works");
}

#[test]
fn memory_limit_trap_is_contained() {
    let limits = Limits { memory_bytes: 8 << 20, ..Default::default() };
    let (rt, _dir) = runtime_with(limits);
    let p = CompressStringify::builtin(&rt).unwrap();
    // The 16 MiB input cannot even be copied into an 8 MiB memory: the guest's
    // allocator fails inside the canonical ABI and the instance traps.
    let err = p.compress_stringify(&random_bytes(16 << 20, 5), false, 3, PREFIX).unwrap_err();
    assert!(matches!(err, Error::MemoryLimit { limit, .. } if limit == 8 << 20), "{err:?}");
    for _ in 0..3 {
        let frame = p.compress_stringify(b"after the trap", false, 3, PREFIX).unwrap();
        assert_eq!(p.parse_string_decompress(&frame, false).unwrap(), b"after the trap");
    }
}

#[test]
fn limits_are_per_runtime() {
    let (small, _d1) = runtime_with(Limits { memory_bytes: 8 << 20, ..Default::default() });
    let (big, _d2) = runtime_with(Limits::default());
    let data = volume_f32(16 << 20);
    assert!(CompressStringify::builtin(&small).unwrap().compress_stringify(&data, false, 1, PREFIX).is_err());
    assert!(CompressStringify::builtin(&big).unwrap().compress_stringify(&data, false, 1, PREFIX).is_ok());
}

#[test]
fn pool_can_be_disabled_and_is_shared_by_clones() {
    let dir = tempfile::tempdir().unwrap();
    let config = witk::RuntimeConfig {
        cache_dir: Some(dir.path().into()),
        pool: witk::PoolConfig { max_idle_instances: 0, ..Default::default() },
        ..Default::default()
    };
    let p = CompressStringify::builtin(&witk::Runtime::new(config).unwrap()).unwrap();
    for i in 0..3u8 {
        let frame = p.compress_stringify(&[i; 100], false, 3, PREFIX).unwrap();
        assert_eq!(p.parse_string_decompress(&frame, false).unwrap(), [i; 100]);
    }
    // A pipeline error (not a trap) leaves the instance usable and pooled.
    let pooled = pipeline();
    assert!(pooled.parse_string_decompress(b"bad", false).is_err());
    assert_eq!(pooled.clone().parse_string_decompress(b"KLUv/SADGQAAISw3", true).unwrap(), [33, 44, 55]);
}

#[test]
fn timeouts_need_a_runtime_made_with_one() {
    let (plain, _d) = runtime_with(Limits::default());
    let with_timeout = Limits { timeout: Some(Duration::from_secs(1)), ..Default::default() };
    let err = plain.store_with(&with_timeout).err().expect("no epoch checks compiled in");
    assert!(err.to_string().contains("limits.timeout"), "{err}");
    let (timed, _d2) = runtime_with(with_timeout.clone());
    assert!(timed.store_with(&with_timeout).is_ok());
    assert!(timed.store_with(&Limits::default()).is_ok());
}
