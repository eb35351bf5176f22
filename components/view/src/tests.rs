//! The pictures, natively: layout, proportions, windowing, projections, labels, errors.
//! (tests/python/test_view.py checks the same against NumPy through every binding.)

use crate::render::{grey, label_colour, render, Options, Volume, GAP};
use crate::Code;
use witk_guest::Pixels;

/// x + 10 y + 100 z on a 4 x 3 x 2 grid.
fn ramp(spacing: [f64; 3]) -> Volume {
    let v: Vec<u16> =
        (0..2).flat_map(|z| (0..3).flat_map(move |y| (0..4).map(move |x| x + 10 * y + 100 * z))).collect();
    Volume { size: [4, 3, 2], spacing, two_d: false, components: 1, pixels: Pixels::U16(v) }
}

/// The window that maps value v to v itself (0 to 255).
fn identity_window() -> Options {
    Options { window: Some(255.0), level: Some(127.5), ..Options::default() }
}

#[test]
fn three_panels_side_by_side_with_z_up() {
    let p = render(&ramp([1.0; 3]), &identity_window()).unwrap();
    // axial 4x3, coronal 4x2, sagittal 3x2, 8 apart.
    assert_eq!((p.width, p.height), (4 + GAP + 4 + GAP + 3, 3));
    let at = |x: usize, y: usize| p.rgb[(y * p.width + x) * 3];
    // Axial, the middle slice z = 1: x right, y down.
    assert_eq!([at(0, 0), at(3, 0), at(0, 2)], [100, 103, 120]);
    // Coronal, y = 1: x right, z up (row 0 is z = 1).
    let c = 4 + GAP;
    assert_eq!([at(c, 0), at(c + 3, 0), at(c, 1)], [110, 113, 10]);
    // Sagittal, x = 2: y right, z up.
    let s = c + 4 + GAP;
    assert_eq!([at(s, 0), at(s + 2, 0), at(s, 1)], [102, 122, 2]);
    // Rows below a shorter panel, and the gaps, are black; grey is R = G = B.
    assert_eq!(at(c, 2), 0);
    assert_eq!(at(4, 0), 0);
    assert!(p.rgb.chunks(3).all(|px| px[0] == px[1] && px[1] == px[2]));
}

#[test]
fn pixels_are_square_in_physical_units() {
    // z spacing 3: coronal and sagittal panels are 6 rows high, each slice 3 of them.
    let p = render(&ramp([1.0, 1.0, 3.0]), &Options { axis: Some(1), ..identity_window() }).unwrap();
    assert_eq!((p.width, p.height), (4, 6));
    let column: Vec<u8> = (0..6).map(|y| p.rgb[y * p.width * 3]).collect();
    assert_eq!(column, [110, 110, 110, 10, 10, 10]);
    // A huge grid is shown coarser, no side past 4096.
    let big = Volume {
        size: [9000, 2, 1],
        spacing: [1.0; 3],
        two_d: true,
        components: 1,
        pixels: Pixels::U8(vec![1; 18000]),
    };
    let p = render(&big, &Options::default()).unwrap();
    assert!(p.width <= 4096 && p.height >= 1, "{}x{}", p.width, p.height);
}

#[test]
fn slices_projections_and_windows() {
    let o = Options { axis: Some(2), slice: Some(0), ..identity_window() };
    let p = render(&ramp([1.0; 3]), &o).unwrap();
    assert_eq!(p.rgb[0], 0);
    let mip = render(&ramp([1.0; 3]), &Options { axis: Some(0), projection: true, ..identity_window() }).unwrap();
    // Along x, the largest is x = 3: 3 + 10 y + 100 z; z up.
    assert_eq!([mip.rgb[0], mip.rgb[3 * 3]], [103, 3]);
    // The default window: the 0.5th to 99.5th percentile of what is shown.
    let auto = render(&ramp([1.0; 3]), &Options { axis: Some(2), ..Options::default() }).unwrap();
    assert_eq!((auto.rgb[0], auto.rgb[(2 * 4 + 3) * 3]), (0, 255));
    assert_eq!(grey(f64::NAN, 0.0, 1.0), 0);
    assert_eq!([grey(-5.0, 0.0, 10.0), grey(5.0, 0.0, 10.0), grey(50.0, 0.0, 10.0)], [0, 128, 255]);
    // A constant image has an empty window: its value is white, below it black.
    assert_eq!([grey(3.0, 3.0, 3.0), grey(2.0, 3.0, 3.0)], [255, 0]);
}

#[test]
fn labels_get_distinct_colours_and_colour_images_pass_through() {
    let labels =
        Volume { size: [3, 1, 1], spacing: [1.0; 3], two_d: true, components: 1, pixels: Pixels::I32(vec![0, 1, 2]) };
    let p = render(&labels, &Options { labels: true, ..Options::default() }).unwrap();
    assert_eq!(&p.rgb[..3], &[0, 0, 0]);
    assert_eq!(&p.rgb[3..6], &label_colour(1));
    assert_ne!(label_colour(1), label_colour(2));
    let colours: std::collections::HashSet<[u8; 3]> = (1..=64).map(label_colour).collect();
    assert_eq!(colours.len(), 64);
    let rgba = Volume {
        size: [2, 1, 1],
        spacing: [1.0; 3],
        two_d: true,
        components: 4,
        pixels: Pixels::U8(vec![1, 2, 3, 9, 4, 5, 6, 9]),
    };
    assert_eq!(render(&rgba, &Options::default()).unwrap().rgb, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn bad_requests_are_invalid_arguments() {
    let cases = [
        Options { axis: Some(3), ..Options::default() },
        Options { slice: Some(2), axis: Some(2), ..Options::default() },
    ];
    for o in cases {
        assert_eq!(render(&ramp([1.0; 3]), &o).err().map(|f| f.code), Some(Code::InvalidArgument), "{o:?}");
    }
    let flat =
        Volume { size: [2, 2, 1], spacing: [1.0; 3], two_d: true, components: 1, pixels: Pixels::U8(vec![0; 4]) };
    assert!(render(&flat, &Options { axis: Some(0), ..Options::default() }).is_err());
    assert!(render(&ramp([0.0, 1.0, 1.0]), &Options::default()).is_err());
    let rgb = Volume { size: [1, 1, 1], spacing: [1.0; 3], two_d: true, components: 3, pixels: Pixels::U8(vec![0; 3]) };
    assert!(render(&rgb, &Options { labels: true, ..Options::default() }).is_err());
}

// -- meshes ------------------------------------------------------------------------------

use crate::mesh::{render as render_mesh, Camera, BACKGROUND};
use witk_mesh::{Data, Mesh, Pixel};

/// A UV sphere of radius 1 at the origin, its points' y as point data.
fn sphere() -> Mesh {
    let (rings, segments) = (24usize, 48usize);
    let mut p = Vec::new();
    for i in 0..=rings {
        let t = std::f64::consts::PI * i as f64 / rings as f64;
        for j in 0..segments {
            let f = 2.0 * std::f64::consts::PI * j as f64 / segments as f64;
            p.extend([t.sin() * f.cos(), t.cos(), t.sin() * f.sin()].map(|x| x as f32));
        }
    }
    let mut cells = Vec::new();
    for i in 0..rings as u32 {
        for j in 0..segments as u32 {
            let (a, b) = (i * segments as u32 + j, i * segments as u32 + (j + 1) % segments as u32);
            cells.extend([2, 3, a, a + segments as u32, b, 2, 3, b, a + segments as u32, b + segments as u32]);
        }
    }
    let n = p.len() / 3;
    let y: Vec<f32> = (0..n).map(|i| p[i * 3 + 1]).collect();
    let count = cells.len() as u64 / 5;
    let mut m = Mesh::new(3, Pixels::F32(p), cells, count);
    m.point_data = Data::new(Pixel::Scalar, 1, n as u64, Pixels::F32(y));
    m
}

#[test]
fn a_sphere_is_framed_lit_and_coloured_by_its_point_data() {
    let cam = Camera { width: 200, height: 100, yaw: 0.0, pitch: 0.0 };
    let rgb = render_mesh(&sphere(), &cam).unwrap();
    let at = |x: usize, y: usize| [rgb[(y * 200 + x) * 3], rgb[(y * 200 + x) * 3 + 1], rgb[(y * 200 + x) * 3 + 2]];
    assert_eq!(at(0, 0), BACKGROUND);
    assert_eq!(at(199, 99), BACKGROUND);
    // The sphere's outline: 3 x sqrt(3) away at a 45° field of view, asin(1 / 5.196) ->
    // tan 11.1° / tan 22.5° of the half height: 23.7 pixels.
    let inside = (0..100).filter(|&y| at(100, y) != BACKGROUND).count();
    assert!((46..=49).contains(&inside), "{inside} rows");
    // Facing the camera, the centre is lit fully: white (the middle of the data's range).
    let c = at(100, 50);
    assert!(c.iter().all(|&v| v > 235), "{c:?}");
    // y up: the top is red, the bottom blue.
    let (top, bottom) = (at(100, 32), at(100, 68));
    assert!(top[0] > top[2] + 60 && bottom[2] > bottom[0] + 60, "{top:?} {bottom:?}");
    // Pitched 90°, the camera looks down y: the view shows the middle values, white-ish.
    let down = render_mesh(&sphere(), &Camera { pitch: 90.0, ..cam }).unwrap();
    let c = [down[(50 * 200 + 100) * 3], down[(50 * 200 + 100) * 3 + 1], down[(50 * 200 + 100) * 3 + 2]];
    assert!(c[0] > 200 && c[2] < 60, "looking down from +y, the red pole: {c:?}");
}

#[test]
fn meshes_without_polygons_and_bad_sizes_are_invalid_arguments() {
    let mut lines = sphere();
    lines.cells = Some(Pixels::U32(vec![1, 2, 0, 1]));
    (lines.cell_buffer_size, lines.number_of_cells) = (4, 1);
    let cam = Camera { width: 10, height: 10, yaw: 0.0, pitch: 0.0 };
    assert_eq!(render_mesh(&lines, &cam).err().map(|f| f.code), Some(Code::InvalidArgument));
    for (w, h) in [(0, 10), (10, 9000)] {
        assert!(render_mesh(&sphere(), &Camera { width: w, height: h, ..cam }).is_err());
    }
    assert!(render_mesh(&sphere(), &Camera { yaw: f64::NAN, ..cam }).is_err());
}
