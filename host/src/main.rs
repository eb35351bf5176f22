//! The `witk` command: run witk pipelines on files. Each pipeline brings its own verbs
//! (`components/<name>/host/cli.rs`), found at build time; this file holds only the
//! global options and the exit codes.

use clap::{Args, CommandFactory, FromArgMatches, Parser};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use witk::cli::Context;
use witk::{Error, Runtime, RuntimeConfig};

#[cfg(feature = "sdk")]
mod sdk;

/// Universal spatial analysis as WebAssembly components.
///
/// Every pipeline runs in a sandboxed component with no file, network or environment
/// access; witk reads INPUT and writes OUTPUT for it. Use `-` for stdin/stdout.
#[derive(Parser)]
#[command(name = "witk", version)]
struct Cli {
    #[command(flatten)]
    runtime: RuntimeArgs,
}

#[derive(Args)]
struct RuntimeArgs {
    /// Memory limit for the component, in MiB
    #[arg(long, global = true, value_name = "MIB", default_value_t = 4096)]
    memory_limit: u64,
    /// Stop a call after this many seconds
    #[arg(long, global = true, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Directory for compiled components [default: $WITK_CACHE_DIR or ~/.cache/witk]
    #[arg(long, global = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile components every time instead of using the cache
    #[arg(long, global = true)]
    no_cache: bool,
    /// Run this component file instead of the one built into witk (for the verb's own
    /// pipeline; image-io, where a verb reads or writes images, stays built in)
    #[arg(long, global = true, value_name = "WASM")]
    component: Option<PathBuf>,
}

/// `WITK_LOG=debug` (or `info`, `warn`) prints the library's log lines on stderr: why a
/// GPU was not used, for example.
struct StderrLog(log::LevelFilter);

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= self.0
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) && record.target().starts_with("witk") {
            eprintln!("witk: {}: {}", record.level().as_str().to_lowercase(), record.args());
        }
    }
    fn flush(&self) {}
}

fn main() -> ExitCode {
    // Mesa's device-select Vulkan layer asks the display server for the default GPU and,
    // without one (XDG_RUNTIME_DIR unset: containers, CI), prints an error line; witk
    // picks its adapter itself. Set before any thread starts.
    if std::env::var_os("NODEVICE_SELECT").is_none() {
        std::env::set_var("NODEVICE_SELECT", "1");
    }
    if let Some(level) = std::env::var("WITK_LOG").ok().and_then(|l| l.parse::<log::LevelFilter>().ok()) {
        if log::set_logger(Box::leak(Box::new(StderrLog(level)))).is_ok() {
            log::set_max_level(level);
        }
    }
    let command = witk::pipelines::cli_commands(Cli::command());
    #[cfg(feature = "sdk")]
    let command = sdk::commands(command);
    let matches = command.subcommand_required(true).arg_required_else_help(true).get_matches();
    #[cfg(feature = "sdk")]
    if let Some(code) = sdk::run(&matches) {
        return code;
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let run = || -> Result<ExitCode, Error> {
        let ctx = Context { runtime: runtime(&cli.runtime)?, component: cli.runtime.component.clone() };
        witk::pipelines::run_cli(&ctx, &matches)
    };
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("witk: error: {e}");
            ExitCode::from(match e {
                Error::Pipeline { .. } => 1,
                Error::Io { .. } => 2,
                Error::Timeout { .. } | Error::MemoryLimit { .. } => 3,
                Error::Trap { .. } | Error::Load { .. } => 4,
            })
        }
    }
}

fn runtime(args: &RuntimeArgs) -> Result<Runtime, Error> {
    let mut config = RuntimeConfig::default();
    if args.no_cache {
        config.cache_dir = None;
    } else if let Some(dir) = &args.cache_dir {
        config.cache_dir = Some(dir.clone());
    }
    config.limits.memory_bytes = args.memory_limit.saturating_mul(1 << 20);
    config.limits.timeout = args.timeout.filter(|t| *t > 0.0).map(Duration::from_secs_f64);
    Runtime::new(config)
}
