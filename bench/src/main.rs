//! witk vs native zstd, measured in the same run. Prints times and ratios (ours/peer).
//!
//! `cargo run --release -p witk-bench` (or `bash scripts/bench.sh`, which builds first).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use witk::pipelines::compress_stringify::{CompressStringify, DEFAULT_DATA_URL_PREFIX};
use witk::{Runtime, RuntimeConfig};

const LEVEL: i32 = 3;

fn main() {
    let rt = Runtime::new(RuntimeConfig::default()).expect("runtime");
    let p = CompressStringify::builtin(&rt).expect("compress-stringify component");
    println!("witk bench: compress-stringify (zstd level {LEVEL}), best of N runs, ratio = witk / native");
    println!("{:<28} {:>11} {:>11} {:>8}", "case", "witk", "native", "ratio");
    for (label, mib, reps) in [("1 MiB", 1usize, 30), ("64 MiB", 64, 5)] {
        let data = volume_f32(mib << 20);
        let frame = zstd::bulk::compress(&data, LEVEL).unwrap();
        let ours = best(reps, || p.compress_stringify(&data, false, LEVEL, DEFAULT_DATA_URL_PREFIX).unwrap());
        let native = best(reps, || zstd::bulk::compress(&data, LEVEL).unwrap());
        row(&format!("compress {label}"), ours, native, mib);
        let ours = best(reps, || p.parse_string_decompress(&frame, false).unwrap());
        let native = best(reps, || zstd::bulk::decompress(&frame, data.len()).unwrap());
        row(&format!("decompress {label}"), ours, native, mib);
        let url = p.compress_stringify(&data, true, LEVEL, DEFAULT_DATA_URL_PREFIX).unwrap();
        let ours = best(reps, || p.parse_string_decompress(&url, true).unwrap());
        row(&format!("parse data URL {label}"), ours, native, mib);
        println!(
            "{:<28} compressed to {:.1}% of the input",
            format!("  ({label} volume)"),
            100.0 * frame.len() as f64 / data.len() as f64
        );
    }
    startup();
    typed_vs_dynamic(&rt, &p);
}

/// The typed module (bindgen!, memcpy for lists) against the dynamic path (`witk::Dynamic`,
/// wasmtime `Val`s element by element) that runs components this build has no module
/// for: per-call overhead on 3 bytes, and bulk lists in (compress zeros at the fastest
/// level) and out (decompress them), where the component's own work is small.
fn typed_vs_dynamic(rt: &Runtime, p: &CompressStringify) {
    use witk::wasmtime_val as val;
    let loaded = rt.load_bytes("compress-stringify", witk::builtin::wasm("compress-stringify").unwrap()).unwrap();
    let d = witk::Dynamic::new(rt, &loaded).unwrap();
    println!("\nwitk bench: typed module vs dynamic Val path (ratio = dynamic / typed)");
    println!("{:<28} {:>11} {:>11} {:>8}", "case", "dynamic", "typed", "ratio");
    let fast = -7;
    let compress = |data: &[u8]| {
        let args = [val::bytes(data), val::Val::Bool(false), val::Val::S32(fast), val::Val::String("x".into())];
        d.call("compress-stringify", &args).unwrap()
    };
    let small = [33u8, 44, 55];
    let dynamic = best(2000, || compress(&small));
    let typed = best(2000, || p.compress_stringify(&small, false, fast, "x").unwrap());
    println!(
        "{:<28} {:>8.1} µs {:>8.1} µs {:>7.2}x",
        "call overhead (3 bytes)",
        dynamic.as_secs_f64() * 1e6,
        typed.as_secs_f64() * 1e6,
        dynamic.as_secs_f64() / typed.as_secs_f64()
    );
    let mib = 16;
    let zeros = vec![0u8; mib << 20];
    let dynamic = best(3, || compress(&zeros));
    let typed = best(3, || p.compress_stringify(&zeros, false, fast, "x").unwrap());
    row_vs(&format!("list in, {mib} MiB"), dynamic, typed, mib);
    let frame = zstd::bulk::compress(&zeros, 1).unwrap();
    let dynamic = best(3, || d.call("parse-string-decompress", &[val::bytes(&frame), val::Val::Bool(false)]).unwrap());
    let typed = best(3, || p.parse_string_decompress(&frame, false).unwrap());
    row_vs(&format!("list out, {mib} MiB"), dynamic, typed, mib);
}

fn row_vs(case: &str, dynamic: Duration, typed: Duration, mib: usize) {
    println!(
        "{case:<28} {:>8.2} ms {:>8.2} ms {:>7.2}x   ({:.0} vs {:.0} MiB/s)",
        ms(dynamic),
        ms(typed),
        dynamic.as_secs_f64() / typed.as_secs_f64(),
        mib as f64 / dynamic.as_secs_f64(),
        mib as f64 / typed.as_secs_f64()
    );
}

fn best<T>(reps: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn row(case: &str, ours: Duration, native: Duration, mib: usize) {
    println!(
        "{case:<28} {:>8.2} ms {:>8.2} ms {:>7.2}x   ({:.0} MiB/s through witk)",
        ms(ours),
        ms(native),
        ours.as_secs_f64() / native.as_secs_f64(),
        mib as f64 / ours.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Process start + first call of the `witk` CLI with an empty and a warm cache.
fn startup() {
    let exe = std::env::current_exe().unwrap().with_file_name("witk");
    if !exe.exists() {
        println!("(startup: build the witk binary with `cargo build --release -p witk` to measure it)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("witk-bench-{}", std::process::id()));
    let input = dir.join("in.bin");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&input, b"witk startup probe").unwrap();
    let run = |cache: &Path| {
        let t = Instant::now();
        let ok = Command::new(&exe)
            .args(["--cache-dir"])
            .arg(cache)
            .args(["compress-stringify", "--stringify"])
            .arg(&input)
            .arg("-")
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok);
        t.elapsed()
    };
    let cold = (0..3).map(|i| run(&dir.join(format!("cold{i}")))).min().unwrap();
    let warm_cache: PathBuf = dir.join("warm");
    run(&warm_cache);
    let warm = (0..10).map(|_| run(&warm_cache)).min().unwrap();
    println!(
        "{:<28} {:>8.1} ms (empty cache: compile)  {:>8.1} ms (warm cache)",
        "CLI start + first call",
        ms(cold),
        ms(warm)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A float32 volume of a smooth function with a little noise (as in the tests).
fn volume_f32(n: usize) -> Vec<u8> {
    let count = n / 4;
    let side = (count as f64).cbrt().ceil() as usize;
    let mut x: u64 = 7;
    let mut out = Vec::with_capacity(n);
    for i in 0..count {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (a, b, c) = (i % side, (i / side) % side, i / (side * side));
        let r = ((a * a + b * b + c * c) as f32).sqrt() / side as f32;
        let v = (r * 9.0).sin() * 100.0 + ((x >> 24) as u8 as f32 - 128.0) * 0.01;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}
