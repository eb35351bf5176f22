//! The `witk` binary on real files.

mod common;
use common::*;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn witk(args: &[&str], cache: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_witk")).args(args).env("WITK_CACHE_DIR", cache).output().unwrap()
}

fn witk_stdin(args: &[&str], cache: &std::path::Path, stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_witk"))
        .args(args)
        .env("WITK_CACHE_DIR", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn files_round_trip_and_zstd_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let data = volume_f32(3 << 20);
    std::fs::write(p("in.raw"), &data).unwrap();
    let out = witk(&["compress-stringify", "--level", "7", &p("in.raw"), &p("in.raw.zst")], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let frame = std::fs::read(p("in.raw.zst")).unwrap();
    assert_eq!(frame, zstd::bulk::compress(&data, 7).unwrap());
    let out = witk(&["parse-string-decompress", &p("in.raw.zst"), &p("back.raw")], dir.path());
    assert!(out.status.success());
    assert_eq!(std::fs::read(p("back.raw")).unwrap(), data);

    let out = witk(&["compress-stringify", "--stringify", &p("in.raw"), &p("in.txt")], dir.path());
    assert!(out.status.success());
    assert!(std::fs::read(p("in.txt")).unwrap().starts_with(PREFIX.as_bytes()));
    let out = witk(&["parse-string-decompress", "--parse-string", &p("in.txt"), &p("back2.raw")], dir.path());
    assert!(out.status.success());
    assert_eq!(std::fs::read(p("back2.raw")).unwrap(), data);
}

#[test]
fn stdin_stdout_and_negative_levels() {
    let dir = tempfile::tempdir().unwrap();
    let out = witk_stdin(&["compress-stringify", "--stringify", "-", "-"], dir.path(), &[33, 44, 55]);
    assert!(out.status.success());
    assert_eq!(out.stdout, b"data:application/zstd;base64,KLUv/SADGQAAISw3");
    let out = witk_stdin(
        &["compress-stringify", "--level", "-5", "--stringify", "--data-url-prefix", "data:base64,", "-", "-"],
        dir.path(),
        b"abc",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.starts_with(b"data:base64,KLUv"));
    let out = witk_stdin(&["parse-string-decompress", "--parse-string", "-", "-"], dir.path(), &out.stdout);
    assert_eq!(out.stdout, b"abc");
}

#[test]
fn errors_exit_non_zero_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, b"just text").unwrap();
    let out = witk(&["parse-string-decompress", plain.to_str().unwrap(), "-"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid-data") && err.contains("not Zstandard"), "{err}");

    let out = witk(&["compress-stringify", "--level", "99", plain.to_str().unwrap(), "-"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out of range"));

    let out = witk(&["compress-stringify", "/no/such/file", "-"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file"));

    let out = witk(&["--memory-limit", "1", "compress-stringify", plain.to_str().unwrap(), "-"], dir.path());
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));

    let out = witk(&["no-such-pipeline"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_lists_every_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let out = witk(&["--help"], dir.path());
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for name in witk::builtin::PIPELINES {
        assert!(help.contains(name), "{name} missing from --help:\n{help}");
    }
    assert!(help.contains("parse-string-decompress"));
}

/// Verbs generated from the WIT signatures (downsample-sigma, gaussian-kernel-radius have
/// no hand-written verb): the Rust API's answers as JSON, WIT defaults, typed errors.
#[test]
fn generated_verbs_answer_as_the_api_does() {
    use witk::pipelines::downsample::Downsample;
    let dir = tempfile::tempdir().unwrap();
    let (rt, _d) = runtime_with(Default::default());
    let api = Downsample::builtin(&rt).unwrap();
    let out = witk(&["downsample-sigma", "--shrink-factors", "2,4,1"], dir.path());
    assert!(out.status.success(), "{out:?}");
    let sigma: Vec<f64> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sigma, api.downsample_sigma(&[2, 4, 1]).unwrap());
    let out = witk(&["gaussian-kernel-radius", "--size", "64,8", "--sigma", "0.8,3.5"], dir.path());
    let radius: Vec<u64> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(radius, api.gaussian_kernel_radius(&[64, 8], &[0.8, 3.5], 32, 0.01).unwrap());
    let out =
        witk(&["gaussian-kernel-radius", "--size", "64", "--sigma", "3.5", "--max-kernel-width", "3"], dir.path());
    let radius: Vec<u64> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(radius, api.gaussian_kernel_radius(&[64], &[3.5], 3, 0.01).unwrap());
    let out = witk(&["downsample-sigma", "--shrink-factors", "2,0"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("downsample-sigma: invalid-argument"), "{out:?}");
    let out = witk(&["downsample-sigma"], dir.path());
    assert_eq!(out.status.code(), Some(2), "a missing required option is a usage error");
}
