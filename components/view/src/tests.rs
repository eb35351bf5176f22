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
