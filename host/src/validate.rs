//! What a component returns is checked before it reaches a caller: a data object whose
//! buffers disagree with its own counts (a buffer shorter than its size says, a direction
//! of the wrong size, spacing that is not finite, cells past the point count) is a typed
//! `internal` error naming the pipeline, never a crash in a binding that trusts it. The
//! generated pipeline methods call these on every image, mesh, point set, poly data and
//! transform in a result.

use crate::buffers;
use crate::error::{Error, ErrorCode, Result};
use crate::pipelines::types::witk::types::spatial::{Image, Mesh, PointSet, PolyData, Transform};

fn wrong(pipeline: &str, what: &str, message: String) -> Error {
    Error::Pipeline {
        pipeline: pipeline.to_string(),
        code: ErrorCode::Internal,
        message: format!("the component returned an inconsistent {what}: {message}"),
    }
}

/// `count` values of `width` each, or no buffer.
fn sized(values: Option<usize>, count: u64, width: u64, field: &str) -> std::result::Result<(), String> {
    match values {
        Some(n) if Some(n as u64) != count.checked_mul(width) => {
            Err(format!("{field} holds {n} values, not {count} x {width}"))
        }
        _ => Ok(()),
    }
}

pub fn image(pipeline: &str, i: &Image) -> Result<()> {
    let check = || -> std::result::Result<(), String> {
        let d = i.image_type.dimension as usize;
        if i.size.len() != d || i.origin.len() != d || i.spacing.len() != d {
            return Err(format!(
                "dimension {d}, but size, origin and spacing have {}, {} and {} values",
                i.size.len(),
                i.origin.len(),
                i.spacing.len()
            ));
        }
        if i.direction.len() != d * d {
            return Err(format!("a {d}-D image with {} direction values", i.direction.len()));
        }
        if i.spacing.iter().chain(&i.origin).chain(&i.direction).any(|v| !v.is_finite()) {
            return Err("spacing, origin or direction that is not finite".into());
        }
        let region = i.buffered_region.as_ref().map_or(&i.size, |r| &r.size);
        let pixels = region.iter().try_fold(1u64, |a, &n| a.checked_mul(n)).ok_or("a size that overflows")?;
        sized(i.data.as_ref().map(buffers::values), pixels, u64::from(i.image_type.components), "data")
    };
    check().map_err(|m| wrong(pipeline, "image", m))
}

pub fn mesh(pipeline: &str, m: &Mesh) -> Result<()> {
    let t = &m.mesh_type;
    let check = || -> std::result::Result<(), String> {
        sized(m.points.as_ref().map(buffers::values), m.number_of_points, u64::from(t.dimension), "points")?;
        sized(m.cells.as_ref().map(buffers::values), m.cell_buffer_size, 1, "cells")?;
        let points = u64::from(t.point_pixel_components);
        sized(m.point_data.as_ref().map(buffers::values), m.number_of_point_pixels, points, "point data")?;
        let cells = u64::from(t.cell_pixel_components);
        sized(m.cell_data.as_ref().map(buffers::values), m.number_of_cell_pixels, cells, "cell data")
    };
    check().map_err(|e| wrong(pipeline, "mesh", e))
}

pub fn point_set(pipeline: &str, p: &PointSet) -> Result<()> {
    let t = &p.point_set_type;
    let check = || -> std::result::Result<(), String> {
        sized(p.points.as_ref().map(buffers::values), p.number_of_points, u64::from(t.dimension), "points")?;
        let width = u64::from(t.point_pixel_components);
        sized(p.point_data.as_ref().map(buffers::values), p.number_of_point_pixels, width, "point data")
    };
    check().map_err(|e| wrong(pipeline, "point set", e))
}

pub fn poly_data(pipeline: &str, p: &PolyData) -> Result<()> {
    let check = || -> std::result::Result<(), String> {
        sized(Some(p.points.len()), p.number_of_points, 3, "points")?;
        for (cells, size, field) in [
            (&p.vertices, p.vertices_buffer_size, "vertices"),
            (&p.lines, p.lines_buffer_size, "lines"),
            (&p.polygons, p.polygons_buffer_size, "polygons"),
            (&p.triangle_strips, p.triangle_strips_buffer_size, "triangle strips"),
        ] {
            sized(cells.as_ref().map(Vec::len), size, 1, field)?;
            if let Some(id) = cells.iter().flat_map(|c| cell_ids(c)).find(|&id| u64::from(id) >= p.number_of_points) {
                return Err(format!("{field} name point {id} of {}", p.number_of_points));
            }
        }
        Ok(())
    };
    check().map_err(|e| wrong(pipeline, "poly data", e))
}

/// The point ids of VTK-style cells (`n, id, ..., n, id, ...`).
fn cell_ids(cells: &[u32]) -> impl Iterator<Item = u32> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let n = *cells.get(at)? as usize;
        let ids = cells.get(at + 1..at + 1 + n).unwrap_or(&cells[(at + 1).min(cells.len())..]);
        at += 1 + n;
        Some(ids)
    })
    .flatten()
    .copied()
}

pub fn transform(pipeline: &str, t: &Transform) -> Result<()> {
    let check = || -> std::result::Result<(), String> {
        sized(Some(t.fixed_parameters.len()), t.number_of_fixed_parameters, 1, "fixed parameters")?;
        sized(Some(buffers::values(&t.parameters)), t.number_of_parameters, 1, "parameters")
    };
    check().map_err(|e| wrong(pipeline, "transform", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipelines::types::witk::types::spatial::{Buffer, ComponentType, ImageType, PixelType};

    fn image_of(size: Vec<u64>, data: Buffer) -> Image {
        let d = size.len();
        Image {
            image_type: ImageType {
                dimension: d as u32,
                component_type: ComponentType::Uint8,
                pixel_type: PixelType::Scalar,
                components: 1,
            },
            name: String::new(),
            origin: vec![0.0; d],
            spacing: vec![1.0; d],
            direction: (0..d * d).map(|k| (k % (d + 1) == 0) as u8 as f64).collect(),
            size,
            metadata: Vec::new(),
            data: Some(data),
            buffered_region: None,
        }
    }

    #[test]
    fn inconsistent_images_are_internal_errors() {
        assert!(image("p", &image_of(vec![2, 3], Buffer::Uint8(vec![0; 6]))).is_ok());
        let e = image("p", &image_of(vec![2, 3], Buffer::Uint8(vec![0; 5]))).unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::Internal));
        assert!(e.to_string().contains("5 values, not 6 x 1"), "{e}");
        let mut bad = image_of(vec![2, 3], Buffer::Uint8(vec![0; 6]));
        bad.spacing[1] = f64::NAN;
        assert!(image("p", &bad).is_err());
        bad.spacing[1] = 1.0;
        bad.direction.pop();
        assert!(image("p", &bad).is_err());
    }

    #[test]
    fn cells_past_the_points_are_caught() {
        let ids: Vec<u32> = cell_ids(&[3, 0, 1, 2, 2, 5, 6]).collect();
        assert_eq!(ids, [0, 1, 2, 5, 6]);
        assert_eq!(cell_ids(&[4, 1]).collect::<Vec<_>>(), [1]);
    }
}
