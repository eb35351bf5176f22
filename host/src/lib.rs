//! # witk: spatial-analysis pipelines as WebAssembly components
//!
//! This crate hosts witk's pipeline components with wasmtime's component model:
//! typed calls generated from the WIT in `wit/`, pooled instances that are discarded
//! whenever a call fails (a trap never affects later calls), memory and time limits, an on-disk cache of compiled
//! components, and an override registry for native implementations.
//!
//! ```no_run
//! use witk::{Runtime, pipelines::compress_stringify::CompressStringify};
//!
//! let runtime = Runtime::new(Default::default())?;
//! let pipeline = CompressStringify::builtin(&runtime)?;
//! let url = pipeline.compress_stringify(&[33, 44, 55], true, 3, "data:application/zstd;base64,")?;
//! assert_eq!(url, b"data:application/zstd;base64,KLUv/SADGQAAISw3");
//! assert_eq!(pipeline.parse_string_decompress(&url, true)?, [33, 44, 55]);
//! # Ok::<(), witk::Error>(())
//! ```
//!
//! A component without a typed API here (a pipeline built with `witk new` and `witk
//! build`) runs through [`Dynamic`], by function name with wasmtime [`Val`](wasmtime_val::Val)s;
//! `examples/embed.rs` is a whole program that embeds this crate that way.

pub mod buffers;
pub mod builtin;
pub mod cache;
pub mod cli;
pub mod config;
pub mod dynamic;
pub mod error;
pub mod files;
pub mod overrides;
pub mod pipelines;
pub mod regions;
pub mod runtime;
pub mod validate;

pub use config::{Limits, PoolConfig, PreopenedDir, RuntimeConfig, WasiGrants};
pub use dynamic::{val as wasmtime_val, Dynamic};
pub use error::{Error, ErrorCode, Result};
pub use overrides::Overrides;
pub use runtime::{CallState, InstancePool, Loaded, Runtime};
/// The wasmtime this crate runs on, for [`Dynamic`] values and types.
pub use wasmtime;
/// The spatial model shared with the guests: component and pixel types and their names.
pub use witk_spatial as spatial;

/// A typed pipeline API: every `witk::pipelines::<name>::<Name>` implements it.
pub trait Pipeline: Sized {
    /// The WIT package (`compress-stringify`).
    const PACKAGE: &'static str;

    /// Use an already loaded component (for example another build, from a file).
    fn from_loaded(runtime: &Runtime, loaded: &Loaded) -> Result<Self>;

    /// Use the component embedded in this build.
    fn builtin(runtime: &Runtime) -> Result<Self> {
        let loaded = runtime.load_bytes(Self::PACKAGE, builtin::wasm(Self::PACKAGE)?)?;
        Self::from_loaded(runtime, &loaded)
    }
}

/// The README's Rust example runs as a doc test.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
