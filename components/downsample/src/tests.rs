//! Known answers (some recorded from ITK-Wasm's `itkwasm-downsample` 2.0.2), regions that
//! stitch to the whole, and bad inputs. Fidelity on random images is tested in Python.

use crate::kernel::{downsample_sigma, gaussian_kernel};
use crate::{downsample, gaussian_kernel_radius, region_input, Code, Grid, Input, Method, Output, Pixels, Region};

fn grid(size: &[u64]) -> Grid {
    let d = size.len();
    let mut direction = vec![0.0; d * d];
    for i in 0..d {
        direction[i * d + i] = 1.0;
    }
    Grid { size: size.to_vec(), spacing: vec![1.0; d], origin: vec![0.0; d], direction }
}

fn run(method: Method, g: &Grid, pixels: &Pixels, shrink: &[u32], crop: Option<&[u32]>) -> Output {
    run_c(method, g, 1, pixels, shrink, crop)
}

fn run_c(method: Method, g: &Grid, c: usize, pixels: &Pixels, shrink: &[u32], crop: Option<&[u32]>) -> Output {
    let input = Input { grid: g, components: c, buffered: None, pixels: Some(pixels) };
    downsample(method, input, shrink, crop, None, false).unwrap()
}

fn f64s(p: &Option<Pixels>) -> Vec<f64> {
    match p.as_ref().unwrap() {
        Pixels::F64(v) => v.clone(),
        Pixels::F32(v) => v.iter().map(|&x| x as f64).collect(),
        Pixels::U8(v) => v.iter().map(|&x| x as f64).collect(),
        Pixels::I16(v) => v.iter().map(|&x| x as f64).collect(),
        Pixels::U16(v) => v.iter().map(|&x| x as f64).collect(),
        other => panic!("unexpected {}", other.ctype().name()),
    }
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol * y.abs().max(1.0), "{a:?}\n vs {b:?}");
    }
}

#[test]
fn sigma_and_radius_match_itk_wasm() {
    let sigma: Vec<f64> = [1, 2, 3, 4].iter().map(|&k| downsample_sigma(k)).collect();
    assert_eq!(sigma, [0.0, 0.735534255037358, 1.2011224087864498, 1.6447045940431997]);
    assert_eq!(gaussian_kernel_radius(&[64, 64, 5], &[0.5, 1.0, 3.0], 32, 0.01).unwrap(), [2, 3, 5]);
    assert_eq!(gaussian_kernel_radius(&[64, 64, 64], &[0.7355, 2.0, 10.0], 32, 0.01).unwrap(), [2, 5, 26]);
    let radii: Vec<usize> =
        [2, 3, 4, 8].iter().map(|&k| gaussian_kernel(downsample_sigma(k).powi(2), 0.01, 32).len() / 2).collect();
    assert_eq!(radii, [2, 3, 4, 9]);
}

#[test]
fn kernels_are_normalized_and_symmetric() {
    for k in 1..200 {
        let s = downsample_sigma(k);
        let kernel = gaussian_kernel(s * s, 0.01, 32);
        assert!(kernel.len() % 2 == 1 && kernel.len() <= 65, "factor {k}: {} taps", kernel.len());
        let sum: f64 = kernel.iter().sum();
        assert!((sum - 1.0).abs() < 1e-9 && kernel.iter().all(|c| c.is_finite() && *c >= 0.0), "factor {k}");
        assert!(kernel.iter().zip(kernel.iter().rev()).all(|(a, b)| a == b));
    }
    // A shrink factor of 1 leaves values alone.
    assert_eq!(gaussian_kernel(0.0, 0.01, 32), [0.0, 1.0, 0.0]);
}

/// ITK-Wasm 2.0.2 on a float32 ramp `8 y + x` (8 x 6), spacing (0.5, 2), origin (1, -3).
#[test]
fn ramp_matches_itk_wasm() {
    let mut g = grid(&[8, 6]);
    g.spacing = vec![0.5, 2.0];
    g.origin = vec![1.0, -3.0];
    let ramp = Pixels::F32((0..48).map(|i| i as f32).collect());
    let out = run(Method::Gaussian, &g, &ramp, &[2, 2], None);
    assert_eq!(
        (out.grid.size.clone(), out.grid.origin.clone(), out.grid.spacing.clone()),
        (vec![4, 3], vec![1.25, -2.0], vec![1.0, 4.0])
    );
    #[rustfmt::skip]
    let itk = [5.533842, 7.418971, 9.418971, 11.304099, 20.614872, 22.5, 24.5, 26.385128, 35.6959, 37.581028, 39.581028, 41.466156];
    close(&f64s(&out.pixels), &itk, 1e-6);

    let out = run(Method::BinShrink, &g, &ramp, &[2, 3], None);
    assert_eq!(
        (out.grid.size.clone(), out.grid.origin.clone(), out.grid.spacing.clone()),
        (vec![4, 2], vec![1.25, -1.0], vec![1.0, 6.0])
    );
    assert_eq!(f64s(&out.pixels), [8.5, 10.5, 12.5, 14.5, 32.5, 34.5, 36.5, 38.5]);
}

/// ITK-Wasm 2.0.2's answer on two labelled rectangles.
#[test]
fn labels_match_itk_wasm() {
    let mut lab = vec![0u8; 64];
    for y in 0..8 {
        for x in 0..8 {
            if (2..6).contains(&y) && (1..4).contains(&x) {
                lab[y * 8 + x] = 3;
            }
            if y >= 4 && x >= 4 {
                lab[y * 8 + x] = 7;
            }
        }
    }
    let out = run(Method::Label, &grid(&[8, 8]), &Pixels::U8(lab), &[2, 2], None);
    assert_eq!(out.pixels, Some(Pixels::U8(vec![0, 0, 0, 0, 0, 3, 0, 0, 0, 3, 7, 7, 0, 0, 7, 7])));
    // Odd factors sample pixels exactly: isolated labels survive.
    let mut lab = vec![0u8; 81];
    lab[4 * 9 + 4] = 5;
    lab[9 + 1] = 9;
    lab[9 + 4] = 3;
    for y in 0..3 {
        lab[y * 9 + 7] = 2;
    }
    let out = run(Method::Label, &grid(&[9, 9]), &Pixels::U8(lab), &[3, 3], None);
    assert_eq!(out.pixels, Some(Pixels::U8(vec![9, 3, 2, 0, 5, 0, 0, 0, 0])));
}

#[test]
fn constant_images_stay_constant() {
    let g = grid(&[9, 7, 6]);
    for method in [Method::Gaussian, Method::BinShrink, Method::Label] {
        let out = run(method, &g, &Pixels::U8(vec![100; 9 * 7 * 6]), &[2, 3, 1], None);
        let Some(Pixels::U8(v)) = out.pixels else { panic!() };
        assert!(v.iter().all(|&x| x == 100), "{method:?}: {v:?}");
        let out = run(method, &g, &Pixels::F64(vec![-2.5; 9 * 7 * 6]), &[4, 2, 2], Some(&[1, 0, 1]));
        assert!(f64s(&out.pixels).iter().all(|&x| (x + 2.5).abs() < 1e-12), "{method:?}");
    }
}

/// Away from the edges a symmetric kernel keeps a linear ramp, so the output is the ramp
/// at the block centres.
#[test]
fn ramps_sample_block_centres() {
    let (nx, ny) = (40u64, 30u64);
    let ramp: Vec<f64> = (0..ny).flat_map(|y| (0..nx).map(move |x| 3.0 * x as f64 - 2.0 * y as f64)).collect();
    let out = run(Method::Gaussian, &grid(&[nx, ny]), &Pixels::F64(ramp), &[4, 2], None);
    let v = f64s(&out.pixels);
    let (ox, oy) = (out.grid.size[0] as usize, out.grid.size[1] as usize);
    assert_eq!((ox, oy), (10, 15));
    for y in 2..oy - 2 {
        for x in 2..ox - 2 {
            let want = 3.0 * (4 * x) as f64 + 4.5 - 2.0 * ((2 * y) as f64 + 0.5);
            assert!((v[y * ox + x] - want).abs() < 1e-9, "({x}, {y}): {} vs {want}", v[y * ox + x]);
        }
    }
}

#[test]
fn checkerboards() {
    // 2 x 2 checks of 0 and 10: bin shrink by 2 averages to 5 (rounded half up from 5.0);
    // label voting ties and picks the smaller label.
    let (n, check) = (8usize, 1usize);
    let board: Vec<u8> =
        (0..n * n).map(|i| if ((i % n) / check + (i / n) / check) % 2 == 0 { 0 } else { 10 }).collect();
    let g = grid(&[n as u64, n as u64]);
    let out = run(Method::BinShrink, &g, &Pixels::U8(board.clone()), &[2, 2], None);
    assert_eq!(out.pixels, Some(Pixels::U8(vec![5; 16])));
    let out = run(Method::Label, &g, &Pixels::U8(board.clone()), &[2, 2], None);
    assert_eq!(out.pixels, Some(Pixels::U8(vec![0; 16])));
    let out = run(Method::BinShrink, &g, &Pixels::U8(board), &[2, 1], None);
    assert_eq!(out.pixels, Some(Pixels::U8(vec![5; 32])));
    // Rounding: means of 0.5 round up for scalar images, truncate for vector images (as ITK-Wasm).
    let half = Pixels::U8(vec![0, 1, 0, 1]);
    let out = run(Method::BinShrink, &grid(&[2, 2]), &half, &[2, 2], None);
    assert_eq!(out.pixels, Some(Pixels::U8(vec![1])));
    let out = run_c(Method::BinShrink, &grid(&[2, 1]), 2, &Pixels::U8(vec![0, 0, 1, 1]), &[2, 1], None);
    assert_eq!(out.pixels, Some(Pixels::U8(vec![0, 0])));
}

#[test]
fn integer_passes_truncate_like_itk_wasm() {
    // A one-pixel impulse: every pass truncates, so small tails vanish.
    let mut v = vec![0u16; 25];
    v[12] = 1000;
    let out = run(Method::Gaussian, &grid(&[5, 5]), &Pixels::U16(v.clone()), &[2, 2], None);
    let float =
        run(Method::Gaussian, &grid(&[5, 5]), &Pixels::F64(v.iter().map(|&x| x as f64).collect()), &[2, 2], None);
    let (ints, floats) = (f64s(&out.pixels), f64s(&float.pixels));
    for (i, f) in ints.iter().zip(&floats) {
        assert!(*i <= f.floor() && *i >= f.floor() - 3.0, "{ints:?} vs {floats:?}");
    }
}

#[test]
fn components_are_independent() {
    let g = grid(&[7, 6, 5]);
    let n = 7 * 6 * 5;
    let a: Vec<f32> = (0..n).map(|i| ((i * 37) % 101) as f32).collect();
    let b: Vec<f32> = (0..n).map(|i| ((i * 53) % 97) as f32 - 40.0).collect();
    let both = Pixels::F32(a.iter().zip(&b).flat_map(|(x, y)| [*x, *y]).collect());
    for method in [Method::Gaussian, Method::BinShrink] {
        let joint = f64s(&run_c(method, &g, 2, &both, &[2, 2, 3], None).pixels);
        let pa = f64s(&run(method, &g, &Pixels::F32(a.clone()), &[2, 2, 3], None).pixels);
        let pb = f64s(&run(method, &g, &Pixels::F32(b.clone()), &[2, 2, 3], None).pixels);
        let split: Vec<f64> = pa.iter().zip(&pb).flat_map(|(x, y)| [*x, *y]).collect();
        assert_eq!(joint, split, "{method:?}");
    }
}

#[test]
fn geometry_follows_direction_and_crop() {
    let mut g = grid(&[12, 10]);
    g.spacing = vec![0.5, 2.0];
    g.origin = vec![1.0, 2.0];
    g.direction = vec![0.0, -1.0, 1.0, 0.0];
    let out = run(Method::Gaussian, &g, &Pixels::F32(vec![0.0; 120]), &[2, 2], None);
    assert_eq!(out.grid.origin, [0.0, 2.25]);
    assert_eq!(out.grid.direction, g.direction);
    let g = grid(&[12, 10]);
    for (crop, size, origin) in
        [([1, 1], [5, 4], [1.5, 1.5]), ([2, 0], [4, 5], [2.5, 0.5]), ([0, 3], [6, 2], [0.5, 3.5])]
    {
        for method in [Method::Gaussian, Method::Label] {
            let out = run(method, &g, &Pixels::U8(vec![1; 120]), &[2, 2], Some(&crop));
            assert_eq!((out.grid.size.as_slice(), out.grid.origin.as_slice()), (&size[..], &origin[..]));
        }
    }
    // Sizes round down; bin shrink drops partial blocks.
    for (n, s, want) in [(7, 2, 3), (9, 3, 3), (11, 3, 3), (8, 3, 2)] {
        for method in [Method::Gaussian, Method::BinShrink, Method::Label] {
            let out = run(method, &grid(&[n, 4]), &Pixels::U8(vec![0; n as usize * 4]), &[s, 1], None);
            assert_eq!(out.grid.size, [want, 4]);
            assert_eq!(out.grid.origin, [(s as f64 - 1.0) / 2.0, 0.0]);
        }
    }
}

/// Slabs along the slowest axis, each computed from its part of the input, stitch to
/// the whole result.
#[test]
fn region_input_is_exactly_what_regions_read() {
    // N-d blocks of the output (each axis cut in two), each computed from only the input
    // region region_input names, equal the whole call's pixels; one plane less is refused.
    let size = [13u64, 10, 17];
    let n: usize = size.iter().product::<u64>() as usize;
    let values: Vec<f32> = (0..n).map(|i| ((i * 7919) % 613) as f32 * 0.5 - 100.0).collect();
    let g = grid(&size);
    let at = |x: u64, y: u64, z: u64| values[((z * size[1] + y) * size[0] + x) as usize];
    for (method, shrink, crop) in [
        (Method::Gaussian, [2u32, 3, 2], None),
        (Method::Gaussian, [4, 1, 3], Some([1u32, 0, 2])),
        (Method::Label, [2, 2, 3], Some([0, 1, 1])),
        (Method::BinShrink, [3, 2, 4], None),
    ] {
        let crop = crop.as_ref().map(|c| &c[..]);
        let whole = run(method, &g, &Pixels::F32(values.clone()), &shrink, crop);
        let Some(Pixels::F32(whole_px)) = &whole.pixels else { panic!() };
        let out = whole.grid.size.clone();
        let cuts: Vec<[(u64, u64); 2]> = out.iter().map(|&m| [(0, m / 2), (m / 2, m)]).collect();
        for corner in 0..8 {
            let pick = |a: usize| cuts[a][(corner >> a) & 1];
            let (ranges, ok): (Vec<(u64, u64)>, bool) =
                ((0..3).map(pick).collect(), (0..3).all(|a| pick(a).1 > pick(a).0));
            if !ok {
                continue;
            }
            let want = Region {
                index: ranges.iter().map(|r| r.0).collect(),
                size: ranges.iter().map(|r| r.1 - r.0).collect(),
            };
            let need = region_input(method, &size, &shrink, &want, crop).unwrap();
            let slice = |r: &Region| {
                let mut v = Vec::new();
                for z in r.index[2]..r.index[2] + r.size[2] {
                    for y in r.index[1]..r.index[1] + r.size[1] {
                        for x in r.index[0]..r.index[0] + r.size[0] {
                            v.push(at(x, y, z));
                        }
                    }
                }
                Pixels::F32(v)
            };
            let part = |r: &Region| {
                let px = slice(r);
                let input = Input { grid: &g, components: 1, buffered: Some(r), pixels: Some(&px) };
                downsample(method, input, &shrink, crop, Some(&want), false)
            };
            let got = part(&need).unwrap();
            let Some(Pixels::F32(p)) = got.pixels else { panic!() };
            let mut expected = Vec::new();
            for z in want.index[2]..want.index[2] + want.size[2] {
                for y in want.index[1]..want.index[1] + want.size[1] {
                    for x in want.index[0]..want.index[0] + want.size[0] {
                        expected.push(whole_px[((z * out[1] + y) * out[0] + x) as usize]);
                    }
                }
            }
            assert_eq!(p, expected, "{method:?} block {want:?} from {need:?}");
            for a in 0..3 {
                if need.index[a] > 0 {
                    let mut less = need.clone();
                    less.index[a] += 1;
                    less.size[a] -= 1;
                    assert_eq!(part(&less).unwrap_err().code, Code::InvalidArgument, "{method:?} axis {a}");
                }
            }
        }
    }
}

#[test]
fn regions_stitch_to_the_whole() {
    let size = [11u64, 9, 23];
    let n: usize = size.iter().product::<u64>() as usize;
    let values: Vec<i16> = (0..n).map(|i| ((i * 7919) % 613) as i16 - 300).collect();
    let g = grid(&size);
    for (method, shrink, crop) in [
        (Method::Gaussian, [2u32, 2, 2], None),
        (Method::Gaussian, [3, 1, 4], Some([1u32, 0, 2])),
        (Method::Label, [2, 2, 3], Some([0, 1, 1])),
        (Method::BinShrink, [2, 3, 2], None),
    ] {
        let whole = run(method, &g, &Pixels::I16(values.clone()), &shrink, crop.as_ref().map(|c| &c[..]));
        let Some(Pixels::I16(whole_px)) = &whole.pixels else { panic!() };
        let nz = whole.grid.size[2];
        let mut stitched = Vec::new();
        for (z0, z1) in [(0, 1), (1, nz / 2), (nz / 2, nz)] {
            let want = Region { index: vec![0, 0, z0], size: vec![whole.grid.size[0], whole.grid.size[1], z1 - z0] };
            // The input planes the slab needs, with the Gaussian's radius (at most 32).
            let (s, c) = (shrink[2] as u64, crop.map_or(0, |c| c[2] as u64));
            let halo = if method == Method::Gaussian { 32 } else { 0 };
            let first = (c + z0 * s).saturating_sub(halo);
            let last = match method {
                Method::BinShrink => z1 * s - 1,
                _ => (c + (z1 - 1) * s + s / 2 + halo).min(size[2] - 1),
            };
            let plane = (size[0] * size[1]) as usize;
            let slab = Pixels::I16(values[first as usize * plane..(last as usize + 1) * plane].to_vec());
            let buffered = Region { index: vec![0, 0, first], size: vec![size[0], size[1], last - first + 1] };
            let input = Input { grid: &g, components: 1, buffered: Some(&buffered), pixels: Some(&slab) };
            let part = downsample(method, input, &shrink, crop.as_ref().map(|c| &c[..]), Some(&want), false).unwrap();
            assert_eq!(part.grid, whole.grid);
            assert_eq!(part.region, want);
            let Some(Pixels::I16(p)) = part.pixels else { panic!() };
            stitched.extend(p);
        }
        assert_eq!(&stitched, whole_px, "{method:?}");
    }
}

#[test]
fn bad_inputs_are_typed_errors() {
    let g = grid(&[4, 4]);
    let px = Pixels::F32(vec![1.0; 16]);
    let call = |g: &Grid, px: &Pixels, shrink: &[u32], crop: Option<&[u32]>| {
        let input = Input { grid: g, components: 1, buffered: None, pixels: Some(px) };
        downsample(Method::Gaussian, input, shrink, crop, None, false).unwrap_err()
    };
    let e = call(&g, &px, &[0, 2], None);
    assert_eq!(e.code, Code::InvalidArgument);
    assert!(e.message.contains("shrink factor 0 along axis 0"), "{}", e.message);
    let e = call(&g, &px, &[2, 2, 2], None);
    assert!(e.code == Code::InvalidArgument && e.message.contains("3 values"), "{}", e.message);
    let e = call(&g, &px, &[8, 2], None);
    assert!(e.code == Code::InvalidArgument && e.message.contains("empty along axis 0"), "{}", e.message);
    let e = call(&g, &px, &[2, 2], Some(&[3, 3]));
    assert!(e.code == Code::InvalidArgument && e.message.contains("crop radius 3"), "{}", e.message);
    let e = call(&g, &px, &[2, 2], Some(&[1]));
    assert!(e.code == Code::InvalidArgument && e.message.contains("crop-radius"), "{}", e.message);
    let e = call(&grid(&[0, 4]), &Pixels::F32(vec![]), &[2, 2], None);
    assert!(e.code == Code::InvalidArgument && e.message.contains("empty"), "{}", e.message);
    let e = call(&g, &Pixels::F32(vec![1.0; 15]), &[2, 2], None);
    assert_eq!(e.code, Code::InvalidArgument);
    let input = Input { grid: &g, components: 2, buffered: None, pixels: Some(&Pixels::U8(vec![0; 32])) };
    let e = downsample(Method::Label, input, &[2, 2], None, None, false).unwrap_err();
    assert_eq!(e.code, Code::Unsupported);
    let input = Input { grid: &g, components: 1, buffered: None, pixels: None };
    let e = downsample(Method::BinShrink, input, &[2, 2], None, None, false).unwrap_err();
    assert_eq!(e.code, Code::InvalidArgument);
    // Information only needs no pixels.
    let out = downsample(Method::BinShrink, input, &[2, 2], None, None, true).unwrap();
    assert_eq!((out.grid.size, out.pixels), (vec![2, 2], None));
    // Regions outside the output, or not covered by the buffered input.
    let input = Input { grid: &g, components: 1, buffered: None, pixels: Some(&px) };
    let r = Region { index: vec![1, 0], size: vec![2, 2] };
    let e = downsample(Method::Gaussian, input, &[2, 2], None, Some(&r), false).unwrap_err();
    assert!(e.message.contains("not inside the output"), "{}", e.message);
    let buffered = Region { index: vec![0, 2], size: vec![4, 2] };
    let slab = Pixels::F32(vec![0.0; 8]);
    let input = Input { grid: &g, components: 1, buffered: Some(&buffered), pixels: Some(&slab) };
    let e = downsample(Method::Gaussian, input, &[2, 2], None, None, false).unwrap_err();
    assert!(e.message.contains("buffered region holds 2..=3"), "{}", e.message);
    assert_eq!(crate::downsample_sigma(&[]).unwrap_err().code, Code::InvalidArgument);
    assert_eq!(crate::downsample_sigma(&[2, 0]).unwrap_err().code, Code::InvalidArgument);
    assert!(gaussian_kernel_radius(&[4], &[1.0, 2.0], 32, 0.01).unwrap_err().message.contains("same length"));
    assert!(gaussian_kernel_radius(&[4], &[1.0], 32, 1.0).unwrap_err().message.contains("max-kernel-error"));
}

#[test]
fn every_component_type_and_dimension() {
    for d in 1..=5usize {
        let size: Vec<u64> = (0..d as u64).map(|i| 5 + i).collect();
        let n = size.iter().product::<u64>() as usize;
        let g = grid(&size);
        let shrink = vec![2u32; d];
        let all = [
            Pixels::I8(vec![-7; n]),
            Pixels::U8(vec![7; n]),
            Pixels::I16(vec![-7; n]),
            Pixels::U16(vec![7; n]),
            Pixels::I32(vec![-7; n]),
            Pixels::U32(vec![7; n]),
            Pixels::I64(vec![-7; n]),
            Pixels::U64(vec![7; n]),
            Pixels::F32(vec![7.0; n]),
            Pixels::F64(vec![7.0; n]),
        ];
        for px in &all {
            for method in [Method::Gaussian, Method::BinShrink, Method::Label] {
                let out = run(method, &g, px, &shrink, None);
                let expect = size.iter().map(|s| s / 2).product::<u64>() as usize;
                assert_eq!(out.pixels.as_ref().unwrap().count(), expect, "{d}-D {}", px.ctype().name());
                assert_eq!(out.pixels.as_ref().unwrap().ctype(), px.ctype());
            }
        }
    }
}
