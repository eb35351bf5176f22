//! The comparison on small meshes, with ITK-Wasm 0.6's numbers where it has them.

use crate::compare::{compare, Tolerances};
use witk_mesh::{Data, Mesh, Pixel, Pixels};

const T: Tolerances = Tolerances {
    points_threshold: 1e-8,
    points_tolerance: 0,
    point_data_threshold: 1e-8,
    point_data_tolerance: 0,
    cell_data_threshold: 1e-8,
    cell_data_tolerance: 0,
};

fn tetra() -> Mesh {
    let points = vec![0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let cells = vec![2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 0, 2, 3, 2, 3, 1, 2, 3];
    let mut m = Mesh::new(3, Pixels::F32(points), cells, 4);
    m.point_data = Data::new(Pixel::Scalar, 1, 4, Pixels::F32(vec![0.0, 1.0, 2.0, 3.0]));
    m
}

#[test]
fn identical_meshes_are_almost_equal() {
    let c = compare(&tetra(), &[tetra()], &T).unwrap();
    assert!(c.metrics.almost_equal);
    assert_eq!(c.metrics.points.maximum_difference, 0.0);
    assert_eq!(c.points_difference.point_data.values, Some(Pixels::F64(vec![0.0; 4])));
}

#[test]
fn itk_wasm_numbers_for_a_moved_point_and_changed_data() {
    // ITK-Wasm 0.6: point 1 moved by 0.5 in x, point data 1 changed by 2.
    let mut b = tetra();
    if let Some(Pixels::F32(p)) = &mut b.points {
        p[3] += 0.5;
    }
    b.point_data = Data::new(Pixel::Scalar, 1, 4, Pixels::F32(vec![0.0, 3.0, 2.0, 3.0]));
    let c = compare(&tetra(), &[b], &T).unwrap();
    let m = &c.metrics;
    assert!(!m.almost_equal);
    assert!(m.points.same_number);
    assert_eq!((m.points.number_with_differences, m.points.minimum_difference), (1, 0.0));
    assert_eq!((m.points.maximum_difference, m.points.mean_difference), (0.25, 0.0625));
    assert!(m.cells.same_types && m.cells.same_points);
    assert_eq!((m.point_data.number_with_differences, m.point_data.maximum_difference), (1, 2.0));
    assert_eq!(c.points_difference.point_data.values, Some(Pixels::F64(vec![0.0, 0.25, 0.0, 0.0])));
    assert_eq!(c.point_data_difference.point_data.values, Some(Pixels::F64(vec![0.0, 2.0, 0.0, 0.0])));
    // Within tolerance: one point and one datum may differ.
    let loose = Tolerances { points_tolerance: 1, point_data_tolerance: 1, ..T };
    let mut b2 = tetra();
    if let Some(Pixels::F32(p)) = &mut b2.points {
        p[3] += 0.5;
    }
    assert!(compare(&tetra(), &[b2], &loose).unwrap().metrics.almost_equal);
}

#[test]
fn the_closest_baseline_is_reported_and_cells_are_compared() {
    let mut far = tetra();
    far.cells = Some(Pixels::U32(vec![4, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 0, 2, 3, 2, 3, 3, 2, 1]));
    let c = compare(&tetra(), &[far.clone(), tetra()], &T).unwrap();
    assert_eq!(c.metrics.best_baseline_index, 1);
    assert!(c.metrics.almost_equal);
    let c = compare(&tetra(), &[far], &T).unwrap();
    assert_eq!((c.metrics.cells.number_of_different_types, c.metrics.cells.number_of_different_points), (1, 1));
    assert!(!c.metrics.almost_equal);
    // Different point counts: compared as far as they match, never almost equal.
    let mut small = tetra();
    small.number_of_points = 3;
    small.points = Some(Pixels::F32(vec![0.0; 9]));
    small.point_data = Data::none();
    small.cells = Some(Pixels::U32(vec![2, 3, 0, 1, 2]));
    small.cell_buffer_size = 5;
    small.number_of_cells = 1;
    let c = compare(&tetra(), &[small], &T).unwrap();
    assert!(!c.metrics.points.same_number && !c.metrics.almost_equal);
    assert!(compare(&tetra(), &[], &T).is_err());
}
