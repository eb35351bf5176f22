//! Compile cache, overrides and component loading.

mod common;
use common::*;
use std::sync::Arc;
use witk::pipelines::compress_stringify::{overrides, CompressStringify, CompressStringifyFn, ParseStringDecompressFn};
use witk::{Error, Runtime, RuntimeConfig};

fn cache_entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "cwasm")).collect()
        })
        .unwrap_or_default()
}

#[test]
fn compile_cache_is_written_reused_and_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let config = RuntimeConfig { cache_dir: Some(dir.path().into()), ..Default::default() };
    let first = CompressStringify::builtin(&Runtime::new(config.clone()).unwrap()).unwrap();
    assert_eq!(
        first.compress_stringify(&[33, 44, 55], true, 3, PREFIX).unwrap(),
        b"data:application/zstd;base64,KLUv/SADGQAAISw3"
    );
    let entries = cache_entries(dir.path());
    assert_eq!(entries.len(), 1);
    let stamp = std::fs::metadata(&entries[0]).unwrap().modified().unwrap();

    // A new runtime (as in a new process) loads the entry instead of compiling.
    let second = CompressStringify::builtin(&Runtime::new(config.clone()).unwrap()).unwrap();
    assert_eq!(
        second.compress_stringify(&[1, 2, 3], false, 3, PREFIX).unwrap(),
        zstd::bulk::compress(&[1, 2, 3], 3).unwrap()
    );
    assert_eq!(std::fs::metadata(&entries[0]).unwrap().modified().unwrap(), stamp);

    // A corrupt entry is recompiled and replaced; so is one truncated anywhere (a full
    // disk, a killed writer of another tool), whether in its header or its code.
    let good = std::fs::read(&entries[0]).unwrap();
    for bad in
        [b"garbage".to_vec(), good[..16].to_vec(), good[..good.len() / 2].to_vec(), good[..good.len() - 1].to_vec()]
    {
        std::fs::write(&entries[0], &bad).unwrap();
        let again = CompressStringify::builtin(&Runtime::new(config.clone()).unwrap()).unwrap();
        assert_eq!(again.parse_string_decompress(b"KLUv/SADGQAAISw3", true).unwrap(), [33, 44, 55]);
        assert_eq!(std::fs::read(&entries[0]).unwrap().len(), good.len(), "the entry was not repaired");
    }
}

#[test]
fn an_unusable_cache_directory_means_running_uncached() {
    // A cache "directory" that is a file cannot be created or written (even by root, for
    // whom permission bits mean nothing): every load compiles, and calls work.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"x").unwrap();
    for cache_dir in [file.clone(), file.join("below")] {
        let config = RuntimeConfig { cache_dir: Some(cache_dir), ..Default::default() };
        let p = CompressStringify::builtin(&Runtime::new(config).unwrap()).unwrap();
        assert_eq!(p.parse_string_decompress(b"KLUv/SADGQAAISw3", true).unwrap(), [33, 44, 55]);
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing else was written");
}

#[test]
fn works_without_a_cache_dir() {
    let rt = Runtime::new(RuntimeConfig { cache_dir: None, ..Default::default() }).unwrap();
    let p = CompressStringify::builtin(&rt).unwrap();
    assert_eq!(p.parse_string_decompress(b"KLUv/SADGQAAISw3", true).unwrap(), [33, 44, 55]);
}

#[test]
fn overrides_replace_and_fall_back() {
    let (rt, _dir) = runtime_with(Default::default());
    let p = CompressStringify::builtin(&rt).unwrap();
    let native: CompressStringifyFn =
        Arc::new(|input, _stringify, level, _prefix| Ok(zstd::bulk::compress(input, level).unwrap()));
    rt.overrides().register(overrides::COMPRESS_STRINGIFY, native);
    let marker: ParseStringDecompressFn = Arc::new(|_, _| Ok(b"from the override".to_vec()));
    rt.overrides().register(overrides::PARSE_STRING_DECOMPRESS, marker);
    assert_eq!(rt.overrides().list().len(), 2);
    // The override skips the component, so its range checks do not apply.
    assert!(p.compress_stringify(b"x", false, 3, PREFIX).is_ok());
    assert_eq!(p.parse_string_decompress(b"anything", false).unwrap(), b"from the override");

    assert!(rt.overrides().remove(overrides::PARSE_STRING_DECOMPRESS));
    assert!(matches!(p.parse_string_decompress(b"anything", false), Err(Error::Pipeline { .. })));
    assert!(!rt.overrides().remove(overrides::PARSE_STRING_DECOMPRESS));
    // An override of the wrong signature does not compile (the `compile_fail` doc test of
    // witk::overrides).
}

#[test]
fn load_errors_are_clear() {
    let (rt, _dir) = runtime_with(Default::default());
    let err = rt.load_bytes("junk.wasm", b"\0asm not really").err().unwrap();
    assert!(matches!(err, Error::Load { .. }) && err.to_string().contains("junk.wasm"), "{err}");
    let err = rt.load_file(std::path::Path::new("/nonexistent/x.wasm")).err().unwrap();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    let err = witk::builtin::wasm("no-such-pipeline").unwrap_err();
    assert!(err.to_string().contains("compress-stringify"), "{err}");
}

#[test]
fn wasi_grants_are_checked_when_the_runtime_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let grants = |host: std::path::PathBuf| witk::WasiGrants {
        preopened_dirs: vec![witk::PreopenedDir { host, guest: "/data".into(), writable: false }],
        env: vec![("WITK_TEST".into(), "1".into())],
        ..Default::default()
    };
    let ok = RuntimeConfig { cache_dir: None, wasi: grants(dir.path().into()), ..Default::default() };
    let rt = Runtime::new(ok).unwrap();
    // Components that import no WASI run the same with or without grants.
    let p = CompressStringify::builtin(&rt).unwrap();
    assert_eq!(p.parse_string_decompress(b"KLUv/SADGQAAISw3", true).unwrap(), [33, 44, 55]);
    let missing = RuntimeConfig { cache_dir: None, wasi: grants(dir.path().join("nope")), ..Default::default() };
    let err = Runtime::new(missing).err().expect("a missing preopen is an error");
    assert!(matches!(err, Error::Io { .. }) && err.to_string().contains("nope"), "{err}");
}
