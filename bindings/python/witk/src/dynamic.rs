//! Python values <-> wasmtime `Val`s, directed by the component's own types: how the
//! native core runs a component it has no generated adapter for (a pipeline built outside
//! this repository). Slower for bulk lists than the typed adapters (see
//! `witk::dynamic`), identical in errors and limits.
//!
//! Python side: `list<u8>` is any bytes-like object in and `bytes` out; lists of other
//! numbers are sequences in and lists out; records are dicts (or objects with
//! attributes) keyed by the WIT field name in snake_case or camelCase, and come back as
//! dicts with camelCase keys (ITK-Wasm's JSON spelling); enums are strings (or Python
//! enums) matched without regard to case, `-` or `_`; variants are `(case, value)`.

use crate::convert::ByteArg;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use witk::wasmtime::component::types::Type;
use witk::wasmtime::component::Val;

/// Compare enum and case names as ITK-Wasm spells them (`VariableLengthVector`) with WIT's
/// (`variable-length-vector`).
fn loose(name: &str) -> String {
    name.chars().filter(|c| *c != '-' && *c != '_').flat_map(char::to_lowercase).collect()
}

fn camel(kebab: &str) -> String {
    let mut out = String::new();
    for (i, word) in kebab.split('-').enumerate() {
        let mut c = word.chars();
        match c.next() {
            Some(f) if i > 0 => out.extend(f.to_uppercase().chain(c)),
            Some(f) => out.extend(std::iter::once(f).chain(c)),
            None => {}
        }
    }
    out
}

/// A field of a dict or object by its WIT name in snake_case or camelCase.
fn field<'py>(obj: &Bound<'py, PyAny>, wit: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let names = [wit.replace('-', "_"), camel(wit), wit.to_string()];
    if let Ok(d) = obj.cast::<PyDict>() {
        for n in &names {
            if let Some(v) = d.get_item(n)? {
                return Ok(Some(v));
            }
        }
        return Ok(None);
    }
    for n in &names {
        if let Ok(v) = obj.getattr(n.as_str()) {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// An enum value's name: a str, or a Python enum's `.value`.
fn name_of(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match obj.extract::<String>() {
        Ok(s) => Ok(s),
        Err(_) => obj.getattr("value")?.extract(),
    }
}

/// `obj` as a value of WIT type `ty`; `what` names it in errors (`input`, `input.size[2]`).
pub fn to_val(obj: &Bound<'_, PyAny>, ty: &Type, what: &str) -> PyResult<Val> {
    let wrong = |expected: &str| {
        let got = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        PyTypeError::new_err(format!("{what}: expected {expected}, got {got}"))
    };
    Ok(match ty {
        Type::Bool => Val::Bool(obj.extract().map_err(|_| wrong("a bool"))?),
        Type::S8 => Val::S8(obj.extract().map_err(|_| wrong("an int in the s8 range"))?),
        Type::U8 => Val::U8(obj.extract().map_err(|_| wrong("an int in the u8 range"))?),
        Type::S16 => Val::S16(obj.extract().map_err(|_| wrong("an int in the s16 range"))?),
        Type::U16 => Val::U16(obj.extract().map_err(|_| wrong("an int in the u16 range"))?),
        Type::S32 => Val::S32(obj.extract().map_err(|_| wrong("an int in the s32 range"))?),
        Type::U32 => Val::U32(obj.extract().map_err(|_| wrong("an int in the u32 range"))?),
        Type::S64 => Val::S64(obj.extract().map_err(|_| wrong("an int in the s64 range"))?),
        Type::U64 => Val::U64(obj.extract().map_err(|_| wrong("an int in the u64 range"))?),
        Type::Float32 => Val::Float32(obj.extract().map_err(|_| wrong("a float"))?),
        Type::Float64 => Val::Float64(obj.extract().map_err(|_| wrong("a float"))?),
        Type::Char => Val::Char(obj.extract().map_err(|_| wrong("a one-character str"))?),
        Type::String => Val::String(obj.extract().map_err(|_| wrong("a str"))?),
        Type::List(list) => match list.ty() {
            Type::U8 => Val::List(ByteArg::extract(obj, what)?.as_slice().iter().map(|b| Val::U8(*b)).collect()),
            elem if dtype_name(obj)?.is_some() => numeric_list(obj, &elem, what)?,
            elem => {
                let mut items = Vec::new();
                for (i, item) in obj.try_iter().map_err(|_| wrong("a sequence"))?.enumerate() {
                    items.push(to_val(&item?, &elem, &format!("{what}[{i}]"))?);
                }
                Val::List(items)
            }
        },
        // A tuple of a record's fields in WIT order, as witk.convert gives an image region.
        // A binary-file as (name, path) (witk.convert.read_binary_file): the file's bytes,
        // as the typed adapters read them.
        Type::Record(record)
            if record.fields().map(|f| f.name).eq(["path", "data"]) && obj.extract::<(String, String)>().is_ok() =>
        {
            let (name, path): (String, String) = obj.extract()?;
            let data = obj
                .py()
                .detach(|| std::fs::read(&path))
                .map_err(|e| PyErr::from(std::io::Error::new(e.kind(), format!("{path}: {e}"))))?;
            Val::Record(vec![
                ("path".into(), Val::String(name)),
                ("data".into(), Val::List(data.into_iter().map(Val::U8).collect())),
            ])
        }
        Type::Record(record) if obj.is_instance_of::<PyTuple>() => {
            let items: Vec<Bound<'_, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
            if items.len() != record.fields().len() {
                return Err(wrong(&format!("a record of {} fields", record.fields().len())));
            }
            let fields = record
                .fields()
                .zip(&items)
                .map(|(f, v)| Ok((f.name.to_string(), to_val(v, &f.ty, &format!("{what}.{}", f.name))?)));
            Val::Record(fields.collect::<PyResult<_>>()?)
        }
        Type::Record(record) => {
            let mut fields = Vec::new();
            for f in record.fields() {
                let name = format!("{what}.{}", f.name);
                let val = match (field(obj, f.name)?, &f.ty) {
                    (Some(v), _) => to_val(&v, &f.ty, &name)?,
                    // witk.convert's dicts carry a nested type record's fields flattened
                    // into the outer one (an image's dimension, component_type, ...).
                    (None, Type::Record(_)) => to_val(obj, &f.ty, &name)?,
                    (None, _) => return Err(PyValueError::new_err(format!("{what}: missing field '{}'", f.name))),
                };
                fields.push((f.name.to_string(), val));
            }
            Val::Record(fields)
        }
        Type::Tuple(tuple) => {
            let items: Vec<Bound<'_, PyAny>> =
                obj.try_iter().map_err(|_| wrong("a tuple"))?.collect::<PyResult<_>>()?;
            let types: Vec<Type> = tuple.types().collect();
            if items.len() != types.len() {
                return Err(PyValueError::new_err(format!("{what}: expected {} items", types.len())));
            }
            let vals = items.iter().zip(&types).enumerate().map(|(i, (v, t))| to_val(v, t, &format!("{what}[{i}]")));
            Val::Tuple(vals.collect::<PyResult<_>>()?)
        }
        Type::Enum(e) => {
            let given = name_of(obj).map_err(|_| wrong("a str"))?;
            let case = e.names().find(|n| loose(n) == loose(&given)).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "{what}: '{given}' is not one of {}",
                    e.names().collect::<Vec<_>>().join(", ")
                ))
            })?;
            Val::Enum(case.to_string())
        }
        Type::Variant(v) => {
            // A NumPy array for witk:types' `buffer` picks the case its dtype names.
            let (case, payload): (Bound<'_, PyAny>, Option<Bound<'_, PyAny>>) = match dtype_name(obj)? {
                Some(dtype) => (pyo3::types::PyString::new(obj.py(), &dtype).into_any(), Some(obj.clone())),
                None => match obj.extract() {
                    Ok((c, p)) => (c, Some(p)),
                    Err(_) => (obj.clone(), None),
                },
            };
            let given = name_of(&case).map_err(|_| wrong("a (case, value) tuple"))?;
            let c = v
                .cases()
                .find(|c| loose(c.name) == loose(&given))
                .ok_or_else(|| PyValueError::new_err(format!("{what}: no case '{given}'")))?;
            let payload = match (c.ty, payload) {
                (Some(t), Some(p)) => Some(Box::new(to_val(&p, &t, &format!("{what}.{}", c.name))?)),
                (None, _) => None,
                (Some(_), None) => {
                    return Err(PyValueError::new_err(format!("{what}: case '{}' needs a value", c.name)))
                }
            };
            Val::Variant(c.name.to_string(), payload)
        }
        Type::Option(o) => match obj.is_none() {
            true => Val::Option(None),
            false => Val::Option(Some(Box::new(to_val(obj, &o.ty(), what)?))),
        },
        Type::Flags(f) => {
            let given: Vec<String> = obj.extract().map_err(|_| wrong("a list of str"))?;
            for g in &given {
                if !f.names().any(|n| n == g) {
                    return Err(PyValueError::new_err(format!("{what}: no flag '{g}'")));
                }
            }
            Val::Flags(given)
        }
        other => return Err(PyTypeError::new_err(format!("{what}: WIT type {other:?} is not supported from Python"))),
    })
}

/// The component type a NumPy array or a typed `memoryview` holds (`float32`, ...), or
/// `None` for anything else (lists, tuples, bytes).
fn dtype_name(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        return Ok(None);
    }
    if obj.is_instance_of::<pyo3::types::PyMemoryView>() {
        // witk.convert's buffers: memoryviews cast to the declared type's format.
        let format: String = obj.getattr("format")?.extract()?;
        let name = match format.trim_start_matches(['<', '=', '@']) {
            "b" => "int8",
            "B" => "uint8",
            "h" => "int16",
            "H" => "uint16",
            "i" => "int32",
            "I" => "uint32",
            "q" => "int64",
            "Q" => "uint64",
            "f" => "float32",
            "d" => "float64",
            _ => return Ok(None),
        };
        return Ok(Some(name.to_string()));
    }
    match obj.getattr("dtype") {
        Ok(dtype) => Ok(Some(dtype.str()?.to_string())),
        Err(_) => Ok(None),
    }
}

/// A `list<number>` from a NumPy array of exactly that element type, read as one block
/// of memory (no per-element Python objects); another dtype is a `TypeError`.
fn numeric_list(obj: &Bound<'_, PyAny>, elem: &Type, what: &str) -> PyResult<Val> {
    let want = match elem {
        Type::S8 => "int8",
        Type::S16 => "int16",
        Type::U16 => "uint16",
        Type::S32 => "int32",
        Type::U32 => "uint32",
        Type::S64 => "int64",
        Type::U64 => "uint64",
        Type::Float32 => "float32",
        Type::Float64 => "float64",
        _ => {
            // Lists of records, strings, ... from an array: element by element.
            let mut items = Vec::new();
            for (i, item) in obj.try_iter()?.enumerate() {
                items.push(to_val(&item?, elem, &format!("{what}[{i}]"))?);
            }
            return Ok(Val::List(items));
        }
    };
    let got = dtype_name(obj)?.unwrap_or_default();
    if got != want {
        return Err(PyTypeError::new_err(format!("{what}: expected a {want} array, got {got}")));
    }
    let view = ByteArg::extract(obj, what)?;
    macro_rules! read {
        ($t:ty, $case:ident) => {
            view.as_slice()
                .chunks_exact(std::mem::size_of::<$t>())
                .map(|b| Val::$case(<$t>::from_ne_bytes(b.try_into().unwrap())))
                .collect()
        };
    }
    Ok(Val::List(match elem {
        Type::S8 => read!(i8, S8),
        Type::S16 => read!(i16, S16),
        Type::U16 => read!(u16, U16),
        Type::S32 => read!(i32, S32),
        Type::U32 => read!(u32, U32),
        Type::S64 => read!(i64, S64),
        Type::U64 => read!(u64, U64),
        Type::Float32 => read!(f32, Float32),
        _ => read!(f64, Float64),
    }))
}

/// A component's value as Python.
pub fn from_val(py: Python<'_>, v: Val) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Val::Bool(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
        Val::S8(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::U8(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::S16(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::U16(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::S32(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::U32(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::S64(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::U64(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::Float32(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::Float64(x) => x.into_pyobject(py)?.into_any().unbind(),
        Val::Char(c) => c.into_pyobject(py)?.into_any().unbind(),
        Val::String(s) => s.into_pyobject(py)?.into_any().unbind(),
        Val::List(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Val::U8(_))) => {
            let bytes: Vec<u8> = items.into_iter().map(|i| if let Val::U8(b) = i { b } else { 0 }).collect();
            PyBytes::new(py, &bytes).into_any().unbind()
        }
        Val::List(items) | Val::FixedLengthList(items) => {
            let list = PyList::empty(py);
            for i in items {
                list.append(from_val(py, i)?)?;
            }
            list.into_any().unbind()
        }
        Val::Record(fields) => {
            let d = PyDict::new(py);
            for (k, v) in fields {
                d.set_item(camel(&k), from_val(py, v)?)?;
            }
            d.into_any().unbind()
        }
        Val::Tuple(items) => {
            let items = items.into_iter().map(|i| from_val(py, i)).collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, items)?.into_any().unbind()
        }
        Val::Variant(case, payload) => {
            let payload = match payload {
                Some(p) => from_val(py, *p)?,
                None => py.None(),
            };
            PyTuple::new(py, [case.into_pyobject(py)?.into_any().unbind(), payload])?.into_any().unbind()
        }
        Val::Enum(name) => name.into_pyobject(py)?.into_any().unbind(),
        Val::Option(o) => match o {
            Some(v) => from_val(py, *v)?,
            None => py.None(),
        },
        Val::Result(r) => match r {
            Ok(Some(v)) => from_val(py, *v)?,
            Ok(None) => py.None(),
            Err(e) => {
                let detail = match e {
                    Some(e) => from_val(py, *e)?.bind(py).repr()?.to_string(),
                    None => String::new(),
                };
                return Err(PyValueError::new_err(format!("the component returned an error: {detail}")));
            }
        },
        Val::Flags(names) => PyList::new(py, names)?.into_any().unbind(),
        other => return Err(PyTypeError::new_err(format!("WIT value {other:?} is not supported in Python"))),
    })
}

/// A call's `result<list<binary-file>, _>` as the files it holds (`None` for any other
/// result), for a binding that writes them.
pub fn binary_files(results: &[Val]) -> Option<Vec<witk::pipelines::types::witk::types::spatial::BinaryFile>> {
    let [Val::Result(Ok(Some(list)))] = results else { return None };
    let Val::List(items) = &**list else { return None };
    items
        .iter()
        .map(|item| {
            let Val::Record(fields) = item else { return None };
            let path = fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("path", Val::String(p)) => Some(p.clone()),
                _ => None,
            })?;
            let data = fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("data", Val::List(bytes)) => {
                    bytes.iter().map(|b| if let Val::U8(b) = b { Some(*b) } else { None }).collect::<Option<Vec<u8>>>()
                }
                _ => None,
            })?;
            Some(witk::pipelines::types::witk::types::spatial::BinaryFile { path, data })
        })
        .collect()
}
