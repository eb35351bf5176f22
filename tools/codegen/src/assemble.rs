//! Putting a built component into the packages generated for it: the one place that
//! knows where each package carries it. `witk bindgen` runs this for a pipeline project,
//! and `scripts/build-js.sh` for this repository's own pipelines.
//!
//! - `-wasi` (system Python): the component itself, run by witk's native host;
//! - npm: jco's transpilation of it (`jco/`), with witk's JS runtime beside the wrapper;
//! - `-emscripten` (Pyodide): the npm package's modules and jco output, under `js/`.

use crate::python::{emscripten_package, wasi_package};
use crate::Package;
use std::path::{Path, PathBuf};
use std::process::Command;

/// witk's JavaScript runtime, which every npm package carries beside its wrapper (one
/// copy in the repository: `bindings/js/runtime`).
pub const RUNTIME_JS: &str = include_str!("../../../bindings/js/runtime/witk-runtime.js");
pub const RUNTIME_DTS: &str = include_str!("../../../bindings/js/runtime/witk-runtime.d.ts");

/// How to run jco: the command and the arguments before `transpile`
/// (`["node_modules/.bin/jco"]`, `["npx", "--no-install", "jco"]`).
pub type Jco = Vec<String>;

fn io(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to.parent().unwrap()).map_err(|e| io(to, e))?;
    std::fs::copy(from, to).map(|_| ()).map_err(|e| io(from, e))
}

/// Files of `dir` whose names end with one of `suffixes`, sorted.
fn files_ending(dir: &Path, suffixes: &[&str]) -> Result<Vec<PathBuf>, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && suffixes.iter().any(|s| p.to_string_lossy().ends_with(s)))
        .collect();
    found.sort();
    Ok(found)
}

/// Put `wasm` (the component of `pkg`) into the packages generated under `out` by
/// [`crate::packages_output`]. Without `jco`, only the Python `-wasi` package is
/// completed (the npm and Pyodide packages need jco's output).
pub fn assemble(pkg: &Package, wasm: &Path, out: &Path, jco: Option<&Jco>) -> Result<(), String> {
    if !wasm.is_file() {
        return Err(format!("{}: no component for {} (build it first: witk build)", wasm.display(), pkg.name));
    }
    let (wasi, module) = wasi_package(pkg);
    copy(wasm, &out.join(&wasi).join(&module).join("wasm_modules").join(format!("{}.wasm", pkg.name)))?;
    let Some(jco) = jco else { return Ok(()) };

    let npm = out.join("npm").join(&pkg.name);
    let jco_dir = npm.join("jco");
    let _ = std::fs::remove_dir_all(&jco_dir);
    let (program, first) = jco.split_first().ok_or("an empty jco command")?;
    let status = Command::new(program)
        .args(first)
        .arg("transpile")
        .arg(wasm)
        .arg("-o")
        .arg(&jco_dir)
        .args(["--name", &pkg.name, "--instantiation", "async", "--quiet"])
        .status()
        .map_err(|e| format!("running {program} (jco): {e}; install it with `npm install @bytecodealliance/jco`"))?;
    if !status.success() {
        return Err(format!("jco transpile {}: {status}", wasm.display()));
    }
    let cores: Vec<String> = files_ending(&jco_dir, &[".wasm"])?
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let component_js = npm.join("component.js");
    std::fs::write(&component_js, crate::js::component_js(pkg, &cores)).map_err(|e| io(&component_js, e))?;
    std::fs::write(npm.join("witk-runtime.js"), RUNTIME_JS).map_err(|e| io(&npm, e))?;
    std::fs::write(npm.join("witk-runtime.d.ts"), RUNTIME_DTS).map_err(|e| io(&npm, e))?;

    // Pyodide imports the npm package's modules from the -emscripten package's js/.
    let (emscripten, module) = emscripten_package(pkg);
    let js = out.join(&emscripten).join(&module).join("js");
    let _ = std::fs::remove_dir_all(&js);
    for f in files_ending(&npm, &[".js"])? {
        copy(&f, &js.join(f.file_name().unwrap()))?;
    }
    for f in files_ending(&jco_dir, &[".js", ".wasm"])? {
        copy(&f, &js.join("jco").join(f.file_name().unwrap()))?;
    }
    Ok(())
}
