//! Conversions of the shared `witk:types/spatial` types between the host's Rust types
//! and the plain Python values of `witk.convert` (dicts, tuples, WIT names). Written once
//! here; every pipeline's generated adapter uses them.

use crate::convert::{ByteArg, FromPy, IntoPy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyTuple};
use witk::pipelines::types::witk::types::spatial::{
    BinaryFile, Buffer, ComponentType, Image, ImageRegion, ImageType, PixelType,
};

/// The WIT case name of an enum value.
trait WitName {
    fn wit_name(self) -> &'static str;
}

macro_rules! wit_enum {
    ($ty:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        impl FromPy for $ty {
            fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
                let name: String = obj.extract()?;
                match name.as_str() {
                    $($name => Ok($ty::$variant),)*
                    other => Err(PyValueError::new_err(format!("unknown {} '{other}'", stringify!($ty)))),
                }
            }
        }
        impl WitName for $ty {
            fn wit_name(self) -> &'static str {
                match self { $($ty::$variant => $name),* }
            }
        }
    };
}

wit_enum!(ComponentType {
    Int8 = "int8", Uint8 = "uint8", Int16 = "int16", Uint16 = "uint16", Int32 = "int32", Uint32 = "uint32",
    Int64 = "int64", Uint64 = "uint64", Float32 = "float32", Float64 = "float64",
});

wit_enum!(PixelType {
    Unknown = "unknown", Scalar = "scalar", Rgb = "rgb", Rgba = "rgba", Offset = "offset", Vector = "vector",
    Point = "point", CovariantVector = "covariant-vector",
    SymmetricSecondRankTensor = "symmetric-second-rank-tensor", DiffusionTensor3D = "diffusion-tensor3-d",
    Complex = "complex", FixedArray = "fixed-array", Array = "array", Matrix = "matrix",
    VariableLengthVector = "variable-length-vector", VariableSizeMatrix = "variable-size-matrix",
});

/// `(path, bytes-like)`
impl FromPy for BinaryFile {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let (path, data): (String, Bound<'_, PyAny>) = obj.extract()?;
        Ok(BinaryFile { path, data: ByteArg::extract(&data, "data")?.as_slice().to_vec() })
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

macro_rules! typed_buffer {
    ($bytes:expr, $ctype:expr, { $($ct:ident => $variant:ident($t:ty)),* $(,)? }) => {
        match $ctype {
            $(ComponentType::$ct => Buffer::$variant(
                $bytes.chunks_exact(std::mem::size_of::<$t>()).map(|c| <$t>::from_le_bytes(c.try_into().unwrap())).collect()
            ),)*
        }
    };
}

macro_rules! buffer_bytes {
    ($buffer:expr, { $($variant:ident),* $(,)? }) => {
        match $buffer {
            $(Buffer::$variant(v) => (ComponentType::$variant, v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>()),)*
        }
    };
}

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
            let bytes = view.as_slice();
            let width = match component_type {
                ComponentType::Int8 | ComponentType::Uint8 => 1,
                ComponentType::Int16 | ComponentType::Uint16 => 2,
                ComponentType::Int32 | ComponentType::Uint32 | ComponentType::Float32 => 4,
                _ => 8,
            };
            if bytes.len() % width != 0 {
                return Err(PyValueError::new_err("pixel buffer length is not a whole number of components"));
            }
            Some(typed_buffer!(bytes, component_type, {
                Int8 => Int8(i8), Uint8 => Uint8(u8), Int16 => Int16(i16), Uint16 => Uint16(u16),
                Int32 => Int32(i32), Uint32 => Uint32(u32), Int64 => Int64(i64), Uint64 => Uint64(u64),
                Float32 => Float32(f32), Float64 => Float64(f64),
            }))
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
                let (_, bytes) = buffer_bytes!(buffer, {
                    Int8, Uint8, Int16, Uint16, Int32, Uint32, Int64, Uint64, Float32, Float64,
                });
                d.set_item("data", PyByteArray::new(py, &bytes))?;
            }
            None => d.set_item("data", py.None())?,
        }
        d.set_item("buffered_region", self.buffered_region.map(|r| (r.index, r.size)))?;
        Ok(d.into_any().unbind())
    }
}
