//! The compare-meshes pipeline as a component: the comparison (binding-free, tested
//! natively) in [`compare`], and the WIT glue below.

pub mod compare;

#[cfg(target_arch = "wasm32")]
mod component {
    use super::compare::{self, Tolerances};
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial as wit;
    use witk_mesh::wit::{mesh_to_model, mesh_to_wit};

    wit_bindgen::generate!({
        path: "../../wit/compare-meshes",
        world: "witk:compare-meshes/compare-meshes",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::compare_meshes::api::{CellMetrics, DataMetrics, Guest, Metrics, PointMetrics};

    fn data(d: compare::DataMetrics) -> DataMetrics {
        DataMetrics {
            number_with_differences: d.number_with_differences,
            minimum_difference: d.minimum_difference,
            maximum_difference: d.maximum_difference,
        }
    }

    struct Pipeline;

    impl Guest for Pipeline {
        #[allow(clippy::too_many_arguments)] // ITK-Wasm's parameters, one by one
        fn compare_meshes(
            test_mesh: wit::Mesh,
            baseline_meshes: Vec<wit::Mesh>,
            points_difference_threshold: f64,
            number_of_different_points_tolerance: u64,
            point_data_difference_threshold: f64,
            number_of_point_data_tolerance: u64,
            cell_data_difference_threshold: f64,
            number_of_cell_data_tolerance: u64,
        ) -> Result<(Metrics, wit::Mesh, wit::Mesh, wit::Mesh), Error> {
            let test = mesh_to_model(test_mesh)?;
            let baselines = baseline_meshes.into_iter().map(mesh_to_model).collect::<Result<Vec<_>, _>>()?;
            let t = Tolerances {
                points_threshold: points_difference_threshold,
                points_tolerance: number_of_different_points_tolerance,
                point_data_threshold: point_data_difference_threshold,
                point_data_tolerance: number_of_point_data_tolerance,
                cell_data_threshold: cell_data_difference_threshold,
                cell_data_tolerance: number_of_cell_data_tolerance,
            };
            let c = compare::compare(&test, &baselines, &t)?;
            let m = c.metrics;
            let metrics = Metrics {
                almost_equal: m.almost_equal,
                points: PointMetrics {
                    same_number: m.points.same_number,
                    number_with_differences: m.points.number_with_differences,
                    minimum_difference: m.points.minimum_difference,
                    maximum_difference: m.points.maximum_difference,
                    mean_difference: m.points.mean_difference,
                },
                cells: CellMetrics {
                    same_types: m.cells.same_types,
                    number_of_different_types: m.cells.number_of_different_types,
                    same_points: m.cells.same_points,
                    number_of_different_points: m.cells.number_of_different_points,
                },
                point_data: data(m.point_data),
                cell_data: data(m.cell_data),
                best_baseline_index: m.best_baseline_index,
            };
            Ok((
                metrics,
                mesh_to_wit(c.points_difference),
                mesh_to_wit(c.point_data_difference),
                mesh_to_wit(c.cell_data_difference),
            ))
        }
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
