//! Native implementations that replace component functions.
//!
//! An accelerator (a native library, a GPU kernel) registers itself for one pipeline
//! function; the typed pipeline API calls it instead of the component, which stays the
//! fallback when nothing is registered. Every pipeline module has a typed [`Key`] per
//! function in its `overrides` module, so an implementation of the wrong signature is a
//! compile error, not an override that is silently never called:
//!
//! ```
//! use std::sync::Arc;
//! use witk::pipelines::compress_stringify::{overrides, ParseStringDecompressFn};
//!
//! let runtime = witk::Runtime::new(Default::default())?;
//! let f: ParseStringDecompressFn = Arc::new(|input, _parse_string| Ok(input.to_vec()));
//! runtime.overrides().register(overrides::PARSE_STRING_DECOMPRESS, f);
//! assert!(runtime.overrides().remove(overrides::PARSE_STRING_DECOMPRESS));
//! # Ok::<(), witk::Error>(())
//! ```
//!
//! ```compile_fail
//! use witk::pipelines::compress_stringify::overrides;
//! let runtime = witk::Runtime::new(Default::default()).unwrap();
//! runtime.overrides().register(overrides::PARSE_STRING_DECOMPRESS, 42u32); // not its signature
//! ```

use std::any::Any;
use std::cell::Cell;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

/// The override slot of one pipeline function, typed by the implementation it takes
/// (e.g. [`CompressStringifyFn`](crate::pipelines::compress_stringify::CompressStringifyFn)).
pub struct Key<F> {
    /// The WIT package (`compress-stringify`).
    pub package: &'static str,
    /// The WIT function (`parse-string-decompress`).
    pub function: &'static str,
    signature: PhantomData<fn() -> F>,
}

impl<F> Key<F> {
    pub const fn new(package: &'static str, function: &'static str) -> Self {
        Key { package, function, signature: PhantomData }
    }
}

impl<F> Clone for Key<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F> Copy for Key<F> {}

/// An override, stored without its type; [`Key`]s restore it.
type Stored = Arc<dyn Any + Send + Sync>;

/// Registry of overrides by (package, function); values are only ever stored and read
/// through a [`Key`] of their own type.
#[derive(Default)]
pub struct Overrides {
    map: RwLock<HashMap<(&'static str, &'static str), Stored>>,
}

impl Overrides {
    /// Use `implementation` for `key`'s function from now on, replacing any earlier override.
    pub fn register<F: Any + Send + Sync>(&self, key: Key<F>, implementation: F) {
        self.map.write().unwrap().insert((key.package, key.function), Arc::new(implementation));
    }

    /// Remove an override; the component is called again. Returns whether one existed.
    pub fn remove<F>(&self, key: Key<F>) -> bool {
        self.map.write().unwrap().remove(&(key.package, key.function)).is_some()
    }

    /// The override registered for `key`, if any (none inside [`bypassed`]).
    pub fn get<F: Any + Clone>(&self, key: Key<F>) -> Option<F> {
        if BYPASSED.with(Cell::get) {
            return None;
        }
        let map = self.map.read().unwrap();
        // Only `register` inserts, with a value of the key's type: the downcast holds.
        map.get(&(key.package, key.function))?.downcast_ref::<F>().cloned()
    }

    /// (package, function) pairs that have an override.
    pub fn list(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self.map.read().unwrap().keys().map(|(p, f)| (p.to_string(), f.to_string())).collect();
        v.sort();
        v
    }
}

thread_local! {
    static BYPASSED: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` with every override ignored on this thread, so that pipeline functions called
/// in it run their components. For an override that falls back to the component it
/// replaces (compare-images' slabs, for a small image): calling the pipeline's function
/// directly would reach the override again.
pub fn bypassed<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            BYPASSED.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(BYPASSED.with(|b| b.replace(true)));
    f()
}
