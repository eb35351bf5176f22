//! witk-codegen: every language binding's per-function code, generated from `wit/` at
//! build time, never committed.
//!
//! - the host's typed modules and pipeline registry: [`host`], run by `host/build.rs`;
//! - the Python native extension's adapters: [`native`], run by its `build.rs`;
//! - the Python packages (primary, `-wasi`, `-emscripten`) and npm packages: [`python`]
//!   and [`js`], written by the `witk-codegen` binary into `build/` (see
//!   `scripts/build-js.sh`) and by `witk bindgen` for a pipeline project;
//! - each package's copy of the built component: [`assemble`].
//!
//! Pipelines are found by looking: every folder of the WIT root with a `deps/` folder (a
//! package that depends on `witk:types`) is one. The generators are tested by golden
//! outputs for the small fixture packages in `tests/fixtures/`.

pub mod assemble;
pub mod host;
pub mod js;
pub mod model;
pub mod native;
pub mod python;

pub use model::Package;
use std::path::{Path, PathBuf};

/// Generated files, by path relative to the output folder.
#[derive(Default)]
pub struct Output {
    pub files: Vec<(PathBuf, String)>,
}

impl Output {
    pub fn add(&mut self, path: String, contents: String) {
        self.files.push((PathBuf::from(path), contents));
    }

    /// Write every file under `dir`, leaving files whose contents are unchanged untouched
    /// (so build tools see no change). Returns how many were written.
    pub fn write(&self, dir: &Path) -> Result<usize, String> {
        let mut written = 0;
        for (rel, contents) in &self.files {
            let path = dir.join(rel);
            if std::fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
                continue;
            }
            std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
            written += 1;
        }
        Ok(written)
    }
}

/// Generate the Python and npm packages of every pipeline package under `wit_root` into
/// `out` and, with `components` (a folder of `<name>.wasm`), put each component in them
/// (jco for the npm and Pyodide packages). Returns the packages and how many files were
/// written.
pub fn bindgen(
    wit_root: &Path,
    out: &Path,
    components: Option<&Path>,
    jco: Option<&assemble::Jco>,
) -> Result<(Vec<Package>, usize), String> {
    let pkgs = packages(wit_root)?;
    if pkgs.is_empty() {
        return Err(format!("{}: no pipeline package (a folder with a deps/ folder) found", wit_root.display()));
    }
    let written = packages_output(&pkgs).write(out)?;
    if let Some(dir) = components {
        for p in &pkgs {
            assemble::assemble(p, &dir.join(format!("{}.wasm", p.name)), out, jco)?;
        }
    }
    Ok((pkgs, written))
}

/// Every pipeline package under `wit_root` (folders with a `deps/`), sorted by name.
pub fn packages(wit_root: &Path) -> Result<Vec<Package>, String> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(wit_root)
        .map_err(|e| format!("{}: {e}", wit_root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("deps").is_dir())
        .collect();
    dirs.sort();
    dirs.iter().map(|d| Package::load(d)).collect()
}

/// The Python and npm packages of `packages`: `python/<dist>/...` and `npm/<name>/...`.
pub fn packages_output(packages: &[Package]) -> Output {
    let mut out = Output::default();
    for p in packages {
        python::generate(p, &mut out);
        js::generate(p, &mut out);
    }
    out
}
