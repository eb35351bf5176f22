//! Conversions of the shared `witk:types/spatial` types between the host's Rust types
//! and the plain Python values of `witk.convert` (dicts, tuples, WIT names). Written once
//! here; every pipeline's generated adapter uses them.

use crate::convert::{ByteArg, FromPy, IntoPy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use witk::pipelines::types::witk::types::spatial::{
    BinaryFile, Buffer, ComponentType, Image, ImageRegion, ImageType, PixelType,
};

/// The WIT case name of an enum value (the names are `witk-spatial`'s, written once).
trait WitName {
    fn wit_name(self) -> &'static str;
}

impl WitName for ComponentType {
    fn wit_name(self) -> &'static str {
        witk::spatial::ComponentType::from(self).name()
    }
}

impl WitName for PixelType {
    fn wit_name(self) -> &'static str {
        witk::spatial::PixelType::from(self).wit_name()
    }
}

impl FromPy for ComponentType {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let name: String = obj.extract()?;
        witk::spatial::ComponentType::from_name(&name)
            .map(Into::into)
            .ok_or_else(|| PyValueError::new_err(format!("unknown ComponentType '{name}'")))
    }
}

impl FromPy for PixelType {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let name: String = obj.extract()?;
        witk::spatial::PixelType::from_wit_name(&name)
            .map(Into::into)
            .ok_or_else(|| PyValueError::new_err(format!("unknown PixelType '{name}'")))
    }
}

/// `(name, bytes-like)`, or `(name, path)`: a file this reads straight into the buffer
/// the component gets, without a copy in Python.
impl FromPy for BinaryFile {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let (path, data): (String, Bound<'_, PyAny>) = obj.extract()?;
        let data = match data.cast::<PyString>() {
            Ok(file) => {
                let file = file.to_string();
                obj.py().detach(|| std::fs::read(&file)).map_err(|e| {
                    let err = PyErr::from(e);
                    let message = format!("{file}: {}", err.value(obj.py()));
                    match err.get_type(obj.py()).call1((message,)) {
                        Ok(named) => PyErr::from_value(named),
                        Err(_) => err,
                    }
                })?
            }
            Err(_) => ByteArg::extract(&data, "data")?.as_slice().to_vec(),
        };
        Ok(BinaryFile { path, data })
    }
}

impl IntoPy for Vec<BinaryFile> {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let items: Vec<Bound<'_, PyTuple>> = self
            .into_iter()
            .map(|f| PyTuple::new(py, [f.path.into_pyobject(py)?.into_any(), PyBytes::new(py, &f.data).into_any()]))
            .collect::<PyResult<_>>()?;
        Ok(PyList::new(py, items)?.into_any().unbind())
    }
}

macro_rules! typed_buffers {
    ($($ct:ident($t:ty)),* $(,)?) => {
        /// A typed buffer holding little-endian `bytes` (one memcpy; x86-64 and aarch64
        /// hosts are little-endian like wasm).
        fn buffer_from_bytes(ctype: ComponentType, bytes: &[u8]) -> PyResult<Buffer> {
            Ok(match ctype {
                $(ComponentType::$ct => {
                    let n = bytes.len() / std::mem::size_of::<$t>();
                    if n * std::mem::size_of::<$t>() != bytes.len() {
                        return Err(PyValueError::new_err("pixel buffer length is not a whole number of components"));
                    }
                    // Not `vec![0; n]`: calloc maps fresh pages every call, while an
                    // uninitialized allocation reuses the last large block (see alloc.rs).
                    let mut v: Vec<$t> = Vec::with_capacity(n);
                    // SAFETY: plain numbers: any byte pattern is valid, no padding; the copy
                    // initializes all `n` values before the length is set.
                    unsafe {
                        std::ptr::copy_nonoverlapping(bytes.as_ptr(), v.as_mut_ptr().cast::<u8>(), bytes.len());
                        v.set_len(n);
                    }
                    Buffer::$ct(v)
                })*
            })
        }

        /// The bytes of a typed buffer, borrowed.
        fn buffer_bytes(buffer: &Buffer) -> &[u8] {
            match buffer {
                // SAFETY: plain numbers viewed as the bytes they occupy.
                $(Buffer::$ct(v) => unsafe {
                    std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v.as_slice()))
                }),*
            }
        }
    };
}

#[cfg(target_endian = "big")]
compile_error!("pixel buffers are passed as little-endian bytes");

typed_buffers!(
    Int8(i8),
    Uint8(u8),
    Int16(i16),
    Uint16(u16),
    Int32(i32),
    Uint32(u32),
    Int64(i64),
    Uint64(u64),
    Float32(f32),
    Float64(f64),
);

/// The dict `witk.convert.image_to_native` makes.
impl FromPy for Image {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| -> PyResult<Bound<'_, PyAny>> {
            d.get_item(k)?.ok_or_else(|| PyValueError::new_err(format!("image dict has no '{k}'")))
        };
        let component_type = ComponentType::from_py(&get("component_type")?)?;
        let data = get("data")?;
        let data = if data.is_none() {
            None
        } else {
            let view = ByteArg::extract(&data, "data")?;
            Some(buffer_from_bytes(component_type, view.as_slice())?)
        };
        let region = get("buffered_region")?;
        Ok(Image {
            image_type: ImageType {
                dimension: get("dimension")?.extract()?,
                component_type,
                pixel_type: PixelType::from_py(&get("pixel_type")?)?,
                components: get("components")?.extract()?,
            },
            name: get("name")?.extract()?,
            origin: Vec::from_py(&get("origin")?)?,
            spacing: Vec::from_py(&get("spacing")?)?,
            direction: Vec::from_py(&get("direction")?)?,
            size: Vec::from_py(&get("size")?)?,
            metadata: get("metadata")?.extract()?,
            data,
            buffered_region: if region.is_none() {
                None
            } else {
                let (index, size): (Vec<u64>, Vec<u64>) = region.extract()?;
                Some(ImageRegion { index, size })
            },
        })
    }
}

/// A dict for `witk.convert.image_from_native`; pixels as a bytearray (writable arrays).
impl IntoPy for Image {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        d.set_item("dimension", self.image_type.dimension)?;
        d.set_item("component_type", self.image_type.component_type.wit_name())?;
        d.set_item("pixel_type", self.image_type.pixel_type.wit_name())?;
        d.set_item("components", self.image_type.components)?;
        d.set_item("name", self.name)?;
        d.set_item("origin", self.origin)?;
        d.set_item("spacing", self.spacing)?;
        d.set_item("direction", self.direction)?;
        d.set_item("size", self.size)?;
        d.set_item("metadata", self.metadata)?;
        match self.data {
            Some(buffer) => {
                let bytes = buffer_bytes(&buffer);
                let array = PyByteArray::new_with(py, bytes.len(), |out| {
                    out.copy_from_slice(bytes);
                    Ok(())
                })?;
                drop(buffer);
                d.set_item("data", array)?;
            }
            None => d.set_item("data", py.None())?,
        }
        d.set_item("buffered_region", self.buffered_region.map(|r| (r.index, r.size)))?;
        Ok(d.into_any().unbind())
    }
}
