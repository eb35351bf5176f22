//! ITK's MATLAB transform files (`.mat`): MATLAB v4 matrices, each a 20-byte header
//! (type code, rows, columns, imaginary flag, name length), the name, then the values
//! column by column. ITK (and ANTs) write, per transform, a matrix named after the
//! transform's class (`AffineTransform_double_3_3`) holding its parameters, then one
//! named `fixed` holding the fixed parameters.

use crate::model::{bad, parse_itk_name, precision, Code, Failure, Parameterization, Transform};

const F: &str = "MATLAB transform";

struct Matrix {
    name: String,
    values: Vec<f64>,
}

fn matrices(b: &[u8]) -> Result<Vec<Matrix>, Failure> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < b.len() {
        let head = b.get(at..at + 20).ok_or_else(|| bad(F, format!("a matrix header at byte {at} is cut short")))?;
        // The type code MOPT: M the byte order (0 little, 1 big), P the value type (0
        // double, 1 float), T the matrix type (0 full).
        let le = |i: usize| u32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        let be = |i: usize| u32::from_be_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        let big = le(0) > 9999 && be(0) < 10000;
        let word = |i| if big { be(i) } else { le(i) };
        let code = word(0);
        let (m, o, p, t) = (code / 1000, code / 100 % 10, code / 10 % 10, code % 10);
        if m > 1 || o != 0 || t != 0 || word(12) != 0 || (m == 1) != big {
            return Err(Failure::new(Code::Unsupported, format!("{F}: matrix type {code} (only full real matrices)")));
        }
        let width = match p {
            0 => 8,
            1 => 4,
            _ => return Err(Failure::new(Code::Unsupported, format!("{F}: value type {p} (only double and float)"))),
        };
        let (rows, cols, name_len) = (word(4) as u64, word(8) as u64, word(16) as u64);
        let n = rows.saturating_mul(cols);
        let need = name_len.saturating_add(n.saturating_mul(width));
        if need > (b.len() - at - 20) as u64 {
            return Err(bad(F, format!("a {rows}x{cols} matrix needs {need} bytes; {} remain", b.len() - at - 20)));
        }
        at += 20;
        let name = &b[at..at + name_len as usize];
        let name = String::from_utf8_lossy(name.split(|&c| c == 0).next().unwrap_or_default()).into_owned();
        at += name_len as usize;
        let values = b[at..at + (n * width) as usize]
            .chunks_exact(width as usize)
            .map(|c| match (width, big) {
                (8, false) => f64::from_le_bytes(c.try_into().unwrap_or_default()),
                (8, true) => f64::from_be_bytes(c.try_into().unwrap_or_default()),
                (_, false) => f32::from_le_bytes(c.try_into().unwrap_or_default()) as f64,
                (_, true) => f32::from_be_bytes(c.try_into().unwrap_or_default()) as f64,
            })
            .collect();
        at += (n * width) as usize;
        out.push(Matrix { name, values });
    }
    Ok(out)
}

pub fn looks_like(b: &[u8]) -> bool {
    // A little-endian full double or float matrix with a short name, as ITK writes.
    b.len() >= 20 && matches!(b[..4], [0, 0, 0, 0] | [10, 0, 0, 0]) && b[12..16] == [0; 4] && {
        let n = u32::from_le_bytes([b[16], b[17], b[18], b[19]]) as usize;
        (2..256).contains(&n) && b.len() > 20 + n && b[20 + n - 1] == 0
    }
}

pub fn read(b: &[u8]) -> Result<Vec<Transform>, Failure> {
    let mut out: Vec<Transform> = Vec::new();
    for m in matrices(b)? {
        if m.name == "fixed" {
            let t = out.last_mut().ok_or_else(|| bad(F, "'fixed' before any transform"))?;
            t.fixed = m.values;
        } else {
            let (kind, float, dims) = parse_itk_name(&m.name)?;
            out.push(Transform::new(kind, dims, Vec::new(), precision(m.values, float)));
        }
    }
    if out.is_empty() {
        return Err(bad(F, "the file holds no transform"));
    }
    Ok(out)
}

fn put(out: &mut Vec<u8>, name: &str, values: &[f64], float: bool) {
    out.extend_from_slice(&(if float { 10u32 } else { 0 }).to_le_bytes());
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(name.len() as u32 + 1).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    for &v in values {
        if float {
            out.extend_from_slice(&(v as f32).to_le_bytes());
        } else {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

pub fn write(list: &[Transform], float: bool) -> Result<Vec<u8>, Failure> {
    if list.iter().any(|t| t.kind == Parameterization::Composite) {
        return Err(Failure::new(
            Code::Unsupported,
            "MATLAB transform files hold no composite transforms (ITK's reader cannot read one back): write .h5 or .txt",
        ));
    }
    let mut out = Vec::new();
    for t in list {
        put(&mut out, &t.itk_name(float), &t.params_f64(), float);
        // ITK writes the fixed parameters as double whatever the parameters' type.
        put(&mut out, "fixed", &t.fixed, false);
    }
    Ok(out)
}
