//! Configuration of a [`Runtime`](crate::Runtime): where compiled code is cached and
//! the limits every call runs under.

use std::path::PathBuf;
use std::time::Duration;

/// Per-call resource limits. Exceeding one ends that call with an error; later calls
/// are unaffected because every call gets a fresh store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest linear memory a component may grow to, in bytes. Default: 4 GiB, all a
    /// 32-bit WebAssembly memory can address.
    pub memory_bytes: u64,
    /// Wall-clock limit for one call; `None` (the default) lets a call run to the end.
    /// Interrupting needs checks compiled into the component (~10% slower on tight
    /// loops), so they are only compiled in for a runtime created with a timeout.
    pub timeout: Option<Duration>,
    /// Largest WebAssembly stack, in bytes. Default: 8 MiB.
    pub max_stack_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { memory_bytes: 4 << 30, timeout: None, max_stack_bytes: 8 << 20 }
    }
}

/// Process-wide runtime settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// Directory for compiled components. `None` disables the disk cache. Default:
    /// `$WITK_CACHE_DIR`, else `$XDG_CACHE_HOME/witk`, else `~/.cache/witk`.
    pub cache_dir: Option<PathBuf>,
    /// Limits applied to every call made through this runtime.
    pub limits: Limits,
    /// Reuse of instances between calls.
    pub pool: PoolConfig,
    /// What WASI gives components that import it (nothing by default).
    pub wasi: WasiGrants,
}

/// What a component that imports WASI may reach. Empty by default: no files, network,
/// environment variables, arguments or stdio. witk's own components import no WASI at
/// all; grants are for other components run through the same host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WasiGrants {
    /// Host directories the guest sees as preopens.
    pub preopened_dirs: Vec<PreopenedDir>,
    /// Environment variables, as (name, value).
    pub env: Vec<(String, String)>,
    /// Command-line arguments.
    pub args: Vec<String>,
    /// Let the guest write to this process's stdout / stderr.
    pub inherit_stdout: bool,
    pub inherit_stderr: bool,
}

/// A host directory granted to the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreopenedDir {
    pub host: PathBuf,
    /// The path the guest opens it by (e.g. "/data").
    pub guest: String,
    /// Read-write if true, read-only otherwise.
    pub writable: bool,
}

/// Instances that finished a call normally are kept for the next call: their memory is
/// already mapped and their allocator warm, which saves page faults on every call. An
/// instance that trapped, timed out or hit a limit is always discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolConfig {
    /// Idle instances kept per pipeline. 0 gives every call a brand-new instance.
    /// Default: the number of CPUs.
    pub max_idle_instances: usize,
    /// Instances whose linear memory grew beyond this are discarded after their call
    /// rather than kept, so one huge call does not pin its memory. Default: 512 MiB.
    pub max_idle_memory_bytes: u64,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_idle_instances: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_idle_memory_bytes: 512 << 20,
        }
    }
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            cache_dir: default_cache_dir(),
            limits: Limits::default(),
            pool: PoolConfig::default(),
            wasi: WasiGrants::default(),
        }
    }
}

/// The cache directory used when none is configured.
pub fn default_cache_dir() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    env("WITK_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|p| p.join("witk")))
        .or_else(|| env("HOME").map(|p| p.join(".cache").join("witk")))
}
