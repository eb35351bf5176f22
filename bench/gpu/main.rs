//! downsample on the GPU (witk-wgpu) against the component on every core and the peers
//! `bench/gpu/peers.py` measured in the same run (native ITK on all threads, ITK-Wasm's
//! cuCIM accelerator where it installs). Run by `bash bench/gpu/run.sh`.
//!
//! `witk-gpu-bench --cases [--small]` prints the cases as JSON (with the Gaussian sigmas
//! the component uses, so the peers need no copy of that rule); `witk-gpu-bench [--small]
//! [--peers FILE]` measures and prints the table. Times are end to end from host memory
//! (upload, kernels, download), best of several runs after one warm-up; every GPU result
//! is checked byte for byte against the component's.

use std::time::{Duration, Instant};
use witk::pipelines::downsample::gpu::{AdapterKind, Gpu, GpuDownsample, Precision};
use witk::pipelines::downsample::{Downsample, ParallelDownsample};
use witk::pipelines::types::witk::types::spatial::{Buffer, ComponentType, Image, ImageType, PixelType};
use witk::{Runtime, RuntimeConfig};

struct Case {
    size: [u64; 3],
    float: bool,
    shrink: [u32; 3],
    gaussian: bool,
}

impl Case {
    fn key(&self) -> String {
        let [x, y, z] = self.size;
        let [a, b, c] = self.shrink;
        let t = if self.float { "float32" } else { "uint16" };
        let m = if self.gaussian { "downsample" } else { "bin-shrink" };
        format!("{m} {x}x{y}x{z} {t} by {a},{b},{c}")
    }
}

fn cases(small: bool) -> Vec<Case> {
    let mut v = Vec::new();
    let sides: &[u64] = if small { &[64, 128] } else { &[256, 512] };
    for &side in sides {
        for float in [true, false] {
            for gaussian in [true, false] {
                v.push(Case { size: [side; 3], float, shrink: [2; 3], gaussian });
            }
        }
    }
    // ITK-Wasm's SciPy 2024 scenario: a 512x512x~900 CT volume, shrink [4, 4, 2].
    let ct = if small { [128, 128, 225] } else { [512, 512, 900] };
    for gaussian in [true, false] {
        v.push(Case { size: ct, float: false, shrink: [4, 4, 2], gaussian });
    }
    v
}

/// A CT-like volume: smooth structure plus noise (the same formula as peers.py).
fn volume(case: &Case) -> Image {
    let [nx, ny, nz] = case.size;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut values = Vec::with_capacity((nx * ny * nz) as usize);
    for z in 0..nz {
        for y in 0..ny {
            for x in 0..nx {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let noise = (state % 64) as f64;
                values.push(1000.0 + 800.0 * (x as f64 / 17.0).sin() * (y as f64 / 23.0).cos() + z as f64 + noise);
            }
        }
    }
    let (component_type, data) = if case.float {
        (ComponentType::Float32, Buffer::Float32(values.iter().map(|&v| v as f32).collect()))
    } else {
        (ComponentType::Uint16, Buffer::Uint16(values.iter().map(|&v| v as u16).collect()))
    };
    Image {
        image_type: ImageType { dimension: 3, component_type, pixel_type: PixelType::Scalar, components: 1 },
        name: "ct".into(),
        origin: vec![0.0; 3],
        spacing: vec![1.0; 3],
        direction: vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        size: case.size.to_vec(),
        metadata: Vec::new(),
        data: Some(data),
        buffered_region: None,
    }
}

fn best<T>(reps: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = f(); // warm-up: shader compilation, instance pools
    let mut best = Duration::MAX;
    for _ in 0..reps {
        let t = Instant::now();
        out = f();
        best = best.min(t.elapsed());
    }
    (best, out)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let small = args.iter().any(|a| a == "--small");
    let rt = Runtime::new(RuntimeConfig::default()).expect("runtime");
    let pipeline = Downsample::builtin(&rt).expect("the downsample component");
    if args.iter().any(|a| a == "--cases") {
        let list: Vec<serde_json::Value> = cases(small)
            .iter()
            .map(|c| {
                let sigma = pipeline.downsample_sigma(&c.shrink).expect("sigma");
                serde_json::json!({"key": c.key(), "size": c.size, "dtype": if c.float { "float32" } else { "uint16" },
                    "shrink": c.shrink, "method": if c.gaussian { "downsample" } else { "bin-shrink" }, "sigma": sigma})
            })
            .collect();
        println!("{}", serde_json::Value::Array(list));
        return;
    }
    let peers: serde_json::Value = args
        .iter()
        .position(|a| a == "--peers")
        .and_then(|i| args.get(i + 1))
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null);
    let cpu = ParallelDownsample::new(pipeline);
    let gpu = match GpuDownsample::new(cpu.clone(), AdapterKind::Any) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("witk-gpu-bench: {e}");
            std::process::exit(1);
        }
    };
    // On a device with f64, the emulated kernels too (what Metal and WebGPU run).
    let emulated = (gpu.gpu().precision() == Precision::Native)
        .then(|| Gpu::new(AdapterKind::Any).ok().map(|g| GpuDownsample::with_gpu(cpu.clone(), g.emulating_f64())))
        .flatten();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("downsample on {} vs the component on {threads} cores and peers in the same run", gpu.gpu().describe());
    if gpu.gpu().describe().contains("Cpu") {
        println!("(a software adapter: the times check that it runs, they are not GPU figures)");
    }
    println!("ratio = peer / witk-wgpu (above 1: the GPU is faster); best of 3 after a warm-up");
    println!(
        "{:<44} {:>10} {:>10} {:>7} {:>10} {:>7} {:>10} {:>7} {:>12}",
        "case", "wgpu", "component", "x", "itk", "x", "cucim", "x", "emulated f64"
    );
    for case in cases(small) {
        let image = volume(&case);
        let run = |on_gpu: bool| {
            let r = match (case.gaussian, on_gpu) {
                (true, true) => gpu.downsample(&image, &case.shrink, None),
                (true, false) => cpu.downsample(&image, &case.shrink, None),
                (false, true) => gpu.downsample_bin_shrink(&image, &case.shrink, false),
                (false, false) => cpu.downsample_bin_shrink(&image, &case.shrink, false),
            };
            r.expect("downsample")
        };
        let (t_gpu, ours) = best(3, || run(true));
        let t_emulated = emulated.as_ref().map(|e| {
            let (t, r) = best(1, || {
                if case.gaussian {
                    e.downsample(&image, &case.shrink, None)
                } else {
                    e.downsample_bin_shrink(&image, &case.shrink, false)
                }
                .expect("downsample")
            });
            assert!(r == ours, "{}: emulated f64 differs from the device's f64", case.key());
            format!("{:.1} ms", t.as_secs_f64() * 1e3)
        });
        let (t_cpu, theirs) = best(if small { 3 } else { 2 }, || run(false));
        assert!(ours == theirs, "{}: the GPU's result differs from the component's", case.key());
        let peer = |name: &str| peers.get(case.key()).and_then(|p| p.get(name)).and_then(|v| v.as_f64());
        let cell = |t: Option<f64>| match t {
            Some(t) => (format!("{:.1} ms", t * 1e3), format!("{:.2}", t / t_gpu.as_secs_f64())),
            None => ("-".to_string(), "-".to_string()),
        };
        let (itk, itk_x) = cell(peer("itk"));
        let (cucim, cucim_x) = cell(peer("cucim"));
        println!(
            "{:<44} {:>10} {:>10} {:>7.2} {:>10} {:>7} {:>10} {:>7} {:>12}",
            case.key(),
            format!("{:.1} ms", t_gpu.as_secs_f64() * 1e3),
            format!("{:.1} ms", t_cpu.as_secs_f64() * 1e3),
            t_cpu.as_secs_f64() / t_gpu.as_secs_f64(),
            itk,
            itk_x,
            cucim,
            cucim_x,
            t_emulated.unwrap_or_else(|| "-".into())
        );
    }
    if let Some(note) = peers.get("note").and_then(|n| n.as_str()) {
        println!("peers: {note}");
    }
    println!("every GPU result equals the component's, byte for byte");
}
