//! The GPU against the component's own filters (linked natively), value for value.
//!
//! Every test runs on the device's f64 and on the emulation. They need an adapter; the
//! test command installs Mesa's lavapipe and sets `WITK_WGPU_REQUIRE=1`, so there a
//! missing adapter fails them. Elsewhere they skip with a message.

use super::*;
use std::sync::OnceLock;
use witk_downsample_component::{Input, Pixels};

/// The device with its own f64 (where it has it) and the same device emulating f64: every
/// test runs on both.
fn gpus() -> &'static [Gpu] {
    static GPUS: OnceLock<Vec<Gpu>> = OnceLock::new();
    GPUS.get_or_init(|| match Gpu::new(AdapterKind::Any) {
        Ok(g) => {
            let mut v = vec![Gpu::new(AdapterKind::Any).unwrap().emulating_f64()];
            if g.precision() == shaders::Precision::Native {
                v.push(g);
            }
            v
        }
        Err(e) if std::env::var("WITK_WGPU_REQUIRE").as_deref() == Ok("1") => panic!("{e}"),
        Err(e) => {
            eprintln!("skipping the GPU tests: {e}");
            Vec::new()
        }
    })
}

/// Another device like `gpu` (same adapter and precision).
fn like(gpu: &Gpu) -> Gpu {
    let g = Gpu::new(AdapterKind::Any).unwrap();
    if gpu.precision() == shaders::Precision::Emulated {
        g.emulating_f64()
    } else {
        g
    }
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// Pixels of `ctype`: random bits for integers, random values in +-1000 for floats.
fn pixels(ctype: Ctype, values: usize, seed: u64) -> Vec<u8> {
    let raw = noise(values * ctype.size(), seed);
    match ctype {
        Ctype::F32 => raw
            .chunks_exact(4)
            .flat_map(|b| {
                ((u32::from_le_bytes(b.try_into().unwrap()) as f64 / u32::MAX as f64 - 0.5) as f32 * 2000.0)
                    .to_le_bytes()
            })
            .collect(),
        Ctype::F64 => raw
            .chunks_exact(8)
            .flat_map(|b| {
                ((u64::from_le_bytes(b.try_into().unwrap()) as f64 / u64::MAX as f64 - 0.5) * 2000.0).to_le_bytes()
            })
            .collect(),
        _ => raw,
    }
}

fn grid(size: &[u64]) -> Grid {
    let d = size.len();
    Grid {
        size: size.to_vec(),
        spacing: (0..d).map(|a| 0.5 + a as f64).collect(),
        origin: (0..d).map(|a| 10.0 - a as f64).collect(),
        direction: (0..d * d).map(|i| if i % (d + 1) == 0 { 1.0 } else { 0.0 }).collect(),
    }
}

fn component(method: Method, input: ImageRef<'_>, shrink: &[u32], crop: Option<&[u32]>) -> Downsampled {
    let pixels = Pixels::from_le_bytes(input.ctype, input.bytes).unwrap();
    let source = Input { grid: input.grid, components: input.components, buffered: None, pixels: Some(&pixels) };
    let out = witk_downsample_component::downsample(method, source, shrink, crop, None, false).unwrap();
    Downsampled { grid: out.grid, bytes: out.pixels.unwrap().to_vec() }
}

fn check(gpu: &Gpu, method: Method, input: ImageRef<'_>, shrink: &[u32], crop: Option<&[u32]>) {
    let want = component(method, input, shrink, crop);
    let got = gpu.downsample(method, input, shrink, crop).unwrap();
    assert_eq!(got.grid, want.grid, "{method:?} {:?} {shrink:?} {crop:?}: grid", input.ctype);
    assert!(
        got.bytes == want.bytes,
        "{method:?} {:?} x{} {:?} shrink {shrink:?} crop {crop:?}: {} of {} bytes differ",
        input.ctype,
        input.components,
        input.grid.size,
        got.bytes.iter().zip(&want.bytes).filter(|(a, b)| a != b).count(),
        want.bytes.len()
    );
}

/// (size, shrink factors, crop radius).
type Case = (&'static [u64], &'static [u32], Option<&'static [u32]>);

const CASES: &[Case] = &[
    (&[37, 29, 11], &[2, 3, 2], None),
    (&[40, 33, 17], &[4, 4, 2], Some(&[1, 2, 0])),
    (&[64, 48], &[3, 5], None),
    (&[31, 20, 9], &[1, 2, 1], None),
    (&[101], &[6], None),
];

#[test]
fn every_type_dimension_and_method_matches_the_component() {
    for gpu in gpus() {
        for (i, &ctype) in Ctype::ALL.iter().enumerate() {
            for (j, &(size, shrink, crop)) in CASES.iter().enumerate() {
                for components in [1, 3] {
                    let g = grid(size);
                    let values = size.iter().product::<u64>() as usize * components;
                    let bytes = pixels(ctype, values, (i * 31 + j * 7 + components) as u64);
                    let input = ImageRef { grid: &g, ctype, components, bytes: &bytes };
                    check(gpu, Method::Gaussian, input, shrink, crop);
                    check(gpu, Method::BinShrink, input, shrink, None);
                    if components == 1 {
                        check(gpu, Method::Label, input, shrink, crop);
                    }
                }
            }
        }
    }
}

#[test]
fn flat_regions_drift_as_itk_casts_make_them() {
    // ITK's truncating casts after each pass turn a flat 7 shrunk by 8 into 4; the GPU
    // must drift the same way, not compute the "better" 7.
    for gpu in gpus() {
        for (ctype, v) in [(Ctype::U16, 7u16.to_le_bytes().to_vec()), (Ctype::I16, (-1024i16).to_le_bytes().to_vec())] {
            for s in [2, 3, 4, 6, 8] {
                let g = grid(&[48, 40, 24]);
                let bytes: Vec<u8> = v.iter().copied().cycle().take(48 * 40 * 24 * 2).collect();
                check(
                    gpu,
                    Method::Gaussian,
                    ImageRef { grid: &g, ctype, components: 1, bytes: &bytes },
                    &[s, s, s],
                    None,
                );
            }
        }
    }
}

#[test]
fn labels_ties_take_the_smallest_label() {
    for gpu in gpus() {
        let g = grid(&[8, 8]);
        // Few labels, so that 2x2 neighbourhoods tie often.
        let bytes: Vec<u8> = noise(64, 3).iter().map(|b| b % 3).collect();
        check(gpu, Method::Label, ImageRef { grid: &g, ctype: Ctype::U8, components: 1, bytes: &bytes }, &[2, 2], None);
        let labels: Vec<u8> = noise(48 * 40 * 30, 5).iter().map(|b| b % 4).collect();
        let g = grid(&[48, 40, 30]);
        check(
            gpu,
            Method::Label,
            ImageRef { grid: &g, ctype: Ctype::U8, components: 1, bytes: &labels },
            &[4, 2, 2],
            None,
        );
    }
}

#[test]
fn slabs_with_halos_stitch_to_the_whole() {
    for gpu in gpus() {
        // A device that binds only 256 KiB: every call splits into many slabs.
        let small = like(gpu).with_max_binding_bytes(256 << 10);
        assert_eq!(small.max_binding_bytes(), 256 << 10);
        let g = grid(&[45, 38, 40]);
        for ctype in [Ctype::U8, Ctype::F32, Ctype::I64] {
            let bytes = pixels(ctype, 45 * 38 * 40, 11);
            let input = ImageRef { grid: &g, ctype, components: 1, bytes: &bytes };
            for method in [Method::Gaussian, Method::BinShrink, Method::Label] {
                let whole = gpu.downsample(method, input, &[3, 2, 4], None).unwrap();
                assert_eq!(small.downsample(method, input, &[3, 2, 4], None).unwrap(), whole, "{method:?} {ctype:?}");
                check(&small, method, input, &[3, 2, 4], None);
            }
        }
        // One output plane that needs more than a binding is refused, not computed wrongly.
        let tiny = like(gpu).with_max_binding_bytes(64);
        let bytes = pixels(Ctype::U8, 45 * 38 * 40, 1);
        let e = tiny.downsample(
            Method::Gaussian,
            ImageRef { grid: &g, ctype: Ctype::U8, components: 1, bytes: &bytes },
            &[2, 2, 2],
            None,
        );
        assert!(matches!(e, Err(GpuError::Unsupported(_))), "{e:?}");
    }
}

#[test]
fn invalid_calls_are_invalid_and_unsupported_ones_unsupported() {
    for gpu in gpus() {
        let g = grid(&[8, 8]);
        let bytes = vec![0u8; 64];
        let input = ImageRef { grid: &g, ctype: Ctype::U8, components: 1, bytes: &bytes };
        let e = gpu.downsample(Method::Gaussian, input, &[2], None);
        assert!(matches!(&e, Err(GpuError::Invalid(f)) if f.message.contains("shrink-factors")), "{e:?}");
        let e = gpu.downsample(Method::BinShrink, ImageRef { bytes: &bytes[..63], ..input }, &[2, 2], None);
        assert!(matches!(e, Err(GpuError::Invalid(_))), "{e:?}");
        let e = gpu.downsample(Method::Label, ImageRef { components: 2, bytes: &[0; 128], ..input }, &[2, 2], None);
        assert!(matches!(e, Err(GpuError::Invalid(_))), "{e:?}");
        let g4 = grid(&[4, 4, 4, 4]);
        let e =
            gpu.downsample(Method::BinShrink, ImageRef { grid: &g4, bytes: &[0; 256], ..input }, &[2, 2, 2, 2], None);
        assert!(matches!(e, Err(GpuError::Unsupported(_))), "{e:?}");
    }
}

#[test]
fn both_precisions_run_here() {
    let gpus = gpus();
    if gpus.is_empty() {
        return;
    }
    assert_eq!(gpus[0].precision(), shaders::Precision::Emulated);
    assert!(gpus[0].describe().contains("emulated f64"), "{}", gpus[0].describe());
    // lavapipe has f64 shaders, so the native kernels are tested too, unless the device's
    // self-check refused them (they differ from the emulation on this CPU).
    if std::env::var("WITK_WGPU_REQUIRE").as_deref() == Ok("1") {
        let refused = Gpu::new(AdapterKind::Any).unwrap().f64_refused();
        assert_eq!(gpus.len(), if refused { 1 } else { 2 }, "{}", gpus[0].describe());
    }
}

/// Values that exercise every path of the emulation: zeros of both signs, subnormals,
/// the extremes of the normal range, infinities, integers near 2^53 and 2^64, halves
/// (ties), and random bit patterns.
fn special_and_random_f64(n: usize) -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1.5,
        2.5,
        -2.5,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::MIN_POSITIVE / 3.0,
        5e-324,
        -5e-324,
        f64::MAX,
        -f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        9007199254740993.0,
        18446744073709551615.0,
        3.4028234663852886e38,
        3.4028235677973366e38,
        1.401298464324817e-45,
        7.006492321624085e-46,
        1.1754942106924411e-38,
        65535.99999999999,
        -1024.0000000000002,
        0.1,
        1.0 / 3.0,
    ];
    let bits = noise(n * 8, 99);
    for (i, b) in bits.chunks_exact(8).enumerate() {
        let x = f64::from_bits(u64::from_le_bytes(b.try_into().unwrap()));
        // Random bit patterns are mostly huge or tiny: mix in ordinary magnitudes.
        let y = match i % 4 {
            0 => x,
            1 => (x.to_bits() % 1_000_000) as f64 / 7.0 - 70_000.0,
            2 => f64::from_bits((x.to_bits() & 0x800f_ffff_ffff_ffff) | (((i as u64 * 37) % 120 + 960) << 52)),
            _ => f64::from_bits(x.to_bits() & 0x800f_ffff_ffff_ffff),
        };
        if !y.is_nan() {
            v.push(y);
        }
    }
    v
}

#[test]
fn emulated_f64_is_ieee_binary64_bit_for_bit() {
    let Some(gpu) = gpus().first() else { return };
    let a = special_and_random_f64(4000);
    let b: Vec<f64> = a.iter().rev().copied().collect();
    // Per pair: add, sub, mul, trunc, floor, f32 rounding; the order tests as u32 flags.
    let kernel = r#"
@group(0) @binding(0) var<storage, read> xs: array<R>;
@group(0) @binding(1) var<storage, read> ys: array<R>;
@group(0) @binding(2) var<storage, read_write> out: array<R>;
@group(0) @binding(3) var<storage, read_write> flags: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&xs)) { return; }
    let x = xs[i];
    let y = ys[i];
    out[6u * i] = r_add(x, y);
    out[6u * i + 1u] = r_sub(x, y);
    out[6u * i + 2u] = r_mul(x, y);
    out[6u * i + 3u] = r_trunc(x);
    out[6u * i + 4u] = r_floor(x, R(0u, 0x3ff00000u));
    out[6u * i + 5u] = r_round_f32(x);
    flags[i] = select(0u, 1u, r_lt(x, y)) | select(0u, 2u, r_eq(x, y));
}
"#;
    let code = format!("{}{kernel}", include_str!("../plan/src/f64_soft.wgsl"));
    let device = &gpu.device;
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: None,
        source: wgpu::ShaderSource::Wgsl(code.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: None,
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    use wgpu::util::DeviceExt;
    let usage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC;
    let init = |data: &[u8]| {
        device.create_buffer_init(&wgpu::util::BufferInitDescriptor { label: None, contents: data, usage })
    };
    let xs = init(bytemuck::cast_slice(&a));
    let ys = init(bytemuck::cast_slice(&b));
    let out = init(&vec![0u8; a.len() * 6 * 8]);
    let flags = init(&vec![0u8; a.len() * 4]);
    let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &[
            wgpu::BindGroupEntry { binding: 0, resource: xs.as_entire_binding() },
            wgpu::BindGroupEntry { binding: 1, resource: ys.as_entire_binding() },
            wgpu::BindGroupEntry { binding: 2, resource: out.as_entire_binding() },
            wgpu::BindGroupEntry { binding: 3, resource: flags.as_entire_binding() },
        ],
    });
    let read = |buffer: &wgpu::Buffer, pass: &dyn Fn(&mut wgpu::CommandEncoder)| -> Vec<u8> {
        let size = buffer.size();
        let staging = device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = device.create_command_encoder(&Default::default());
        pass(&mut encoder);
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, size);
        gpu.queue.submit([encoder.finish()]);
        staging.slice(..).map_async(wgpu::MapMode::Read, |r| r.unwrap());
        device.poll(wgpu::PollType::Wait { submission_index: None, timeout: None }).unwrap();
        let v = staging.slice(..).get_mapped_range().unwrap().to_vec();
        v
    };
    let got = read(&out, &|encoder| {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.dispatch_workgroups((a.len() as u32).div_ceil(64), 1, 1);
    });
    let got: &[f64] = bytemuck::cast_slice(&got);
    let flags = read(&flags, &|_| {});
    let flags: &[u32] = bytemuck::cast_slice(&flags);
    let same = |x: f64, y: f64| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
    let mut bad = Vec::new();
    for (i, (&x, &y)) in a.iter().zip(&b).enumerate() {
        let floor = if x.is_finite() && x.abs() < 4503599627370496.0 { x.floor() } else { x };
        let want = [x + y, x - y, x * y, x.trunc(), floor, x as f32 as f64];
        for (k, (&w, &g)) in want.iter().zip(&got[6 * i..6 * i + 6]).enumerate() {
            if !same(w, g) {
                bad.push(format!("op {k} on {x:e} ({:#x}), {y:e} ({:#x}): {w:e} vs {g:e}", x.to_bits(), y.to_bits()));
            }
        }
        let want_flags = u32::from(x < y) | (u32::from(x == y) << 1);
        if flags[i] != want_flags {
            bad.push(format!("compare {x:e} {y:e}: {} vs {want_flags}", flags[i]));
        }
    }
    assert!(bad.is_empty(), "{} of {} differ, e.g.\n{}", bad.len(), a.len() * 7, bad[..bad.len().min(12)].join("\n"));
}

#[test]
fn a_device_lost_mid_call_is_an_error_not_a_panic() {
    if gpus().is_empty() {
        return;
    }
    let gpu = Gpu::new(AdapterKind::Any).unwrap();
    let g = grid(&[16, 12, 8]);
    let bytes = pixels(Ctype::U16, 16 * 12 * 8, 4);
    let input = ImageRef { grid: &g, ctype: Ctype::U16, components: 1, bytes: &bytes };
    assert!(gpu.downsample(Method::Gaussian, input, &[2, 2, 2], None).is_ok());
    gpu.destroy();
    assert!(matches!(gpu.downsample(Method::Gaussian, input, &[2, 2, 2], None), Err(GpuError::Device(_))));
    // Past the lost flag (a loss the callback has not reported yet): wgpu's own errors,
    // and its panics, are device errors too.
    gpu.lost.store(false, std::sync::atomic::Ordering::SeqCst);
    for method in [Method::Gaussian, Method::BinShrink, Method::Label] {
        let r = gpu.downsample(method, input, &[2, 2, 2], None);
        assert!(matches!(r, Err(GpuError::Device(_) | GpuError::OutOfMemory(_))), "{method:?}: {r:?}");
    }
}
