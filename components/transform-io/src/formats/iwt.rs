//! ITK-Wasm's own transform files: `.iwt.cbor` (the transform list as a CBOR array of
//! maps, parameters as RFC 8746 typed arrays) and `.iwt.cbor.zst` (zstd-compressed).
//!
//! What ITK-Wasm's `WasmTransformIO` writes, and so what we write, byte for byte: per
//! transform a map of `transformType` {`transformParameterization`,
//! `parametersValueType`, `inputDimension` and `outputDimension` (uint32)},
//! `numberOfFixedParameters` and `numberOfParameters` (uint64), `name`,
//! `inputSpaceName`, `outputSpaceName`, `fixedParameters` (float64) and `parameters`
//! (float64 or float32). `metadata` is added only when there is some.

use crate::model::{bad, Code, Ctype, Failure, Parameterization, Pixels, Transform};
use witk_cbor::error::named;
use witk_cbor::json::{metadata, put_metadata};
use witk_cbor::number::{typed_values, uint};
use witk_cbor::read::{key, skip, tagged_head, text, Items};
use witk_cbor::source::{Slice, Source};
use witk_cbor::write::{put_head, put_text, put_typed_array, put_u32};
use witk_cbor::zstd_io::{compress, Stream};
use witk_cbor::{ARRAY, MAP};

const ZSTD_LEVEL: i32 = 3;
/// Most transforms one file may list.
const MAX_TRANSFORMS: u64 = 1 << 16;

/// An array whose first item is a map whose first key is `transformType`.
pub fn looks_like(b: &[u8]) -> bool {
    b.len() > 16 && (b[0] >> 5) == ARRAY && b[..24.min(b.len())].windows(13).any(|w| w == b"transformType")
}

pub fn read(b: &[u8]) -> Result<Vec<Transform>, Failure> {
    parse(&mut Slice::new(b)).map_err(|f| named(".iwt.cbor", f))
}

pub fn read_zstd(b: &[u8]) -> Result<Vec<Transform>, Failure> {
    Stream::new(b).and_then(|mut s| parse(&mut s)).map_err(|f| named(".iwt.cbor.zst", f))
}

pub fn write(list: &[Transform], float: bool) -> Result<Vec<u8>, Failure> {
    Ok(encode(list, float))
}

pub fn write_zstd(list: &[Transform], float: bool) -> Result<Vec<u8>, Failure> {
    compress(&[&encode(list, float)], ZSTD_LEVEL)
}

fn parse<S: Source>(src: &mut S) -> Result<Vec<Transform>, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != ARRAY {
        return Err(bad(".iwt.cbor", "not a transform list: the CBOR item is not an array"));
    }
    if !h.indefinite() && h.arg > MAX_TRANSFORMS {
        return Err(Failure::new(Code::LimitExceeded, format!("{} transforms in one file", h.arg)));
    }
    let mut items = Items::new(src, h, 1)?;
    let mut out = Vec::new();
    while items.next(src)? {
        out.push(transform(src)?);
        if out.len() as u64 > MAX_TRANSFORMS {
            return Err(Failure::new(Code::LimitExceeded, "more than 65536 transforms in one file"));
        }
    }
    src.finish()?;
    Ok(out)
}

fn transform<S: Source>(src: &mut S) -> Result<Transform, Failure> {
    let (_, h) = tagged_head(src)?;
    if h.major != MAP {
        return Err(bad(".iwt.cbor", "a transform is not a map"));
    }
    let mut t = Transform::new(Parameterization::Identity, (3, 3), Vec::new(), Pixels::F64(Vec::new()));
    let mut ctype = Ctype::F64;
    let (mut n_fixed, mut n_params) = (None, None);
    let mut entries = Items::new(src, h, 2)?;
    while entries.next(src)? {
        match key(src, 2)?.as_deref() {
            Some("transformType") => {
                let (_, h) = tagged_head(src)?;
                if h.major != MAP {
                    return Err(bad(".iwt.cbor", "transformType is not a map"));
                }
                let mut e = Items::new(src, h, 2)?;
                while e.next(src)? {
                    match key(src, 3)?.as_deref() {
                        Some("transformParameterization") => {
                            let name = text(src, "transformParameterization")?;
                            t.kind = Parameterization::from_name(&name).ok_or_else(|| {
                                Failure::new(Code::Unsupported, format!("transform parameterization {name:?}"))
                            })?;
                        }
                        Some("parametersValueType") => {
                            let name = text(src, "parametersValueType")?;
                            ctype =
                                Ctype::from_name(&name).filter(|c| matches!(c, Ctype::F32 | Ctype::F64)).ok_or_else(
                                    || Failure::new(Code::Unsupported, format!("parametersValueType {name:?}")),
                                )?;
                        }
                        Some("inputDimension") => {
                            t.input_dimension = uint(src, "inputDimension")?.min(u32::MAX as u64) as u32
                        }
                        Some("outputDimension") => {
                            t.output_dimension = uint(src, "outputDimension")?.min(u32::MAX as u64) as u32
                        }
                        _ => skip(src, 3)?,
                    }
                }
            }
            Some("numberOfFixedParameters") => n_fixed = Some(uint(src, "numberOfFixedParameters")?),
            Some("numberOfParameters") => n_params = Some(uint(src, "numberOfParameters")?),
            Some("name") => t.name = text(src, "name")?,
            Some("inputSpaceName") => t.input_space = text(src, "inputSpaceName")?,
            Some("outputSpaceName") => t.output_space = text(src, "outputSpaceName")?,
            Some("metadata") => t.metadata = metadata(src)?,
            Some("fixedParameters") => {
                let n = n_fixed.ok_or_else(|| bad(".iwt.cbor", "fixedParameters before numberOfFixedParameters"))?;
                t.fixed = match typed_values(src, Ctype::F64, n, "fixedParameters")? {
                    Pixels::F64(v) => v,
                    _ => unreachable!("read as float64"),
                };
            }
            Some("parameters") => {
                let n = n_params.ok_or_else(|| bad(".iwt.cbor", "parameters before numberOfParameters"))?;
                t.params = typed_values(src, ctype, n, "parameters")?;
            }
            _ => skip(src, 2)?,
        }
    }
    if n_fixed.is_some_and(|n| n != t.fixed.len() as u64) || n_params.is_some_and(|n| n != t.params.count() as u64) {
        return Err(bad(".iwt.cbor", "a parameter count without its parameters"));
    }
    Ok(t)
}

fn encode(list: &[Transform], float: bool) -> Vec<u8> {
    let bytes: usize = list.iter().map(|t| t.params.len() + t.fixed.len() * 8 + 400).sum();
    let mut out = Vec::with_capacity(bytes + 16);
    put_head(&mut out, ARRAY, list.len() as u64);
    for t in list {
        let params = crate::model::precision(t.params_f64(), float);
        put_head(&mut out, MAP, if t.metadata.is_empty() { 8 } else { 9 });
        put_text(&mut out, "transformType");
        put_head(&mut out, MAP, 4);
        put_text(&mut out, "transformParameterization");
        put_text(&mut out, t.kind.name());
        put_text(&mut out, "parametersValueType");
        put_text(&mut out, params.ctype().name());
        put_text(&mut out, "inputDimension");
        put_u32(&mut out, t.input_dimension);
        put_text(&mut out, "outputDimension");
        put_u32(&mut out, t.output_dimension);
        for (k, v) in [("numberOfFixedParameters", t.fixed.len() as u64), ("numberOfParameters", params.count() as u64)]
        {
            put_text(&mut out, k);
            out.push(0x1b);
            out.extend_from_slice(&v.to_be_bytes());
        }
        for (k, v) in [("name", &t.name), ("inputSpaceName", &t.input_space), ("outputSpaceName", &t.output_space)] {
            put_text(&mut out, k);
            put_text(&mut out, v);
        }
        put_text(&mut out, "fixedParameters");
        let fixed: Vec<u8> = t.fixed.iter().flat_map(|v| v.to_le_bytes()).collect();
        put_typed_array(&mut out, Ctype::F64, &fixed);
        put_text(&mut out, "parameters");
        put_typed_array(&mut out, params.ctype(), &params);
        if !t.metadata.is_empty() {
            put_text(&mut out, "metadata");
            put_metadata(&mut out, &t.metadata);
        }
    }
    out
}
