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
}
