//! ITK's text transform files (`.txt`, `.tfm`): `#Insight Transform File V1.0`, then per
//! transform a `#Transform N` comment, `Transform: <class>_<precision>_<in>_<out>`,
//! `Parameters: ...` and `FixedParameters: ...` (a composite has neither). Numbers are
//! written in the shortest form that reads back to the same value, as ITK does.

use crate::model::{bad, parse_itk_name, precision, Failure, Parameterization, Transform};

const F: &str = "ITK text transform";
pub const MAGIC: &[u8] = b"#Insight Transform File";

fn numbers(text: &str, what: &str) -> Result<Vec<f64>, Failure> {
    text.split_ascii_whitespace()
        .map(|w| w.parse::<f64>().map_err(|_| bad(F, format!("{what}: {w:?} is not a number"))))
        .collect()
}

pub fn read(b: &[u8]) -> Result<Vec<Transform>, Failure> {
    let text = std::str::from_utf8(b).map_err(|_| bad(F, "the file is not text"))?;
    let mut lines = text.lines().map(str::trim);
    let first = lines.next().unwrap_or_default();
    if !first.starts_with("#Insight Transform File") {
        return Err(bad(F, format!("the first line is {first:?}, not '#Insight Transform File V1.0'")));
    }
    let mut out: Vec<Transform> = Vec::new();
    for line in lines {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(':').ok_or_else(|| bad(F, format!("line {line:?} has no 'key:'")))?;
        match key.trim() {
            "Transform" => {
                let (kind, float, dims) = parse_itk_name(value)?;
                out.push(Transform::new(kind, dims, Vec::new(), precision(Vec::new(), float)));
            }
            "Parameters" => {
                let t = out.last_mut().ok_or_else(|| bad(F, "Parameters before any Transform"))?;
                // Kept as the text says (ITK parses it in the precision it reads into).
                t.params = precision(numbers(value, "Parameters")?, false);
            }
            "FixedParameters" => {
                let t = out.last_mut().ok_or_else(|| bad(F, "FixedParameters before any Transform"))?;
                t.fixed = numbers(value, "FixedParameters")?;
            }
            other => return Err(bad(F, format!("unknown key {other:?}"))),
        }
    }
    if out.is_empty() {
        return Err(bad(F, "the file holds no transform"));
    }
    Ok(out)
}

fn push_all(s: &mut String, values: &[f64]) {
    for v in values {
        s.push(' ');
        s.push_str(&v.to_string());
    }
}

pub fn write(list: &[Transform], float: bool) -> Result<Vec<u8>, Failure> {
    let mut s = String::from("#Insight Transform File V1.0\n");
    for (i, t) in list.iter().enumerate() {
        s.push_str(&format!("#Transform {i}\nTransform: {}\n", t.itk_name(float)));
        if t.kind == Parameterization::Composite {
            continue;
        }
        s.push_str("Parameters:");
        if float {
            // float32 values print as their own shortest text, not float64's.
            for x in t.params_f64() {
                s.push(' ');
                s.push_str(&(x as f32).to_string());
            }
        } else {
            push_all(&mut s, &t.params_f64());
        }
        s.push_str("\nFixedParameters:");
        push_all(&mut s, &t.fixed);
        s.push('\n');
    }
    Ok(s.into_bytes())
}
