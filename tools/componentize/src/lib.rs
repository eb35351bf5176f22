//! Turn a core module built by wit-bindgen for `wasm32-unknown-unknown` into a component:
//! used by `scripts/build-components.sh` (the `witk-componentize` binary) for this
//! repository's pipelines and by `witk build` for a pipeline project.
//!
//! Guests are built for `wasm32-unknown-unknown` rather than `wasm32-wasip2` so the
//! component imports nothing but witk's own WIT: Rust's std on wasip2 pulls in a dozen
//! WASI CLI interfaces (stdio, environment, exit, terminals) that a pure function never
//! uses, and every host (wasmtime, jco in Node and browsers, Pyodide) would have to
//! provide them. The WIT world travels in the module's `component-type` custom section,
//! written by wit-bindgen.

/// The component of `core`, validated.
pub fn componentize(core: &[u8]) -> Result<Vec<u8>, String> {
    let component = wit_component::ComponentEncoder::default()
        .module(core)
        .and_then(|e| e.validate(true).encode())
        .map_err(|e| format!("{e:#}"))?;
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    validator.validate_all(&component).map_err(|e| format!("the component does not validate: {e}"))?;
    Ok(component)
}
