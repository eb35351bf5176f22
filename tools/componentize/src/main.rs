//! `witk-componentize CORE.wasm COMPONENT.wasm`: turn a core module built by
//! wit-bindgen for `wasm32-unknown-unknown` into a component.
//!
//! Guests are built for `wasm32-unknown-unknown` rather than `wasm32-wasip2` so the
//! component imports nothing but witk's own WIT: Rust's std on wasip2 pulls in a dozen
//! WASI CLI interfaces (stdio, environment, exit, terminals) that a pure function never
//! uses, and every host (wasmtime, jco in Node and browsers, Pyodide) would have to
//! provide them. The WIT world travels in the module's `component-type` custom section,
//! written by wit-bindgen.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: witk-componentize CORE.wasm COMPONENT.wasm");
        return ExitCode::from(2);
    };
    match componentize(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("witk-componentize: {input}: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn componentize(input: &str, output: &str) -> Result<(), Box<dyn std::error::Error>> {
    let core = std::fs::read(input)?;
    let component = wit_component::ComponentEncoder::default().module(&core)?.validate(true).encode()?;
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    validator.validate_all(&component)?;
    std::fs::write(output, component)?;
    Ok(())
}
