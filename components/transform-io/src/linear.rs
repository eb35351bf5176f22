//! The matrix and offset of ITK's linear 3-D transforms (`y = M x + offset`), for
//! formats that store only those (MINC). ITK's conventions: rotations about a centre
//! (the fixed parameters' first three values), `offset = t + c - M c`.

use crate::model::{Code, Failure, Parameterization as P, Transform};

pub type Mat = [[f64; 3]; 3];

fn mul(a: &Mat, b: &Mat) -> Mat {
    let mut m = [[0.0; 3]; 3];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    m
}

/// A unit quaternion's rotation (x, y, z the vector part, w the scalar).
fn quaternion(x: f64, y: f64, z: f64, w: f64) -> Mat {
    [
        [1.0 - 2.0 * (y * y + z * z), 2.0 * (x * y - z * w), 2.0 * (x * z + y * w)],
        [2.0 * (x * y + z * w), 1.0 - 2.0 * (x * x + z * z), 2.0 * (y * z - x * w)],
        [2.0 * (x * z - y * w), 2.0 * (y * z + x * w), 1.0 - 2.0 * (x * x + y * y)],
    ]
}

/// ITK's versor: the vector part; the scalar part makes it unit length.
fn versor(v: &[f64]) -> Mat {
    let w = (1.0 - v[0] * v[0] - v[1] * v[1] - v[2] * v[2]).max(0.0).sqrt();
    quaternion(v[0], v[1], v[2], w)
}

fn euler(ax: f64, ay: f64, az: f64, zyx: bool) -> Mat {
    let (cx, sx, cy, sy, cz, sz) = (ax.cos(), ax.sin(), ay.cos(), ay.sin(), az.cos(), az.sin());
    let rx = [[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]];
    let ry = [[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]];
    let rz = [[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]];
    if zyx {
        mul(&rz, &mul(&ry, &rx))
    } else {
        mul(&rz, &mul(&rx, &ry))
    }
}

const I: Mat = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// `(M, offset)` of a linear 3-D transform; other transforms are `unsupported`.
pub fn matrix_offset(t: &Transform) -> Result<(Mat, [f64; 3]), Failure> {
    let p = t.params_f64();
    let unsupported = || {
        Failure::new(
            Code::Unsupported,
            format!("MINC holds 3-D linear transforms; {} ({}-D) is not one", t.kind.name(), t.input_dimension),
        )
    };
    if t.input_dimension != 3 || t.output_dimension != 3 {
        return Err(unsupported());
    }
    let need = |n: usize| {
        if p.len() == n {
            Ok(())
        } else {
            Err(Failure::new(Code::InvalidArgument, format!("{} needs {n} parameters, not {}", t.kind.name(), p.len())))
        }
    };
    let (m, translation) = match t.kind {
        P::Identity => (I, [0.0; 3]),
        P::Translation => {
            need(3)?;
            (I, [p[0], p[1], p[2]])
        }
        P::Euler3D => {
            need(6)?;
            (euler(p[0], p[1], p[2], t.fixed.get(3).is_some_and(|&z| z != 0.0)), [p[3], p[4], p[5]])
        }
        P::Versor => {
            need(3)?;
            (versor(&p), [0.0; 3])
        }
        P::VersorRigid3D => {
            need(6)?;
            (versor(&p), [p[3], p[4], p[5]])
        }
        P::Similarity3D => {
            need(7)?;
            let r = versor(&p);
            (r.map(|row| row.map(|v| v * p[6])), [p[3], p[4], p[5]])
        }
        P::QuaternionRigid => {
            need(7)?;
            let n = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] + p[3] * p[3]).sqrt();
            (quaternion(p[0] / n, p[1] / n, p[2] / n, p[3] / n), [p[4], p[5], p[6]])
        }
        P::Scale => {
            need(3)?;
            ([[p[0], 0.0, 0.0], [0.0, p[1], 0.0], [0.0, 0.0, p[2]]], [0.0; 3])
        }
        P::Affine | P::Rigid3D => {
            need(12)?;
            ([[p[0], p[1], p[2]], [p[3], p[4], p[5]], [p[6], p[7], p[8]]], [p[9], p[10], p[11]])
        }
        _ => return Err(unsupported()),
    };
    let c = [0, 1, 2].map(|i| t.fixed.get(i).copied().unwrap_or(0.0));
    let offset = [0, 1, 2].map(|i| translation[i] + c[i] - (0..3).map(|k| m[i][k] * c[k]).sum::<f64>());
    Ok((m, offset))
}

/// `(M, offset)` of the inverse transform; `None` when `M` is singular.
pub fn invert(m: &Mat, offset: &[f64; 3]) -> Option<(Mat, [f64; 3])> {
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if det.abs() < 1e-300 {
        return None;
    }
    let mut inv = [[0.0; 3]; 3];
    for (i, row) in inv.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let (a, b) = ((j + 1) % 3, (j + 2) % 3);
            let (c, d) = ((i + 1) % 3, (i + 2) % 3);
            *v = (m[a][c] * m[b][d] - m[a][d] * m[b][c]) / det;
        }
    }
    let off = [0, 1, 2].map(|i| -(0..3).map(|k| inv[i][k] * offset[k]).sum::<f64>());
    Some((inv, off))
}
