//! Conversions of the shared `witk:types/spatial` types between the host's Rust types
//! and the plain Python values of `witk.convert` (dicts, tuples, WIT names). Written once
//! here; every pipeline's generated adapter uses them.

use crate::convert::{ByteArg, FromPy, IntoPy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use witk::pipelines::types::witk::types::spatial::{
    BinaryFile, Buffer, ComponentType, Image, ImageRegion, ImageType, Mesh, MeshType, PixelType, PointSet,
    PointSetType, PolyData, PolyDataType, Transform, TransformParameterization, TransformType,
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

/// A parameterization goes by ITK-Wasm's name (`"Euler3D"`), the one `witk-spatial` has.
impl FromPy for TransformParameterization {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let name: String = obj.extract()?;
        witk::spatial::Parameterization::from_name(&name)
            .map(Into::into)
            .ok_or_else(|| PyValueError::new_err(format!("unknown TransformParameterizations '{name}'")))
    }
}

fn parameterization_name(p: TransformParameterization) -> &'static str {
    witk::spatial::Parameterization::from(p).name()
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

        /// The component type a typed buffer holds.
        fn buffer_type(buffer: &Buffer) -> ComponentType {
            match buffer {
                $(Buffer::$ct(_) => ComponentType::$ct),*
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

/// The owner of a result's pixel (or point) values while Python views them.
#[pyclass(frozen, module = "witk._native")]
struct NativeBuffer {
    _values: Buffer,
}

/// A typed buffer handed to Python without a copy: a writable ctypes byte array over the
/// buffer's own allocation (NumPy views it with `frombuffer`), holding the buffer's owner
/// as an attribute so the values live as long as any view of them. (The limited API of
/// Python 3.9, which the abi3 wheel targets, has no buffer protocol to implement.)
fn buffer_into_py(py: Python<'_>, buffer: Buffer) -> PyResult<Bound<'_, PyAny>> {
    let bytes = witk::buffers::as_bytes(&buffer);
    let (address, len) = (bytes.as_ptr() as usize, bytes.len());
    if len == 0 {
        return Ok(PyByteArray::new(py, &[]).into_any());
    }
    // Moving the buffer into its owner moves the vector, not its heap allocation.
    let owner = Bound::new(py, NativeBuffer { _values: buffer })?;
    let array_type = py.import("ctypes")?.getattr("c_ubyte")?.mul(len)?;
    let array = array_type.call_method1("from_address", (address,))?;
    array.setattr("_witk_owner", owner)?;
    Ok(array)
}

/// The item `key` of a dict the `witk.convert` helpers made for a `record`.
fn item<'py>(d: &Bound<'py, PyDict>, record: &str, key: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(key)?.ok_or_else(|| PyValueError::new_err(format!("{record} dict has no '{key}'")))
}

/// An optional buffer of a dict (any C-contiguous bytes-like object, read in place),
/// holding values of `ctype`.
fn optional_buffer(d: &Bound<'_, PyDict>, record: &str, key: &str, ctype: ComponentType) -> PyResult<Option<Buffer>> {
    let data = item(d, record, key)?;
    if data.is_none() {
        return Ok(None);
    }
    let view = ByteArg::extract(&data, key)?;
    buffer_from_bytes(ctype, view.as_slice())
        .map(Some)
        .map_err(|e| PyValueError::new_err(format!("{record} {key}: {}", e.value(d.py()))))
}

/// Sets `key` to an optional buffer as a bytearray. The buffer's case must be the
/// component type its record's type declares (`declared`), which Python reads it as.
fn set_optional_buffer(
    d: &Bound<'_, PyDict>,
    record: &str,
    key: &str,
    buffer: Option<Buffer>,
    declared: ComponentType,
) -> PyResult<()> {
    match buffer {
        Some(buffer) if buffer_type(&buffer) != declared => Err(PyValueError::new_err(format!(
            "the component returned a {record} whose {key} are {} but whose type says {}",
            buffer_type(&buffer).wit_name(),
            declared.wit_name()
        ))),
        Some(buffer) => d.set_item(key, buffer_into_py(d.py(), buffer)?),
        None => d.set_item(key, d.py().None()),
    }
}

/// The dict `witk.convert.mesh_to_native` makes for a `MeshType` (snake-case keys, WIT
/// enum names).
impl FromPy for MeshType {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "mesh_type", k);
        Ok(MeshType {
            dimension: get("dimension")?.extract()?,
            point_component_type: ComponentType::from_py(&get("point_component_type")?)?,
            point_pixel_component_type: ComponentType::from_py(&get("point_pixel_component_type")?)?,
            point_pixel_type: PixelType::from_py(&get("point_pixel_type")?)?,
            point_pixel_components: get("point_pixel_components")?.extract()?,
            cell_component_type: ComponentType::from_py(&get("cell_component_type")?)?,
            cell_pixel_component_type: ComponentType::from_py(&get("cell_pixel_component_type")?)?,
            cell_pixel_type: PixelType::from_py(&get("cell_pixel_type")?)?,
            cell_pixel_components: get("cell_pixel_components")?.extract()?,
        })
    }
}

impl IntoPy for MeshType {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        d.set_item("dimension", self.dimension)?;
        d.set_item("point_component_type", self.point_component_type.wit_name())?;
        d.set_item("point_pixel_component_type", self.point_pixel_component_type.wit_name())?;
        d.set_item("point_pixel_type", self.point_pixel_type.wit_name())?;
        d.set_item("point_pixel_components", self.point_pixel_components)?;
        d.set_item("cell_component_type", self.cell_component_type.wit_name())?;
        d.set_item("cell_pixel_component_type", self.cell_pixel_component_type.wit_name())?;
        d.set_item("cell_pixel_type", self.cell_pixel_type.wit_name())?;
        d.set_item("cell_pixel_components", self.cell_pixel_components)?;
        Ok(d.into_any().unbind())
    }
}

/// The dict `witk.convert.mesh_to_native` makes: `mesh_type` a dict, the buffers any
/// bytes-like objects (NumPy arrays) of the component types it declares, read in place.
impl FromPy for Mesh {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "mesh", k);
        let t = MeshType::from_py(&get("mesh_type")?)?;
        Ok(Mesh {
            name: get("name")?.extract()?,
            number_of_points: get("number_of_points")?.extract()?,
            points: optional_buffer(d, "mesh", "points", t.point_component_type)?,
            number_of_point_pixels: get("number_of_point_pixels")?.extract()?,
            point_data: optional_buffer(d, "mesh", "point_data", t.point_pixel_component_type)?,
            number_of_cells: get("number_of_cells")?.extract()?,
            cells: optional_buffer(d, "mesh", "cells", t.cell_component_type)?,
            cell_buffer_size: get("cell_buffer_size")?.extract()?,
            number_of_cell_pixels: get("number_of_cell_pixels")?.extract()?,
            cell_data: optional_buffer(d, "mesh", "cell_data", t.cell_pixel_component_type)?,
            metadata: get("metadata")?.extract()?,
            mesh_type: t,
        })
    }
}

/// A dict for `witk.convert.mesh_from_native`: the buffers as bytearrays (writable arrays).
impl IntoPy for Mesh {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        let t = self.mesh_type;
        d.set_item("name", self.name)?;
        d.set_item("number_of_points", self.number_of_points)?;
        set_optional_buffer(&d, "mesh", "points", self.points, t.point_component_type)?;
        d.set_item("number_of_point_pixels", self.number_of_point_pixels)?;
        set_optional_buffer(&d, "mesh", "point_data", self.point_data, t.point_pixel_component_type)?;
        d.set_item("number_of_cells", self.number_of_cells)?;
        set_optional_buffer(&d, "mesh", "cells", self.cells, t.cell_component_type)?;
        d.set_item("cell_buffer_size", self.cell_buffer_size)?;
        d.set_item("number_of_cell_pixels", self.number_of_cell_pixels)?;
        set_optional_buffer(&d, "mesh", "cell_data", self.cell_data, t.cell_pixel_component_type)?;
        d.set_item("metadata", self.metadata)?;
        d.set_item("mesh_type", t.into_py(py)?)?;
        Ok(d.into_any().unbind())
    }
}

/// The dict `witk.convert.point_set_to_native` makes for a `PointSetType`.
impl FromPy for PointSetType {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "point_set_type", k);
        Ok(PointSetType {
            dimension: get("dimension")?.extract()?,
            point_component_type: ComponentType::from_py(&get("point_component_type")?)?,
            point_pixel_component_type: ComponentType::from_py(&get("point_pixel_component_type")?)?,
            point_pixel_type: PixelType::from_py(&get("point_pixel_type")?)?,
            point_pixel_components: get("point_pixel_components")?.extract()?,
        })
    }
}

impl IntoPy for PointSetType {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        d.set_item("dimension", self.dimension)?;
        d.set_item("point_component_type", self.point_component_type.wit_name())?;
        d.set_item("point_pixel_component_type", self.point_pixel_component_type.wit_name())?;
        d.set_item("point_pixel_type", self.point_pixel_type.wit_name())?;
        d.set_item("point_pixel_components", self.point_pixel_components)?;
        Ok(d.into_any().unbind())
    }
}

/// The dict `witk.convert.point_set_to_native` makes (as a mesh's, without cells).
impl FromPy for PointSet {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "point_set", k);
        let t = PointSetType::from_py(&get("point_set_type")?)?;
        Ok(PointSet {
            name: get("name")?.extract()?,
            number_of_points: get("number_of_points")?.extract()?,
            points: optional_buffer(d, "point_set", "points", t.point_component_type)?,
            number_of_point_pixels: get("number_of_point_pixels")?.extract()?,
            point_data: optional_buffer(d, "point_set", "point_data", t.point_pixel_component_type)?,
            metadata: get("metadata")?.extract()?,
            point_set_type: t,
        })
    }
}

/// A dict for `witk.convert.point_set_from_native`.
impl IntoPy for PointSet {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        let t = self.point_set_type;
        d.set_item("name", self.name)?;
        d.set_item("number_of_points", self.number_of_points)?;
        set_optional_buffer(&d, "point_set", "points", self.points, t.point_component_type)?;
        d.set_item("number_of_point_pixels", self.number_of_point_pixels)?;
        set_optional_buffer(&d, "point_set", "point_data", self.point_data, t.point_pixel_component_type)?;
        d.set_item("metadata", self.metadata)?;
        d.set_item("point_set_type", t.into_py(py)?)?;
        Ok(d.into_any().unbind())
    }
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
            Some(buffer) => d.set_item("data", buffer_into_py(py, buffer)?)?,
            None => d.set_item("data", py.None())?,
        }
        d.set_item("buffered_region", self.buffered_region.map(|r| (r.index, r.size)))?;
        Ok(d.into_any().unbind())
    }
}

/// A buffer of a dict that its WIT type requires (`parameters: buffer`, `points:
/// list<f32>`): any bytes-like object of `ctype`, read in place; `None` is refused.
fn required_buffer(d: &Bound<'_, PyDict>, record: &str, key: &str, ctype: ComponentType) -> PyResult<Buffer> {
    optional_buffer(d, record, key, ctype)?.ok_or_else(|| PyValueError::new_err(format!("{record} {key} is None")))
}

/// The values of a buffer that `buffer_from_bytes` made of one component type.
macro_rules! buffer_values {
    ($($f:ident: $ct:ident($t:ty)),* $(,)?) => {$(
        fn $f(buffer: Buffer) -> Vec<$t> {
            match buffer {
                Buffer::$ct(v) => v,
                _ => unreachable!(concat!("buffer_from_bytes made a buffer of another type than ", stringify!($ct))),
            }
        }
    )*};
}
buffer_values!(f32_values: Float32(f32), f64_values: Float64(f64), u32_values: Uint32(u32));

/// The dict `witk.convert.transform_to_native` makes for a `TransformType` (the
/// parameterization by ITK-Wasm's name, the value type by its WIT name).
impl FromPy for TransformType {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "transform_type", k);
        Ok(TransformType {
            transform_parameterization: TransformParameterization::from_py(&get("transform_parameterization")?)?,
            parameters_value_type: ComponentType::from_py(&get("parameters_value_type")?)?,
            input_dimension: get("input_dimension")?.extract()?,
            output_dimension: get("output_dimension")?.extract()?,
        })
    }
}

impl IntoPy for TransformType {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        d.set_item("transform_parameterization", parameterization_name(self.transform_parameterization))?;
        d.set_item("parameters_value_type", self.parameters_value_type.wit_name())?;
        d.set_item("input_dimension", self.input_dimension)?;
        d.set_item("output_dimension", self.output_dimension)?;
        Ok(d.into_any().unbind())
    }
}

/// The dict `witk.convert.transform_to_native` makes: `parameters` a bytes-like object of
/// the value type `transform_type` declares, `fixed_parameters` one of float64, both read
/// in place.
impl FromPy for Transform {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "transform", k);
        let t = TransformType::from_py(&get("transform_type")?)?;
        Ok(Transform {
            number_of_fixed_parameters: get("number_of_fixed_parameters")?.extract()?,
            number_of_parameters: get("number_of_parameters")?.extract()?,
            name: get("name")?.extract()?,
            input_space_name: get("input_space_name")?.extract()?,
            output_space_name: get("output_space_name")?.extract()?,
            fixed_parameters: f64_values(required_buffer(d, "transform", "fixed_parameters", ComponentType::Float64)?),
            parameters: required_buffer(d, "transform", "parameters", t.parameters_value_type)?,
            metadata: get("metadata")?.extract()?,
            transform_type: t,
        })
    }
}

/// A dict for `witk.convert.transform_from_native`: the parameters and fixed parameters
/// as bytearrays (writable arrays of the declared value type and of float64).
impl IntoPy for Transform {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        let t = self.transform_type;
        d.set_item("number_of_fixed_parameters", self.number_of_fixed_parameters)?;
        d.set_item("number_of_parameters", self.number_of_parameters)?;
        d.set_item("name", self.name)?;
        d.set_item("input_space_name", self.input_space_name)?;
        d.set_item("output_space_name", self.output_space_name)?;
        d.set_item("fixed_parameters", buffer_into_py(py, Buffer::Float64(self.fixed_parameters))?)?;
        set_optional_buffer(&d, "transform", "parameters", Some(self.parameters), t.parameters_value_type)?;
        d.set_item("metadata", self.metadata)?;
        d.set_item("transform_type", t.into_py(py)?)?;
        Ok(d.into_any().unbind())
    }
}

/// The dict `witk.convert.poly_data_to_native` makes for a `PolyDataType`.
impl FromPy for PolyDataType {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "poly_data_type", k);
        Ok(PolyDataType {
            point_pixel_component_type: ComponentType::from_py(&get("point_pixel_component_type")?)?,
            point_pixel_type: PixelType::from_py(&get("point_pixel_type")?)?,
            point_pixel_components: get("point_pixel_components")?.extract()?,
            cell_pixel_component_type: ComponentType::from_py(&get("cell_pixel_component_type")?)?,
            cell_pixel_type: PixelType::from_py(&get("cell_pixel_type")?)?,
            cell_pixel_components: get("cell_pixel_components")?.extract()?,
        })
    }
}

impl IntoPy for PolyDataType {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        d.set_item("point_pixel_component_type", self.point_pixel_component_type.wit_name())?;
        d.set_item("point_pixel_type", self.point_pixel_type.wit_name())?;
        d.set_item("point_pixel_components", self.point_pixel_components)?;
        d.set_item("cell_pixel_component_type", self.cell_pixel_component_type.wit_name())?;
        d.set_item("cell_pixel_type", self.cell_pixel_type.wit_name())?;
        d.set_item("cell_pixel_components", self.cell_pixel_components)?;
        Ok(d.into_any().unbind())
    }
}

/// The dict `witk.convert.poly_data_to_native` makes: `points` float32 bytes, the
/// connectivity arrays uint32 bytes (or None), point and cell data of the component
/// types `poly_data_type` declares; all read in place.
impl FromPy for PolyData {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = obj.cast::<PyDict>()?;
        let get = |k: &str| item(d, "poly_data", k);
        let t = PolyDataType::from_py(&get("poly_data_type")?)?;
        let cells = |k: &str| optional_buffer(d, "poly_data", k, ComponentType::Uint32).map(|b| b.map(u32_values));
        Ok(PolyData {
            name: get("name")?.extract()?,
            number_of_points: get("number_of_points")?.extract()?,
            points: f32_values(required_buffer(d, "poly_data", "points", ComponentType::Float32)?),
            vertices_buffer_size: get("vertices_buffer_size")?.extract()?,
            vertices: cells("vertices")?,
            lines_buffer_size: get("lines_buffer_size")?.extract()?,
            lines: cells("lines")?,
            polygons_buffer_size: get("polygons_buffer_size")?.extract()?,
            polygons: cells("polygons")?,
            triangle_strips_buffer_size: get("triangle_strips_buffer_size")?.extract()?,
            triangle_strips: cells("triangle_strips")?,
            number_of_point_pixels: get("number_of_point_pixels")?.extract()?,
            point_data: optional_buffer(d, "poly_data", "point_data", t.point_pixel_component_type)?,
            number_of_cell_pixels: get("number_of_cell_pixels")?.extract()?,
            cell_data: optional_buffer(d, "poly_data", "cell_data", t.cell_pixel_component_type)?,
            metadata: get("metadata")?.extract()?,
            poly_data_type: t,
        })
    }
}

/// A dict for `witk.convert.poly_data_from_native`: every array a bytearray.
impl IntoPy for PolyData {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = PyDict::new(py);
        let t = self.poly_data_type;
        let cells = |k: &str, v: Option<Vec<u32>>| {
            set_optional_buffer(&d, "poly_data", k, v.map(Buffer::Uint32), ComponentType::Uint32)
        };
        d.set_item("name", self.name)?;
        d.set_item("number_of_points", self.number_of_points)?;
        d.set_item("points", buffer_into_py(py, Buffer::Float32(self.points))?)?;
        d.set_item("vertices_buffer_size", self.vertices_buffer_size)?;
        cells("vertices", self.vertices)?;
        d.set_item("lines_buffer_size", self.lines_buffer_size)?;
        cells("lines", self.lines)?;
        d.set_item("polygons_buffer_size", self.polygons_buffer_size)?;
        cells("polygons", self.polygons)?;
        d.set_item("triangle_strips_buffer_size", self.triangle_strips_buffer_size)?;
        cells("triangle_strips", self.triangle_strips)?;
        d.set_item("number_of_point_pixels", self.number_of_point_pixels)?;
        set_optional_buffer(&d, "poly_data", "point_data", self.point_data, t.point_pixel_component_type)?;
        d.set_item("number_of_cell_pixels", self.number_of_cell_pixels)?;
        set_optional_buffer(&d, "poly_data", "cell_data", self.cell_data, t.cell_pixel_component_type)?;
        d.set_item("metadata", self.metadata)?;
        d.set_item("poly_data_type", t.into_py(py)?)?;
        Ok(d.into_any().unbind())
    }
}

/// `list<record>` results (a transform list): a Python list of the records' dicts.
macro_rules! into_py_record_lists {
    ($($t:ty),* $(,)?) => {$(
        impl IntoPy for Vec<$t> {
            fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                let items = self.into_iter().map(|x| x.into_py(py)).collect::<PyResult<Vec<_>>>()?;
                Ok(PyList::new(py, items)?.into_any().unbind())
            }
        }
    )*};
}
into_py_record_lists!(Image, Mesh, PointSet, PolyData, Transform);
