//! The GPU against the component's own filters (linked natively), value for value.
//!
//! These need an adapter with `f64` shaders; the test command installs Mesa's lavapipe
//! and sets `WITK_WGPU_REQUIRE=1`, so there a missing adapter fails them. Elsewhere they
//! skip with a message.

use super::*;
use std::sync::OnceLock;
use witk_downsample_component::{Input, Pixels};

fn gpu() -> Option<&'static Gpu> {
    static GPU: OnceLock<Option<Gpu>> = OnceLock::new();
    GPU.get_or_init(|| match Gpu::new(AdapterKind::Any) {
        Ok(g) => Some(g),
        Err(e) if std::env::var("WITK_WGPU_REQUIRE").as_deref() == Ok("1") => panic!("{e}"),
        Err(e) => {
            eprintln!("skipping the GPU tests: {e}");
            None
        }
    })
    .as_ref()
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
        direction: witk_spatial::identity(d),
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
    let Some(gpu) = gpu() else { return };
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

#[test]
fn flat_regions_drift_as_itk_casts_make_them() {
    // ITK's truncating casts after each pass turn a flat 7 shrunk by 8 into 4; the GPU
    // must drift the same way, not compute the "better" 7.
    let Some(gpu) = gpu() else { return };
    for (ctype, v) in [(Ctype::U16, 7u16.to_le_bytes().to_vec()), (Ctype::I16, (-1024i16).to_le_bytes().to_vec())] {
        for s in [2, 3, 4, 6, 8] {
            let g = grid(&[48, 40, 24]);
            let bytes: Vec<u8> = v.iter().copied().cycle().take(48 * 40 * 24 * 2).collect();
            check(gpu, Method::Gaussian, ImageRef { grid: &g, ctype, components: 1, bytes: &bytes }, &[s, s, s], None);
        }
    }
}

#[test]
fn labels_ties_take_the_smallest_label() {
    let Some(gpu) = gpu() else { return };
    let g = grid(&[8, 8]);
    // Few labels, so that 2x2 neighbourhoods tie often.
    let bytes: Vec<u8> = noise(64, 3).iter().map(|b| b % 3).collect();
    check(gpu, Method::Label, ImageRef { grid: &g, ctype: Ctype::U8, components: 1, bytes: &bytes }, &[2, 2], None);
    let labels: Vec<u8> = noise(48 * 40 * 30, 5).iter().map(|b| b % 4).collect();
    let g = grid(&[48, 40, 30]);
    check(gpu, Method::Label, ImageRef { grid: &g, ctype: Ctype::U8, components: 1, bytes: &labels }, &[4, 2, 2], None);
}

#[test]
fn slabs_with_halos_stitch_to_the_whole() {
    let Some(gpu) = gpu() else { return };
    // A device that binds only 256 KiB: every call splits into many slabs.
    let small = Gpu::new(AdapterKind::Any).unwrap().with_max_binding_bytes(256 << 10);
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
    let tiny = Gpu::new(AdapterKind::Any).unwrap().with_max_binding_bytes(64);
    let bytes = pixels(Ctype::U8, 45 * 38 * 40, 1);
    let e = tiny.downsample(
        Method::Gaussian,
        ImageRef { grid: &g, ctype: Ctype::U8, components: 1, bytes: &bytes },
        &[2, 2, 2],
        None,
    );
    assert!(matches!(e, Err(GpuError::Unsupported(_))), "{e:?}");
}

#[test]
fn invalid_calls_are_invalid_and_unsupported_ones_unsupported() {
    let Some(gpu) = gpu() else { return };
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
    let e = gpu.downsample(Method::BinShrink, ImageRef { grid: &g4, bytes: &[0; 256], ..input }, &[2, 2, 2, 2], None);
    assert!(matches!(e, Err(GpuError::Unsupported(_))), "{e:?}");
}
