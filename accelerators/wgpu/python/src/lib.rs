//! `witk_downsample_wgpu._native`: witk-wgpu's kernels for the Python package.
//!
//! Private to the package's `__init__.py`, which checks the arrays it passes (C-contiguous,
//! alive for the call) and falls back to the component on every error raised here.

use pyo3::create_exception;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyByteArray;
use std::sync::OnceLock;
use witk_wgpu::{AdapterKind, Ctype, Gpu, GpuError, Grid, ImageRef, Method};

create_exception!(_native, GpuUnavailable, PyRuntimeError, "The GPU cannot compute this call.");
create_exception!(_native, InvalidCall, PyRuntimeError, "The call is invalid; the component says why.");

/// One device per process, found on first use (`WITK_WGPU_ADAPTER=any` admits software
/// adapters such as Mesa's lavapipe).
fn gpu() -> Result<&'static Gpu, String> {
    static GPU: OnceLock<Result<Gpu, String>> = OnceLock::new();
    GPU.get_or_init(|| Gpu::new(AdapterKind::from_env()).map_err(|e| e.to_string())).as_ref().map_err(Clone::clone)
}

/// The adapter's description, or `GpuUnavailable` saying why there is none.
#[pyfunction]
fn adapter() -> PyResult<String> {
    gpu().map(Gpu::describe).map_err(GpuUnavailable::new_err)
}

/// (pixels, size, spacing, origin) of an output.
type Downsampled<'py> = (Bound<'py, PyByteArray>, Vec<u64>, Vec<f64>, Vec<f64>);

/// Run `method` ("gaussian", "bin-shrink", "label") on `nbytes` bytes at address `data`.
/// Returns (pixels as a bytearray, size, spacing, origin) of the output.
///
/// # Safety (for the caller)
/// `data` must point at `nbytes` readable bytes that stay alive and unchanged for the
/// call: the package passes a C-contiguous NumPy array it holds.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (method, data, nbytes, component_type, components, size, spacing, origin, direction, shrink_factors, crop_radius=None))]
fn downsample<'py>(
    py: Python<'py>,
    method: &str,
    data: usize,
    nbytes: usize,
    component_type: &str,
    components: usize,
    size: Vec<u64>,
    spacing: Vec<f64>,
    origin: Vec<f64>,
    direction: Vec<f64>,
    shrink_factors: Vec<u32>,
    crop_radius: Option<Vec<u32>>,
) -> PyResult<Downsampled<'py>> {
    let method = match method {
        "gaussian" => Method::Gaussian,
        "bin-shrink" => Method::BinShrink,
        "label" => Method::Label,
        other => return Err(InvalidCall::new_err(format!("unknown method {other:?}"))),
    };
    let ctype = Ctype::from_name(component_type)
        .ok_or_else(|| InvalidCall::new_err(format!("unknown component type {component_type:?}")))?;
    let gpu = gpu().map_err(GpuUnavailable::new_err)?;
    let grid = Grid { size, spacing, origin, direction };
    if data == 0 && nbytes > 0 {
        return Err(InvalidCall::new_err("no pixel data"));
    }
    // SAFETY: the caller's contract above; an empty slice needs no memory.
    let bytes: &[u8] = if nbytes == 0 { &[] } else { unsafe { std::slice::from_raw_parts(data as *const u8, nbytes) } };
    let result = py.detach(|| {
        let input = ImageRef { grid: &grid, ctype, components, bytes };
        gpu.downsample(method, input, &shrink_factors, crop_radius.as_deref())
    });
    match result {
        Ok(out) => Ok((PyByteArray::new(py, &out.bytes), out.grid.size, out.grid.spacing, out.grid.origin)),
        Err(GpuError::Invalid(f)) => Err(InvalidCall::new_err(f.message)),
        Err(e) => Err(GpuUnavailable::new_err(e.to_string())),
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(adapter, m)?)?;
    m.add_function(wrap_pyfunction!(downsample, m)?)?;
    m.add("GpuUnavailable", m.py().get_type::<GpuUnavailable>())?;
    m.add("InvalidCall", m.py().get_type::<InvalidCall>())?;
    Ok(())
}
