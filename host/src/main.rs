//! The `witk` command: run witk pipelines on files. Each pipeline brings its own verbs
//! (`components/<name>/host/cli.rs`), found at build time; this file holds only the
//! global options and the exit codes.

use clap::{Args, CommandFactory, FromArgMatches, Parser};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use witk::cli::Context;
use witk::{Error, Runtime, RuntimeConfig};

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

fn main() -> ExitCode {
    let command = witk::pipelines::cli_commands(Cli::command()).subcommand_required(true).arg_required_else_help(true);
    let matches = command.get_matches();
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
