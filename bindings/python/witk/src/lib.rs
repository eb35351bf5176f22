//! `witk._native`: the witk Rust host as a Python extension module.
//!
//! One process-wide [`witk::Runtime`] (engine, compile cache, limits, instance pools),
//! reconfigured with `configure`; `Pipeline` objects call components through the typed
//! adapters generated at build time (build.rs, witk-codegen) from wit/ with the GIL released.

mod alloc;
mod convert;
mod dynamic;
/// Typed adapters of every pipeline found in wit/ (witk-codegen, run by build.rs).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}
mod spatial;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use witk::{Runtime, RuntimeConfig};

#[global_allocator]
static ALLOCATOR: alloc::ReuseLargeBlocks = alloc::ReuseLargeBlocks::new();

static RUNTIME: Mutex<Option<Runtime>> = Mutex::new(None);

fn runtime() -> PyResult<Runtime> {
    let mut guard = RUNTIME.lock().unwrap();
    if let Some(rt) = guard.as_ref() {
        return Ok(rt.clone());
    }
    let rt = Runtime::new(RuntimeConfig::default()).map_err(|e| Python::attach(|py| to_py_err(py, e)))?;
    *guard = Some(rt.clone());
    Ok(rt)
}

/// Replace the process-wide runtime. Pipelines loaded before keep the old settings.
///
/// cache_dir: a directory, "" to disable the compile cache, or None for the default.
/// memory_limit: bytes per call. timeout: seconds per call, or None for no limit.
/// workers: idle instances kept per pipeline.
#[pyfunction]
#[pyo3(signature = (cache_dir=None, memory_limit=None, timeout=None, workers=None))]
fn configure(
    cache_dir: Option<String>,
    memory_limit: Option<u64>,
    timeout: Option<f64>,
    workers: Option<usize>,
) -> PyResult<()> {
    let mut config = RuntimeConfig::default();
    match cache_dir.as_deref() {
        None => {}
        Some("") => config.cache_dir = None,
        Some(dir) => config.cache_dir = Some(PathBuf::from(dir)),
    }
    if let Some(m) = memory_limit {
        if m == 0 {
            return Err(PyValueError::new_err("memory_limit must be positive"));
        }
        config.limits.memory_bytes = m;
    }
    if let Some(t) = timeout {
        if !(t > 0.0 && t.is_finite()) {
            return Err(PyValueError::new_err("timeout must be a positive number of seconds, or None"));
        }
        config.limits.timeout = Some(Duration::from_secs_f64(t));
    }
    if let Some(w) = workers {
        config.pool.max_idle_instances = w;
    }
    let rt = Runtime::new(config).map_err(|e| Python::attach(|py| to_py_err(py, e)))?;
    *RUNTIME.lock().unwrap() = Some(rt);
    Ok(())
}

/// The current runtime settings as a dict.
#[pyfunction]
fn settings(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let rt = runtime()?;
    let c = rt.config();
    let d = PyDict::new(py);
    d.set_item("cache_dir", c.cache_dir.as_ref().map(|p| p.display().to_string()))?;
    d.set_item("memory_limit", c.limits.memory_bytes)?;
    d.set_item("timeout", c.limits.timeout.map(|t| t.as_secs_f64()))?;
    d.set_item("workers", c.pool.max_idle_instances)?;
    d.set_item("max_stack", c.limits.max_stack_bytes)?;
    Ok(d)
}

/// How a loaded component is called.
#[allow(clippy::large_enum_variant)] // one per loaded component: its size does not matter
enum Backend {
    /// A pipeline found in wit/ when this extension was built: typed, lists by memcpy.
    Typed(generated::Adapter),
    /// Any other component: values converted through wasmtime's `Val`s (see `dynamic.rs`).
    Dynamic(witk::Dynamic),
}

/// A loaded witk component, called by WIT function name.
#[pyclass(frozen, module = "witk._native")]
struct Pipeline {
    package: String,
    backend: Backend,
}

#[pymethods]
impl Pipeline {
    /// Load the component at `path` as `package` (compiled once, then cached on disk).
    #[new]
    fn new(py: Python<'_>, package: &str, path: PathBuf) -> PyResult<Self> {
        let rt = runtime()?;
        let loaded = py.detach(|| rt.load_file(&path)).map_err(|e| to_py_err(py, e))?;
        let backend = match generated::Adapter::new(package, &rt, &loaded).map_err(|e| to_py_err(py, e))? {
            Some(adapter) => Backend::Typed(adapter),
            None => Backend::Dynamic(witk::Dynamic::new(&rt, &loaded).map_err(|e| to_py_err(py, e))?),
        };
        Ok(Pipeline { package: package.to_string(), backend })
    }

    /// Call `function` (its WIT name, e.g. "compress-stringify") with positional arguments.
    #[pyo3(signature = (function, *args))]
    fn call(&self, py: Python<'_>, function: &str, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        match &self.backend {
            Backend::Typed(adapter) => adapter.call(py, function, args),
            Backend::Dynamic(d) => call_dynamic(py, d, function, args),
        }
    }

    /// Whether calls go through a generated typed adapter (else the dynamic path).
    #[getter]
    fn typed(&self) -> bool {
        matches!(self.backend, Backend::Typed(_))
    }

    #[getter]
    fn package(&self) -> &str {
        &self.package
    }

    fn __repr__(&self) -> String {
        format!("<witk.Pipeline {}>", self.package)
    }
}

/// `function` of a component without a typed adapter: arguments converted by the
/// component's parameter types; one result as itself, several as a tuple.
fn call_dynamic(py: Python<'_>, d: &witk::Dynamic, function: &str, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
    let Some(ty) = d.function(function) else {
        let known: Vec<&str> = d.functions().map(|(n, _)| n).collect();
        return Err(PyValueError::new_err(format!(
            "no function {function:?}; this component has {}",
            known.join(", ")
        )));
    };
    let params: Vec<(String, witk::wasmtime::component::types::Type)> =
        ty.params().map(|(n, t)| (n.replace('-', "_"), t)).collect();
    if args.len() != params.len() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{function}() takes {} arguments ({}), got {}",
            params.len(),
            params.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", "),
            args.len()
        )));
    }
    use witk::wasmtime::component::types::Type;
    let mut vals = Vec::with_capacity(params.len());
    // An output file given as (name, path) (witk.convert.output_file): the component gets
    // the name, and the files it returns are written here, as the typed adapters do.
    let mut out_path = None;
    for (arg, (name, t)) in args.iter().zip(&params) {
        match (t, convert::file_path(&arg)) {
            (Type::String, Some(path)) => {
                vals.push(witk::wasmtime::component::Val::String(witk::files::file_name(&path)));
                out_path = Some(path);
            }
            _ => vals.push(dynamic::to_val(&arg, t, name)?),
        }
    }
    let results = py.detach(|| d.call(function, &vals)).map_err(|e| to_py_err(py, e))?;
    drop(vals);
    if let Some(path) = out_path {
        let files = dynamic::binary_files(&results).ok_or_else(|| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "{function}() was given an output path but returns no files"
            ))
        })?;
        py.detach(|| witk::files::write_binary_files(&path, &files)).map_err(|e| to_py_err(py, e))?;
        return Ok(py.None());
    }
    let mut out = results.into_iter().map(|v| dynamic::from_val(py, v)).collect::<PyResult<Vec<_>>>()?;
    match out.len() {
        0 => Ok(py.None()),
        1 => Ok(out.pop().unwrap()),
        _ => Ok(PyTuple::new(py, out)?.into_any().unbind()),
    }
}

/// A witk error as the matching `witk.errors` exception.
pub(crate) fn to_py_err(py: Python<'_>, e: witk::Error) -> PyErr {
    use witk::Error as E;
    let (code, pipeline, message) = match &e {
        E::Pipeline { pipeline, code, message } => (code.as_str(), pipeline.clone(), message.clone()),
        E::Timeout { pipeline, .. } => ("timeout", pipeline.clone(), e.to_string()),
        E::MemoryLimit { pipeline, .. } => ("memory-limit", pipeline.clone(), e.to_string()),
        E::Trap { pipeline, .. } => ("trap", pipeline.clone(), e.to_string()),
        E::Load { what, .. } => ("load", what.clone(), e.to_string()),
        E::Io { path, source } => {
            // The OSError subclass of its kind (FileNotFoundError, PermissionError, ...).
            return PyErr::from(std::io::Error::new(source.kind(), format!("{path}: {source}")));
        }
    };
    let made = (|| -> PyResult<PyErr> {
        let class = py.import("witk.errors")?.getattr("BY_CODE")?.get_item(code)?;
        Ok(PyErr::from_value(class.call1((pipeline.clone(), message.clone()))?))
    })();
    made.unwrap_or_else(|err| err)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(configure, m)?)?;
    m.add_function(wrap_pyfunction!(settings, m)?)?;
    m.add_class::<Pipeline>()?;
    m.add("PACKAGES", generated::Adapter::PACKAGES.to_vec())?;
    Ok(())
}
