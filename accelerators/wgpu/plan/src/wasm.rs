//! The planner as a wasm module for `@witk/downsample-webgpu` (no bindings generator: a
//! C ABI over linear memory, JSON in and out).
//!
//! - `alloc(n) -> ptr`, `dealloc(ptr, n)`: memory the caller fills and frees;
//! - `plan(ptr, n) -> ptr << 32 | len`: a JSON request (the image header, the call) to the
//!   JSON [`Program`](crate::Program) with the WGSL of every kernel it uses, or the reason
//!   there is none (`invalid`: the component's error; `unsupported`);
//! - `cast(ctype, ptr, n) -> ptr << 32 | len`: a result buffer's f64 values as pixels
//!   ([`cast_into`](crate::cast_into)), `ctype` indexing `ComponentType::ALL`.
//!
//! Results are allocated here; the caller frees them with `dealloc`.

use crate::{program, Ctype, Finish, Grid, Header, Method, PlanError, Precision};
use serde_json::{json, Map, Value};

#[no_mangle]
pub extern "C" fn alloc(n: usize) -> *mut u8 {
    let mut v = std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(n.max(1)));
    v.as_mut_ptr()
}

/// # Safety
/// `ptr` and `n` from `alloc`, or from a result of `plan` or `cast`.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, n: usize) {
    drop(Vec::from_raw_parts(ptr, 0, n.max(1)));
}

fn give(bytes: Vec<u8>) -> u64 {
    let mut v = std::mem::ManuallyDrop::new(bytes.into_boxed_slice().into_vec());
    // A boxed slice's capacity is its length: dealloc(ptr, len) frees it.
    ((v.as_mut_ptr() as u64) << 32) | v.len() as u64
}

/// # Safety
/// `ptr..ptr + n` is a UTF-8 JSON request written by the caller.
#[no_mangle]
pub unsafe extern "C" fn plan(ptr: *const u8, n: usize) -> u64 {
    let request = std::slice::from_raw_parts(ptr, n);
    let response = match serde_json::from_slice::<Value>(request) {
        Ok(r) => respond(&r).unwrap_or_else(|m| json!({ "unsupported": m })),
        Err(e) => json!({ "unsupported": format!("a malformed request: {e}") }),
    };
    give(response.to_string().into_bytes())
}

/// # Safety
/// `ptr..ptr + n` holds the f64 values of a result buffer.
#[no_mangle]
pub unsafe extern "C" fn cast(ctype: u32, ptr: *const u8, n: usize) -> u64 {
    let bytes = std::slice::from_raw_parts(ptr, n);
    let values: Vec<f64> = bytes.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect();
    let ctype = Ctype::ALL.get(ctype as usize).copied().unwrap_or(Ctype::F64);
    let mut out = Vec::with_capacity(values.len() * ctype.size());
    crate::cast_into(ctype, &values, &mut out);
    give(out)
}

fn numbers<T: TryFrom<u64>>(v: &Value, name: &str) -> Result<Vec<T>, String> {
    v.get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name} is missing"))?
        .iter()
        .map(|x| x.as_u64().and_then(|x| T::try_from(x).ok()).ok_or_else(|| format!("{name}: {x} is not an integer")))
        .collect()
}

fn reals(v: &Value, name: &str) -> Result<Vec<f64>, String> {
    v.get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name} is missing"))?
        .iter()
        .map(|x| x.as_f64().ok_or_else(|| format!("{name}: {x} is not a number")))
        .collect()
}

fn respond(r: &Value) -> Result<Value, String> {
    let method = match r["method"].as_str() {
        Some("gaussian") => Method::Gaussian,
        Some("bin-shrink") => Method::BinShrink,
        Some("label") => Method::Label,
        other => return Err(format!("unknown method {other:?}")),
    };
    let ctype = r["componentType"]
        .as_str()
        .and_then(Ctype::from_name)
        .ok_or_else(|| format!("unknown component type {}", r["componentType"]))?;
    let grid = Grid {
        size: numbers(r, "size")?,
        spacing: reals(r, "spacing")?,
        origin: reals(r, "origin")?,
        direction: reals(r, "direction")?,
    };
    let shrink: Vec<u32> = numbers(r, "shrinkFactors")?;
    let crop: Option<Vec<u32>> = if r["cropRadius"].is_null() { None } else { Some(numbers(r, "cropRadius")?) };
    let header = Header {
        grid: &grid,
        ctype,
        components: r["components"].as_u64().unwrap_or(1) as usize,
        bytes: r["bytes"].as_u64().ok_or("bytes is missing")? as usize,
    };
    let precision = if r["precision"] == "native" { Precision::Native } else { Precision::Emulated };
    let max_binding = r["maxBinding"].as_u64().unwrap_or(128 << 20);
    let p = match program(method, header, &shrink, crop.as_deref(), max_binding, precision) {
        Ok(p) => p,
        Err(PlanError::Invalid(f)) => return Ok(json!({ "invalid": f.message })),
        Err(PlanError::Unsupported(m)) => return Ok(json!({ "unsupported": m })),
    };
    let mut shaders = Map::new();
    let slabs: Vec<Value> = p
        .slabs
        .iter()
        .map(|s| {
            let steps: Vec<Value> = s
                .steps
                .iter()
                .map(|step| {
                    let key = format!("{:?}", step.shader);
                    shaders.entry(key.clone()).or_insert_with(|| Value::String(step.shader.wgsl()));
                    // f64 constants as their two words: exact, infinities included.
                    let words: Vec<u32> = step
                        .reals
                        .iter()
                        .flat_map(|x| {
                            let b = x.to_bits();
                            [b as u32, (b >> 32) as u32]
                        })
                        .collect();
                    let (x, y) = step.workgroups();
                    json!({ "shader": key, "src": step.src, "dst": step.dst, "params": step.params,
                            "reals": words, "workgroups": [x, y] })
                })
                .collect();
            json!({ "input": [s.input.0, s.input.1], "buffers": s.buffers, "steps": steps, "output": s.output,
                    "outputBytes": s.output_bytes, "finish": if s.finish == Finish::Gather { "gather" } else { "cast" } })
        })
        .collect();
    let g = &p.grid;
    Ok(json!({ "ok": { "size": g.size, "spacing": g.spacing, "origin": g.origin, "direction": g.direction,
                       "shaders": shaders, "slabs": slabs } }))
}
