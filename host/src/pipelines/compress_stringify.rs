//! `witk:compress-stringify`: Zstandard frames and base64 data URLs.

use crate::error::{Error, Result};
use crate::runtime::{InstancePool, Loaded, Runtime};
use std::sync::Arc;

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/compress-stringify",
        world: "witk:compress-stringify/compress-stringify",
        with: { "witk:types/errors": crate::pipelines::types::witk::types::errors },
    });
}

/// Package name used for overrides and messages.
pub const PACKAGE: &str = "compress-stringify";
/// Default `data-url-prefix`, as in ITK-Wasm's `itkwasm-compress-stringify` 3.5.
pub const DEFAULT_DATA_URL_PREFIX: &str = "data:application/zstd;base64,";
/// Default `compression-level`.
pub const DEFAULT_COMPRESSION_LEVEL: i32 = 3;

/// Signature of an override for `compress-stringify`:
/// `(input, stringify, compression_level, data_url_prefix)`.
pub type CompressStringifyFn = Arc<dyn Fn(&[u8], bool, i32, &str) -> Result<Vec<u8>> + Send + Sync>;
/// Signature of an override for `parse-string-decompress`: `(input, parse_string)`.
pub type ParseStringDecompressFn = Arc<dyn Fn(&[u8], bool) -> Result<Vec<u8>> + Send + Sync>;

/// The compress-stringify pipeline bound to a runtime.
#[derive(Clone)]
pub struct CompressStringify {
    runtime: Runtime,
    pre: bindings::CompressStringifyPre<crate::runtime::CallState>,
    pool: Arc<InstancePool<bindings::CompressStringify>>,
}

impl CompressStringify {
    /// Use the component embedded in this build.
    pub fn builtin(runtime: &Runtime) -> Result<Self> {
        let loaded = runtime.load_bytes(PACKAGE, crate::builtin::wasm(PACKAGE)?)?;
        Self::from_loaded(runtime, &loaded)
    }

    /// Use an already loaded component (for example a newer build from a file).
    pub fn from_loaded(runtime: &Runtime, loaded: &Loaded) -> Result<Self> {
        let pre = bindings::CompressStringifyPre::new(loaded.pre.clone()).map_err(|e| Error::load(&loaded.name, e))?;
        Ok(CompressStringify { runtime: runtime.clone(), pre, pool: Arc::new(InstancePool::new(runtime)) })
    }

    /// Given a binary, compress and optionally base64 encode: one Zstandard frame with
    /// its content size, or with `stringify` a data URL starting with `data_url_prefix`.
    pub fn compress_stringify(
        &self,
        input: &[u8],
        stringify: bool,
        compression_level: i32,
        data_url_prefix: &str,
    ) -> Result<Vec<u8>> {
        let name = "compress-stringify";
        if let Some(f) = self.runtime.overrides().get::<CompressStringifyFn>(PACKAGE, name) {
            return f(input, stringify, compression_level, data_url_prefix);
        }
        self.call(name, |api, store| {
            api.call_compress_stringify(store, input, stringify, compression_level, data_url_prefix)
        })
    }

    /// Given a binary or string produced with `compress_stringify`, decompress and
    /// optionally base64 decode.
    pub fn parse_string_decompress(&self, input: &[u8], parse_string: bool) -> Result<Vec<u8>> {
        let name = "parse-string-decompress";
        if let Some(f) = self.runtime.overrides().get::<ParseStringDecompressFn>(PACKAGE, name) {
            return f(input, parse_string);
        }
        self.call(name, |api, store| api.call_parse_string_decompress(store, input, parse_string))
    }

    /// Call on a pooled instance and map every failure to a witk error.
    fn call(
        &self,
        function: &str,
        f: impl FnOnce(
            &bindings::exports::witk::compress_stringify::api::Guest,
            &mut wasmtime::Store<crate::runtime::CallState>,
        ) -> wasmtime::Result<Result<Vec<u8>, super::types::Error>>,
    ) -> Result<Vec<u8>> {
        let result = self.pool.call(
            function,
            |store| self.pre.instantiate(store),
            |inst, store| f(inst.witk_compress_stringify_api(), store),
        )?;
        result.map_err(|e| super::pipeline_error(function, e.code, e.message))
    }
}
