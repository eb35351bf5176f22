//! The comparison, binding-free: per-point squared distances, cell by cell types and
//! point ids, per-tuple data differences, and the closest of several baselines.

use witk_mesh::{Data, Failure, Mesh, Pixel, Pixels};

#[derive(Clone, Debug, PartialEq, Default)]
pub struct PointMetrics {
    pub same_number: bool,
    pub number_with_differences: u64,
    pub minimum_difference: f64,
    pub maximum_difference: f64,
    pub mean_difference: f64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct CellMetrics {
    pub same_types: bool,
    pub number_of_different_types: u64,
    pub same_points: bool,
    pub number_of_different_points: u64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct DataMetrics {
    pub number_with_differences: u64,
    pub minimum_difference: f64,
    pub maximum_difference: f64,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Metrics {
    pub almost_equal: bool,
    pub points: PointMetrics,
    pub cells: CellMetrics,
    pub point_data: DataMetrics,
    pub cell_data: DataMetrics,
    pub best_baseline_index: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct Tolerances {
    pub points_threshold: f64,
    pub points_tolerance: u64,
    pub point_data_threshold: f64,
    pub point_data_tolerance: u64,
    pub cell_data_threshold: f64,
    pub cell_data_tolerance: u64,
}

pub struct Comparison {
    pub metrics: Metrics,
    /// The test mesh with, as float64 point or cell data, its differences.
    pub points_difference: Mesh,
    pub point_data_difference: Mesh,
    pub cell_data_difference: Mesh,
}

/// Differences above `threshold`, their count, min and max: NaN differs from any number
/// (infinitely) and equals NaN.
fn summarize(diffs: &[f64], threshold: f64) -> (u64, f64, f64) {
    let n = diffs.iter().filter(|&&d| d > threshold).count() as u64;
    let min = diffs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = diffs.iter().copied().fold(0.0, f64::max);
    (n, if diffs.is_empty() { 0.0 } else { min }, max)
}

fn difference(a: f64, b: f64) -> f64 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0.0,
        (false, false) => a - b,
        _ => f64::INFINITY,
    }
}

/// Per-tuple Euclidean norm of the component differences, over the tuples both have.
fn data_differences(a: &Data, b: &Data) -> Vec<f64> {
    let (va, vb) = (a.f64s(), b.f64s());
    let c = a.components.max(1);
    if a.components != b.components {
        return vec![f64::INFINITY; a.count as usize];
    }
    (0..(a.count.min(b.count)) as usize)
        .map(|i| (0..c).map(|k| difference(va[i * c + k], vb[i * c + k]).powi(2)).sum::<f64>().sqrt())
        .collect()
}

fn with_data(test: &Mesh, on_points: bool, values: Vec<f64>) -> Mesh {
    let mut m = test.clone();
    let d = Data::new(Pixel::Scalar, 1, values.len() as u64, Pixels::F64(values));
    if on_points {
        m.point_data = d;
    } else {
        m.cell_data = d;
    }
    m
}

fn cells(m: &Mesh) -> Result<Vec<(u64, Vec<u64>)>, Failure> {
    let mut out = Vec::with_capacity(m.number_of_cells as usize);
    m.each_cell(|k, ids| {
        out.push((k, ids.to_vec()));
        Ok(())
    })?;
    Ok(out)
}

fn compare_one(test: &Mesh, base: &Mesh, t: &Tolerances) -> Result<(Metrics, [Vec<f64>; 3]), Failure> {
    let (pa, pb) = (test.coordinates(), base.coordinates());
    let d = test.dimension.max(1);
    let same_dim = test.dimension == base.dimension;
    let n = test.number_of_points.min(base.number_of_points) as usize;
    let mut point_diffs: Vec<f64> = (0..n)
        .map(|i| {
            if same_dim {
                (0..d).map(|k| difference(pa[i * d + k], pb[i * d + k]).powi(2)).sum()
            } else {
                f64::INFINITY
            }
        })
        .collect();
    // Points only one mesh has differ without bound.
    point_diffs.resize(test.number_of_points as usize, f64::INFINITY);
    let (count, min, max) = summarize(&point_diffs, t.points_threshold);
    let mean = if point_diffs.is_empty() { 0.0 } else { point_diffs.iter().sum::<f64>() / point_diffs.len() as f64 };
    let points = PointMetrics {
        same_number: test.number_of_points == base.number_of_points && same_dim,
        number_with_differences: count,
        minimum_difference: min,
        maximum_difference: max,
        mean_difference: mean,
    };
    let (ca, cb) = (cells(test)?, cells(base)?);
    let paired = ca.len().min(cb.len());
    let extra = (ca.len().max(cb.len()) - paired) as u64;
    let types = ca.iter().zip(&cb).filter(|(a, b)| a.0 != b.0).count() as u64 + extra;
    let ids = ca.iter().zip(&cb).filter(|(a, b)| a.1 != b.1).count() as u64 + extra;
    let cells = CellMetrics {
        same_types: types == 0,
        number_of_different_types: types,
        same_points: ids == 0,
        number_of_different_points: ids,
    };
    let mut pd = data_differences(&test.point_data, &base.point_data);
    pd.resize(test.point_data.count.max(base.point_data.count) as usize, f64::INFINITY);
    let mut cd = data_differences(&test.cell_data, &base.cell_data);
    cd.resize(test.cell_data.count.max(base.cell_data.count) as usize, f64::INFINITY);
    let (pn, pmin, pmax) = summarize(&pd, t.point_data_threshold);
    let (cn, cmin, cmax) = summarize(&cd, t.cell_data_threshold);
    let almost_equal = points.same_number
        && points.number_with_differences <= t.points_tolerance
        && cells.same_types
        && cells.same_points
        && pn <= t.point_data_tolerance
        && cn <= t.cell_data_tolerance;
    let metrics = Metrics {
        almost_equal,
        points,
        cells,
        point_data: DataMetrics { number_with_differences: pn, minimum_difference: pmin, maximum_difference: pmax },
        cell_data: DataMetrics { number_with_differences: cn, minimum_difference: cmin, maximum_difference: cmax },
        best_baseline_index: 0,
    };
    Ok((metrics, [point_diffs, pd, cd]))
}

/// How many things differ, for choosing the closest baseline (ties: the smaller mean
/// point difference, then the larger point data one).
fn score(m: &Metrics) -> (bool, u64, f64, f64) {
    let c = &m.cells;
    let n = m.points.number_with_differences
        + c.number_of_different_types
        + c.number_of_different_points
        + m.point_data.number_with_differences
        + m.cell_data.number_with_differences;
    (!m.almost_equal, n, m.points.mean_difference, m.point_data.maximum_difference)
}

pub fn compare(test: &Mesh, baselines: &[Mesh], t: &Tolerances) -> Result<Comparison, Failure> {
    if baselines.is_empty() {
        return Err(Failure::new(witk_mesh::Code::InvalidArgument, "no baseline meshes to compare with"));
    }
    for m in std::iter::once(test).chain(baselines) {
        if m.is_header_only() {
            return Err(Failure::new(
                witk_mesh::Code::InvalidArgument,
                "a mesh without point or cell buffers (read information-only)",
            ));
        }
    }
    let mut best: Option<(Metrics, [Vec<f64>; 3])> = None;
    for (i, b) in baselines.iter().enumerate() {
        let (mut m, diffs) = compare_one(test, b, t)?;
        m.best_baseline_index = i as u32;
        if best.as_ref().is_none_or(|(bm, _)| score(&m).partial_cmp(&score(bm)) == Some(std::cmp::Ordering::Less)) {
            best = Some((m, diffs));
        }
    }
    let (metrics, [pd, pdd, cdd]) = best.expect("one baseline at least");
    Ok(Comparison {
        metrics,
        points_difference: with_data(test, true, pd),
        point_data_difference: with_data(test, true, pdd),
        cell_data_difference: with_data(test, false, cdd),
    })
}
