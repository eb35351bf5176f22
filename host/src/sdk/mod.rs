//! `witk new`, `witk build`, `witk bindgen`: pipelines of one's own, outside this
//! repository, with the toolchain witk uses for its own (wit-bindgen and
//! `witk_componentize` for Rust guests, componentize-py for Python guests, and
//! `witk_codegen` for the Python and npm packages).
//!
//! A project is a folder with `wit/<name>/world.wit` (and `deps/types`, witk's data
//! model) and either a `Cargo.toml` (a Rust guest) or an `app.py` (a Python guest).

mod scaffold;

use clap::{ArgMatches, Args, FromArgMatches, Subcommand};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[derive(Subcommand)]
enum Sdk {
    /// Create a pipeline project: WIT, a Rust or Python guest, a README and a test
    New(NewArgs),
    /// Build a pipeline project's component into DIR/build/<name>.wasm
    Build(BuildArgs),
    /// Generate a project's Python and npm packages (witk's own generator), with its component
    Bindgen(BindgenArgs),
}

#[derive(Args)]
struct NewArgs {
    /// Pipeline name, kebab-case (the WIT package `witk:NAME`, Python `witk-NAME`, npm `@witk/NAME`)
    name: String,
    /// The guest's language
    #[arg(long, value_parser = ["rust", "python"], default_value = "rust")]
    lang: String,
    /// Folder to create [default: ./NAME]
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

#[derive(Args)]
struct BuildArgs {
    /// The project folder
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Build without network access (cargo --offline): crates must be in cargo's cache
    #[arg(long)]
    offline: bool,
}

#[derive(Args)]
struct BindgenArgs {
    /// The project folder
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Output folder [default: DIR/bindings]
    #[arg(long, value_name = "OUT")]
    out: Option<PathBuf>,
    /// The jco program for the npm and Pyodide packages [default: $WITK_JCO, else `jco`
    /// on PATH, else node_modules/.bin/jco in DIR or a folder above]
    #[arg(long, value_name = "PROGRAM")]
    jco: Option<PathBuf>,
    /// Generate the packages only, without the component (no `witk build` needed)
    #[arg(long)]
    no_component: bool,
}

/// The `witk` command with the SDK's verbs added.
pub fn commands(cli: clap::Command) -> clap::Command {
    Sdk::augment_subcommands(cli)
}

/// Run an SDK verb, or `None` if `matches` is another verb.
pub fn run(matches: &ArgMatches) -> Option<ExitCode> {
    let sdk = Sdk::from_arg_matches(matches).ok()?;
    let done = match sdk {
        Sdk::New(a) => new(&a),
        Sdk::Build(a) => build(&a),
        Sdk::Bindgen(a) => bindgen(&a),
    };
    Some(match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            eprintln!("witk: error: {e}");
            ExitCode::from(2)
        }
        Err(Failure::Tool(e)) => {
            eprintln!("witk: error: {e}");
            ExitCode::from(1)
        }
    })
}

/// What went wrong: the caller's input (exit 2) or a build tool (exit 1).
enum Failure {
    Usage(String),
    Tool(String),
}

fn usage(e: impl std::fmt::Display) -> Failure {
    Failure::Usage(e.to_string())
}

fn new(a: &NewArgs) -> Result<(), Failure> {
    scaffold::check_name(&a.name).map_err(usage)?;
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from(&a.name));
    let files = scaffold::files(&a.name, &a.lang);
    scaffold::write(&dir, &files).map_err(usage)?;
    println!("witk: created {} ({} pipeline {}, {} files)", dir.display(), a.lang, a.name, files.len());
    println!("  next: cd {} && witk build && witk bindgen", dir.display());
    Ok(())
}

/// A project's pipeline: the one WIT package under `dir/wit` (a folder with `deps/`).
fn project(dir: &Path) -> Result<witk_codegen::Package, Failure> {
    let wit = dir.join("wit");
    if !wit.is_dir() {
        return Err(usage(format!("{}: not a pipeline project: no wit/ folder (witk new makes one)", dir.display())));
    }
    let mut pkgs = witk_codegen::packages(&wit).map_err(usage)?;
    match pkgs.len() {
        1 => Ok(pkgs.pop().unwrap()),
        0 => Err(usage(format!("{}: no pipeline package (wit/<name>/ with a deps/ folder)", wit.display()))),
        n => Err(usage(format!("{}: {n} pipeline packages; a project has one", wit.display()))),
    }
}

/// Run `cmd`, naming `what` when it cannot start or fails.
fn run_tool(mut cmd: Command, what: &str, install: &str) -> Result<(), Failure> {
    let status = cmd.status().map_err(|e| Failure::Tool(format!("cannot run {what}: {e}; {install}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::Tool(format!("{what} failed ({status})")))
    }
}

fn build(a: &BuildArgs) -> Result<(), Failure> {
    let pkg = project(&a.dir)?;
    let out_dir = a.dir.join("build");
    std::fs::create_dir_all(&out_dir).map_err(|e| usage(format!("{}: {e}", out_dir.display())))?;
    let out = out_dir.join(format!("{}.wasm", pkg.name));
    let wit = format!("wit/{}", pkg.name);
    if a.dir.join("Cargo.toml").is_file() {
        let target = "wasm32-unknown-unknown";
        let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cargo.current_dir(&a.dir).args(["build", "--release", "--target", target]);
        if a.offline {
            cargo.arg("--offline");
        }
        run_tool(cargo, "cargo build", &format!("install Rust and its {target} target: rustup target add {target}"))?;
        // Where cargo put it: $CARGO_TARGET_DIR (relative to the project) or DIR/target.
        let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or(a.dir.join("target"), |d| a.dir.join(d));
        let core = target_dir.join(target).join("release").join(format!("{}.wasm", pkg.snake()));
        let core = std::fs::read(&core).map_err(|e| Failure::Tool(format!("{}: {e}", core.display())))?;
        let component = witk_componentize::componentize(&core).map_err(Failure::Tool)?;
        std::fs::write(&out, component).map_err(|e| usage(format!("{}: {e}", out.display())))?;
    } else if a.dir.join("app.py").is_file() {
        // --stub-wasi: the component imports nothing but its WIT (as a Rust guest built
        // for wasm32-unknown-unknown), so every host runs it without WASI.
        let program = std::env::var_os("WITK_COMPONENTIZE_PY").unwrap_or_else(|| "componentize-py".into());
        let mut cmd = Command::new(program);
        cmd.current_dir(&a.dir)
            .args(["-d", &wit, "-w", &pkg.name, "componentize", "--stub-wasi", "app", "-o"])
            .arg(Path::new("build").join(format!("{}.wasm", pkg.name)));
        run_tool(cmd, "componentize-py", "install it: pip install componentize-py==0.25.1")?;
    } else {
        return Err(usage(format!("{}: neither Cargo.toml (Rust) nor app.py (Python)", a.dir.display())));
    }
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    println!("witk: built {} ({size} bytes)", out.display());
    Ok(())
}

/// jco: `--jco`, `$WITK_JCO`, `jco` on PATH, or node_modules/.bin/jco in `dir` or above.
fn find_jco(given: Option<&Path>, dir: &Path) -> Option<PathBuf> {
    if let Some(p) = given.map(Path::to_path_buf).or_else(|| std::env::var_os("WITK_JCO").map(PathBuf::from)) {
        return Some(p);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("jco"))
        .find(|p| p.is_file());
    let abs = dir.canonicalize().ok()?;
    on_path.or_else(|| abs.ancestors().map(|d| d.join("node_modules/.bin/jco")).find(|p| p.is_file()))
}

fn bindgen(a: &BindgenArgs) -> Result<(), Failure> {
    let pkg = project(&a.dir)?;
    let out = a.out.clone().unwrap_or_else(|| a.dir.join("bindings"));
    let components = a.dir.join("build");
    let jco = find_jco(a.jco.as_deref(), &a.dir).map(|p| vec![p.display().to_string()]);
    let (_, written) = witk_codegen::bindgen(
        &a.dir.join("wit"),
        &out,
        (!a.no_component).then_some(components.as_path()),
        jco.as_ref(),
    )
    .map_err(Failure::Tool)?;
    println!("witk: {written} file(s) written under {}", out.display());
    println!("  python: {0}/python/witk-{1}, -wasi, -emscripten (pip install them)", out.display(), pkg.name);
    if jco.is_none() && !a.no_component {
        println!(
            "  npm: {}/npm/{} without its jco output: install jco (npm install @bytecodealliance/jco) or pass --jco",
            out.display(),
            pkg.name
        );
    } else {
        println!("  npm: {}/npm/{}", out.display(), pkg.name);
    }
    Ok(())
}
