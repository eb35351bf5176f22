//! Any component, called by function name with dynamic values: for components this build
//! has no typed module for (pipelines built outside this repository, Python-authored
//! guests). Types come from the component itself, so nothing is generated or listed.
//!
//! Values cross as wasmtime's [`Val`]s, converted element by element: fine for
//! parameters and small results, about 10x slower than the typed modules' memcpy for
//! bulk lists (`bench/src/main.rs` measures both). Pipelines built here use their typed
//! module (`witk::pipelines::<name>`).

use crate::error::{Error, ErrorCode, Result};
use crate::runtime::{InstancePool, Loaded, Runtime};
use std::sync::Arc;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{ComponentExportIndex, Instance, Val};

/// One exported function: where it is and its type.
struct Export {
    /// `compress-stringify`, or `iface#name` when two interfaces export the same name.
    name: String,
    index: ComponentExportIndex,
    ty: ComponentFunc,
}

/// A loaded component with its exported functions, called with [`Val`]s.
#[derive(Clone)]
pub struct Dynamic {
    name: String,
    pre: wasmtime::component::InstancePre<crate::CallState>,
    exports: Arc<Vec<Export>>,
    pool: Arc<InstancePool<Instance>>,
}

impl Dynamic {
    /// Look up every function `loaded` exports, at the top level or in an exported interface.
    pub fn new(runtime: &Runtime, loaded: &Loaded) -> Result<Self> {
        let engine = runtime.engine();
        let component = &loaded.component;
        let mut exports: Vec<Export> = Vec::new();
        for (outer, item) in component.component_type().exports(engine) {
            match item.ty {
                ComponentItem::ComponentFunc(ty) => {
                    if let Some(index) = component.get_export_index(None, outer) {
                        exports.push(Export { name: outer.to_string(), index, ty });
                    }
                }
                ComponentItem::ComponentInstance(instance) => {
                    let Some(parent) = component.get_export_index(None, outer) else { continue };
                    for (name, item) in instance.exports(engine) {
                        let ComponentItem::ComponentFunc(ty) = item.ty else { continue };
                        if let Some(index) = component.get_export_index(Some(&parent), name) {
                            let name = if exports.iter().any(|e| e.name == name) {
                                format!("{outer}#{name}")
                            } else {
                                name.to_string()
                            };
                            exports.push(Export { name, index, ty });
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Dynamic {
            name: loaded.name.clone(),
            pre: loaded.pre.clone(),
            exports: Arc::new(exports),
            pool: Arc::new(InstancePool::new(runtime)),
        })
    }

    /// The exported functions: name and type (parameter names and types, result types).
    pub fn functions(&self) -> impl Iterator<Item = (&str, &ComponentFunc)> {
        self.exports.iter().map(|e| (e.name.as_str(), &e.ty))
    }

    /// The type of `function`, if the component exports it.
    pub fn function(&self, function: &str) -> Option<&ComponentFunc> {
        self.exports.iter().find(|e| e.name == function).map(|e| &e.ty)
    }

    /// Call `function` with `args` on a pooled instance. A `result<_, error>` whose error
    /// is witk's `error { code, message }` record becomes [`Error::Pipeline`]; every other
    /// value comes back as the component returned it.
    pub fn call(&self, function: &str, args: &[Val]) -> Result<Vec<Val>> {
        let export = self.exports.iter().find(|e| e.name == function).ok_or_else(|| Error::Pipeline {
            pipeline: self.name.clone(),
            code: ErrorCode::InvalidArgument,
            message: format!(
                "the component exports no function '{function}'; it has: {}",
                self.exports.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        })?;
        let mut results = vec![Val::Bool(false); export.ty.results().len()];
        self.pool.call(
            function,
            |store| self.pre.instantiate(store),
            |instance, store| {
                let func = instance
                    .get_func(&mut *store, export.index)
                    .ok_or_else(|| wasmtime::Error::msg(format!("export '{function}' is not a function")))?;
                func.call(&mut *store, args, &mut results)
            },
        )?;
        match results.as_slice() {
            [Val::Result(Err(Some(e)))] => match witk_error(e) {
                Some((code, message)) => Err(Error::Pipeline { pipeline: function.to_string(), code, message }),
                None => Ok(results),
            },
            _ => Ok(results),
        }
    }
}

/// witk's `error { code: error-code, message: string }`, if `v` is one.
fn witk_error(v: &Val) -> Option<(ErrorCode, String)> {
    let Val::Record(fields) = v else { return None };
    let code = fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
        ("code", Val::Enum(c)) => ErrorCode::from_wit(c),
        _ => None,
    })?;
    let message = fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
        ("message", Val::String(m)) => Some(m.clone()),
        _ => None,
    })?;
    Some((code, message))
}

/// Helpers for building [`Val`]s (re-exported as `witk::wasmtime_val`).
pub mod val {
    pub use wasmtime::component::Val;

    /// `list<u8>` from bytes.
    pub fn bytes(data: &[u8]) -> Val {
        Val::List(data.iter().map(|b| Val::U8(*b)).collect())
    }

    /// The bytes of a `list<u8>`, if `v` is one.
    pub fn to_bytes(v: &Val) -> Option<Vec<u8>> {
        let Val::List(items) = v else { return None };
        items.iter().map(|i| if let Val::U8(b) = i { Some(*b) } else { None }).collect()
    }

    use crate::pipelines::types::witk::types::spatial::{Buffer, Image};
    use witk_spatial::{ComponentType, PixelType};

    fn f64s(v: &[f64]) -> Val {
        Val::List(v.iter().map(|x| Val::Float64(*x)).collect())
    }

    fn u64s(v: &[u64]) -> Val {
        Val::List(v.iter().map(|x| Val::U64(*x)).collect())
    }

    /// witk:types' `buffer` variant: the case is the component type's WIT name.
    fn buffer(b: &Buffer) -> Val {
        macro_rules! case {
            ($name:literal, $v:expr, $case:ident) => {
                ($name, $v.iter().map(|x| Val::$case(*x)).collect())
            };
        }
        let (name, items): (&str, Vec<Val>) = match b {
            Buffer::Int8(v) => case!("int8", v, S8),
            Buffer::Uint8(v) => case!("uint8", v, U8),
            Buffer::Int16(v) => case!("int16", v, S16),
            Buffer::Uint16(v) => case!("uint16", v, U16),
            Buffer::Int32(v) => case!("int32", v, S32),
            Buffer::Uint32(v) => case!("uint32", v, U32),
            Buffer::Int64(v) => case!("int64", v, S64),
            Buffer::Uint64(v) => case!("uint64", v, U64),
            Buffer::Float32(v) => case!("float32", v, Float32),
            Buffer::Float64(v) => case!("float64", v, Float64),
        };
        Val::Variant(name.into(), Some(Box::new(Val::List(items))))
    }

    /// witk:types' `image` as a [`Val`], for a component without typed bindings in
    /// this crate (a pipeline of one's own, called through [`crate::Dynamic`]).
    pub fn image(image: &Image) -> Val {
        let kind = &image.image_type;
        let component_type: ComponentType = kind.component_type.into();
        let pixel_type: PixelType = kind.pixel_type.into();
        let record = |fields: Vec<(&str, Val)>| Val::Record(fields.into_iter().map(|(k, v)| (k.into(), v)).collect());
        record(vec![
            (
                "image-type",
                record(vec![
                    ("dimension", Val::U32(kind.dimension)),
                    ("component-type", Val::Enum(component_type.name().into())),
                    ("pixel-type", Val::Enum(pixel_type.wit_name().into())),
                    ("components", Val::U32(kind.components)),
                ]),
            ),
            ("name", Val::String(image.name.clone())),
            ("origin", f64s(&image.origin)),
            ("spacing", f64s(&image.spacing)),
            ("direction", f64s(&image.direction)),
            ("size", u64s(&image.size)),
            (
                "metadata",
                Val::List(
                    image
                        .metadata
                        .iter()
                        .map(|(k, v)| Val::Tuple(vec![Val::String(k.clone()), Val::String(v.clone())]))
                        .collect(),
                ),
            ),
            ("data", Val::Option(image.data.as_ref().map(|b| Box::new(buffer(b))))),
            (
                "buffered-region",
                Val::Option(
                    image
                        .buffered_region
                        .as_ref()
                        .map(|r| Box::new(record(vec![("index", u64s(&r.index)), ("size", u64s(&r.size))]))),
                ),
            ),
        ])
    }
}
