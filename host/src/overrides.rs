//! Native implementations that replace component functions.
//!
//! An accelerator (a native library, a GPU kernel) registers itself under the
//! pipeline's package and function names; the typed pipeline API calls it instead of
//! the component, which stays the fallback when nothing is registered. Each pipeline
//! module defines the signature an override must have (for example
//! [`CompressStringifyFn`](crate::pipelines::compress_stringify::CompressStringifyFn)).

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

type Key = (String, String);

/// Registry keyed by (package, function), e.g. `("compress-stringify", "compress-stringify")`.
#[derive(Default)]
pub struct Overrides {
    map: RwLock<HashMap<Key, Arc<dyn Any + Send + Sync>>>,
}

impl Overrides {
    /// Use `implementation` for `package`/`function` from now on, replacing any
    /// earlier override. Its type must be the signature the pipeline module defines,
    /// or the pipeline will ignore it.
    pub fn register<F: Any + Send + Sync>(&self, package: &str, function: &str, implementation: F) {
        self.map.write().unwrap().insert((package.into(), function.into()), Arc::new(implementation));
    }

    /// Remove an override; the component is called again. Returns whether one existed.
    pub fn remove(&self, package: &str, function: &str) -> bool {
        self.map.write().unwrap().remove(&(package.into(), function.into())).is_some()
    }

    /// The override for `package`/`function` if one is registered with type `F`.
    pub fn get<F: Any + Clone>(&self, package: &str, function: &str) -> Option<F> {
        let map = self.map.read().unwrap();
        map.get(&(package.to_string(), function.to_string()))?.downcast_ref::<F>().cloned()
    }

    /// (package, function) pairs that have an override.
    pub fn list(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self.map.read().unwrap().keys().cloned().collect();
        v.sort();
        v
    }
}
