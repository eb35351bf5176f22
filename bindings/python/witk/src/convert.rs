//! Python <-> Rust conversions shared by the generated adapters.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use std::ffi::{c_char, c_int, c_void};

/// `Py_buffer` as CPython defines it (unchanged since 3.0; part of the stable ABI
/// from 3.11). Declared here because PyO3 exposes the buffer protocol under abi3 only
/// for 3.11+, while the wheel targets 3.9+; the functions below are exported by every
/// CPython 3 interpreter.
#[repr(C)]
struct RawBuffer {
    buf: *mut c_void,
    obj: *mut ffi::PyObject,
    len: ffi::Py_ssize_t,
    itemsize: ffi::Py_ssize_t,
    readonly: c_int,
    ndim: c_int,
    format: *mut c_char,
    shape: *mut ffi::Py_ssize_t,
    strides: *mut ffi::Py_ssize_t,
    suboffsets: *mut ffi::Py_ssize_t,
    internal: *mut c_void,
}

extern "C" {
    fn PyObject_GetBuffer(obj: *mut ffi::PyObject, view: *mut RawBuffer, flags: c_int) -> c_int;
    fn PyBuffer_Release(view: *mut RawBuffer);
}

/// `PyBUF_C_CONTIGUOUS`: one C-contiguous block, read-only access is enough.
const PYBUF_C_CONTIGUOUS: c_int = 0x0020 | 0x0010 | 0x0008;

/// A read-only view of any C-contiguous buffer-protocol object (bytes, bytearray,
/// memoryview, NumPy arrays of any dtype): no copy, valid while the view lives. A `str`
/// (a data URL, say) is accepted as its UTF-8 bytes.
pub struct ByteArg {
    view: Box<RawBuffer>,
}

impl ByteArg {
    pub fn extract(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Self> {
        if obj.is_instance_of::<pyo3::types::PyString>() {
            let text: String = obj.extract()?;
            let utf8 = pyo3::types::PyBytes::new(obj.py(), text.as_bytes());
            return Self::extract(utf8.as_any(), name);
        }
        let mut view = Box::new(std::mem::MaybeUninit::<RawBuffer>::zeroed());
        // SAFETY: `obj` is a live object (GIL held); the view is written by CPython.
        let rc = unsafe { PyObject_GetBuffer(obj.as_ptr(), view.as_mut_ptr(), PYBUF_C_CONTIGUOUS) };
        if rc != 0 {
            let py = obj.py();
            let cause = PyErr::take(py);
            let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            // A buffer exporter that refuses the layout (NumPy: "not C-contiguous") raises
            // ValueError/BufferError; an object without the buffer protocol, TypeError.
            let is_layout = cause.as_ref().is_some_and(|e| {
                e.is_instance_of::<pyo3::exceptions::PyValueError>(py)
                    || e.is_instance_of::<pyo3::exceptions::PyBufferError>(py)
            });
            let cause = cause.map(|e| e.to_string()).unwrap_or_default();
            return Err(if is_layout {
                PyValueError::new_err(format!(
                    "{name}: the {type_name} buffer is not C-contiguous ({cause}); pass numpy.ascontiguousarray(...)"
                ))
            } else {
                PyTypeError::new_err(format!(
                    "{name}: expected a bytes-like object (bytes, bytearray, memoryview, numpy array), got {type_name}"
                ))
            });
        }
        // SAFETY: PyObject_GetBuffer succeeded, so the view is initialised.
        Ok(ByteArg { view: unsafe { Box::from_raw(Box::into_raw(view).cast::<RawBuffer>()) } })
    }

    pub fn as_slice(&self) -> &[u8] {
        let len = self.view.len.max(0) as usize;
        if len == 0 || self.view.buf.is_null() {
            return &[];
        }
        // SAFETY: a C-contiguous view of `len` bytes, kept alive by the exporter until
        // the view is released in Drop.
        unsafe { std::slice::from_raw_parts(self.view.buf as *const u8, len) }
    }
}

impl Drop for ByteArg {
    fn drop(&mut self) {
        // SAFETY: releases the view obtained in `extract`, with the GIL held.
        Python::attach(|_| unsafe { PyBuffer_Release(&mut *self.view) });
    }
}

// SAFETY: the view is only read while alive; it is released with the GIL held.
unsafe impl Send for ByteArg {}
unsafe impl Sync for ByteArg {}

pub fn arity(function: &str, args: &Bound<'_, PyTuple>, n: usize) -> PyResult<()> {
    if args.len() == n {
        Ok(())
    } else {
        Err(PyTypeError::new_err(format!("{function}() takes {n} arguments, got {}", args.len())))
    }
}

pub fn arg<'py, T>(args: &Bound<'py, PyTuple>, i: usize, name: &str) -> PyResult<T>
where
    T: for<'a> FromPyObject<'a, 'py, Error = PyErr>,
{
    args.get_item(i)?.extract::<T>().map_err(|e| PyTypeError::new_err(format!("{name}: {e}")))
}

/// A `list<binary-file>` argument given by path (`witk.convert.read_binary_files`: each
/// `(name as given, absolute path)`): the paths, each named as given (the host reads them,
/// each when it needs it). `None` if any file came as bytes.
pub fn file_paths(obj: &Bound<'_, PyAny>) -> Option<Vec<std::path::PathBuf>> {
    let items: Vec<(String, Bound<'_, PyAny>)> = obj.extract().ok()?;
    items
        .into_iter()
        .map(|(name, data)| data.is_instance_of::<pyo3::types::PyString>().then(|| std::path::PathBuf::from(name)))
        .collect()
}

/// A `binary-file` argument given by path (`witk.convert.read_binary_file`: `(file name,
/// absolute path)`): the path, which the host reads (the file named by its file name).
/// `None` if the file came as bytes, or under another name than its own.
pub fn file_path(obj: &Bound<'_, PyAny>) -> Option<std::path::PathBuf> {
    let (name, path): (String, String) = obj.extract().ok()?;
    let path = std::path::PathBuf::from(path);
    (path.file_name()? == name.as_str()).then_some(path)
}

/// A call's result as a Python object, or the matching witk exception.
pub fn output<T: IntoPy>(py: Python<'_>, result: witk::Result<T>) -> PyResult<Py<PyAny>> {
    match result {
        Ok(v) => v.into_py(py),
        Err(e) => Err(crate::to_py_err(py, e)),
    }
}

/// Argument `i` as a shared WIT type; errors name the parameter.
pub fn extract<T: FromPy>(args: &Bound<'_, PyTuple>, i: usize, name: &str) -> PyResult<T> {
    T::from_py(&args.get_item(i)?).map_err(|e| PyTypeError::new_err(format!("{name}: {e}")))
}

/// Conversion from the plain Python values witk's Python helpers make
/// (`witk.convert`): tuples, dicts and WIT names.
pub trait FromPy: Sized {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self>;
}

/// Conversion to plain Python values, turned into witk objects by `witk.convert`.
pub trait IntoPy {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

impl IntoPy for Vec<u8> {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(PyBytes::new(py, &self).into_any().unbind())
    }
}

impl IntoPy for String {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pyo3::types::PyString::new(py, &self).into_any().unbind())
    }
}

impl IntoPy for Vec<String> {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pyo3::types::PyList::new(py, self)?.into_any().unbind())
    }
}

/// `list<tuple<string, string>>` (DICOM tags and their values): a list of 2-tuples.
impl IntoPy for Vec<(String, String)> {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let items = self.into_iter().map(|(a, b)| PyTuple::new(py, [a, b])).collect::<PyResult<Vec<_>>>()?;
        Ok(pyo3::types::PyList::new(py, items)?.into_any().unbind())
    }
}

impl IntoPy for bool {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(pyo3::types::PyBool::new(py, self).to_owned().into_any().unbind())
    }
}

impl<T: IntoPy> IntoPy for Option<T> {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.into_py(py),
            None => Ok(py.None()),
        }
    }
}

impl<A: IntoPy, B: IntoPy> IntoPy for (A, B) {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(PyTuple::new(py, [self.0.into_py(py)?, self.1.into_py(py)?])?.into_any().unbind())
    }
}

impl<A: IntoPy, B: IntoPy, C: IntoPy> IntoPy for (A, B, C) {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let items = [self.0.into_py(py)?, self.1.into_py(py)?, self.2.into_py(py)?];
        Ok(PyTuple::new(py, items)?.into_any().unbind())
    }
}

impl<A: IntoPy, B: IntoPy, C: IntoPy, D: IntoPy> IntoPy for (A, B, C, D) {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let items = [self.0.into_py(py)?, self.1.into_py(py)?, self.2.into_py(py)?, self.3.into_py(py)?];
        Ok(PyTuple::new(py, items)?.into_any().unbind())
    }
}

macro_rules! into_py_numbers {
    ($($t:ty),*) => {$(
        /// A Python int or float (fields of a package's own records).
        impl IntoPy for $t {
            fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(self.into_pyobject(py)?.into_any().unbind())
            }
        }
    )*};
}
into_py_numbers!(i8, i16, u16, i32, u32, i64, u64, f32, f64);

macro_rules! into_py_number_lists {
    ($($t:ty),*) => {$(
        /// A Python list of ints or floats (downsample's sigmas and radii).
        impl IntoPy for Vec<$t> {
            fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(pyo3::types::PyList::new(py, self)?.into_any().unbind())
            }
        }
    )*};
}
into_py_number_lists!(u64, f64);

impl<T: FromPy> FromPy for Option<T> {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::from_py(obj).map(Some)
        }
    }
}

impl<T: FromPy> FromPy for Vec<T> {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        obj.try_iter()?.map(|item| T::from_py(&item?)).collect()
    }
}

impl FromPy for f64 {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        obj.extract()
    }
}

impl FromPy for u64 {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        obj.extract()
    }
}

impl FromPy for u32 {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        obj.extract()
    }
}

impl FromPy for String {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        obj.extract()
    }
}

pub fn unknown_function(function: &str) -> PyErr {
    PyValueError::new_err(format!("this pipeline has no function {function:?}"))
}
