//! MINC transform files (`.xfm`): `MNI Transform File`, `%` comments, then one or more
//! `Transform_Type = Linear; Linear_Transform = <3x4 matrix>;` blocks (optionally
//! `Inverse_Flag = True;`). The matrix and offset are stored as ITK holds them: ITK's
//! MINC transform IO, as ITK, SimpleITK and ITK-Wasm build it, leaves its RAS-to-LPS
//! conversion off, and files must read the same in all of them. Transforms are written
//! as the matrix and offset they amount to (the centre folded in). A file of several
//! transforms reads as a composite. Grid (nonlinear) transforms name a companion
//! volume and are `unsupported`.

use crate::linear::{invert, matrix_offset, Mat};
use crate::model::{bad, Code, Failure, Parameterization, Pixels, Transform};

const F: &str = "MINC transform";
pub const MAGIC: &[u8] = b"MNI Transform File";
fn affine(m: &Mat, off: &[f64; 3]) -> Transform {
    let mut p: Vec<f64> = m.iter().flatten().copied().collect();
    p.extend_from_slice(off);
    Transform::new(Parameterization::Affine, (3, 3), vec![0.0; 3], Pixels::F64(p))
}

pub fn read(b: &[u8]) -> Result<Vec<Transform>, Failure> {
    let text = std::str::from_utf8(b).map_err(|_| bad(F, "the file is not text"))?;
    if !text.trim_start().starts_with("MNI Transform File") {
        return Err(bad(F, "no 'MNI Transform File' line"));
    }
    // Statements end with ';'; comments run from '%' to the end of the line.
    let body: String =
        text.lines().skip(1).map(|l| l.split('%').next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let mut out = Vec::new();
    let mut inverse = false;
    for statement in body.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (key, value) =
            statement.split_once('=').ok_or_else(|| bad(F, format!("{statement:?} is not 'key = value'")))?;
        match key.trim() {
            "Transform_Type" => match value.trim() {
                "Linear" => {}
                other => {
                    return Err(Failure::new(Code::Unsupported, format!("{F}: {other} transforms (only linear ones)")))
                }
            },
            "Inverse_Flag" => inverse = value.trim().eq_ignore_ascii_case("true"),
            "Linear_Transform" => {
                let v: Vec<f64> = value
                    .split_ascii_whitespace()
                    .map(|w| w.parse().map_err(|_| bad(F, format!("{w:?} is not a number"))))
                    .collect::<Result<_, _>>()?;
                if v.len() != 12 {
                    return Err(bad(F, format!("Linear_Transform has {} values, not 12 (3 rows of 4)", v.len())));
                }
                let m = [[v[0], v[1], v[2]], [v[4], v[5], v[6]], [v[8], v[9], v[10]]];
                let (mut m, mut off) = (m, [v[3], v[7], v[11]]);
                if std::mem::take(&mut inverse) {
                    (m, off) =
                        invert(&m, &off).ok_or_else(|| bad(F, "an inverted transform whose matrix is singular"))?;
                }
                out.push(affine(&m, &off));
            }
            _ => {}
        }
    }
    match out.len() {
        0 => Err(bad(F, "the file holds no transform")),
        1 => Ok(out),
        _ => {
            let composite = Transform::new(Parameterization::Composite, (3, 3), Vec::new(), Pixels::F64(Vec::new()));
            Ok(std::iter::once(composite).chain(out).collect())
        }
    }
}

pub fn write(list: &[Transform]) -> Result<Vec<u8>, Failure> {
    let mut s = String::from("MNI Transform File\n% written by witk\n");
    for t in list.iter().filter(|t| t.kind != Parameterization::Composite) {
        let (m, off) = matrix_offset(t)?;
        s.push_str("\nTransform_Type = Linear;\nLinear_Transform =");
        for i in 0..3 {
            s.push_str(&format!("\n {} {} {} {}", m[i][0], m[i][1], m[i][2], off[i]));
        }
        s.push_str(";\n");
    }
    Ok(s.into_bytes())
}
