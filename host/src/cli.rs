//! What every pipeline's CLI verbs (`components/<name>/host/cli.rs`) share: the runtime,
//! the `--component` choice, stdin/stdout-aware file helpers and JSON output.

use crate::error::{Error, Result};
use crate::{Pipeline, Runtime};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A verb's view of the `witk` command line.
pub struct Context {
    pub runtime: Runtime,
    /// `--component FILE`: another build of the verb's own pipeline.
    pub component: Option<PathBuf>,
}

impl Context {
    /// The verb's own pipeline: the `--component` file if given, else the embedded one.
    pub fn pipeline<P: Pipeline>(&self) -> Result<P> {
        match &self.component {
            Some(path) => P::from_loaded(&self.runtime, &self.runtime.load_file(path)?),
            None => P::builtin(&self.runtime),
        }
    }

    /// Another pipeline the verb uses (image-io to read and write images): always embedded.
    pub fn builtin<P: Pipeline>(&self) -> Result<P> {
        P::builtin(&self.runtime)
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.display().to_string(), source }
}

/// The bytes of `path`, or of stdin for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf).map_err(|e| io_error(path, e))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| io_error(path, e))
    }
}

/// Write `data` to `path`, or to stdout for `-`.
pub fn write_output(path: &Path, data: &[u8]) -> Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(data).and_then(|_| out.flush()).map_err(|e| io_error(path, e))
    } else {
        std::fs::write(path, data).map_err(|e| io_error(path, e))
    }
}

/// Print `value` as JSON on stdout: objects one key a line, arrays of numbers or strings
/// on one line (`"size": [64, 64, 64]`). Scalars are serde_json's: NaN and infinities are
/// `null`, control characters in strings are escaped.
pub fn print_json(value: &serde_json::Value) -> Result<()> {
    let mut text = String::new();
    layout(value, 0, &mut text);
    text.push('\n');
    write_output(Path::new("-"), text.as_bytes())
}

fn layout(value: &serde_json::Value, indent: usize, out: &mut String) {
    use serde_json::Value;
    let pad = |n: usize| "  ".repeat(n);
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str("{\n");
            for (i, (key, v)) in map.iter().enumerate() {
                out.push_str(&format!("{}{}: ", pad(indent + 1), Value::String(key.clone())));
                layout(v, indent + 1, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Value::Array(items) if items.iter().any(|v| v.is_object() || v.is_array()) => {
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                layout(v, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| v.to_string()).collect();
            out.push('[');
            out.push_str(&items.join(", "));
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Run `python -m MODULE ARGS`, for the verbs witk's Python package implements (the
/// viewer's server, OME-Zarr pyramids) so that their code exists once, in the wheels:
/// the interpreter is `$WITK_PYTHON`, else `python3`. On Unix it replaces this process
/// (exec), so Ctrl-C and kill reach Python itself and nothing is left running; elsewhere
/// it waits for it. Its exit code is the verb's.
pub fn python_module(verb: &str, module: &str, args: Vec<std::ffi::OsString>) -> Result<std::process::ExitCode> {
    let python = std::env::var_os("WITK_PYTHON").unwrap_or_else(|| "python3".into());
    let mut command = std::process::Command::new(&python);
    command.args(["-m", module]).args(args);
    let failed = |source| Error::Io {
        path: format!(
            "{} ({verb} runs witk's Python package: pip install witk and its pipelines; or set WITK_PYTHON)",
            python.to_string_lossy()
        ),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(failed(command.exec())) // exec returns only when it failed
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(failed)?;
        Ok(match status.code() {
            Some(0) => std::process::ExitCode::SUCCESS,
            Some(code) => std::process::ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => std::process::ExitCode::from(1),
        })
    }
}
