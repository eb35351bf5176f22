//! The engine, component loading, and the per-call store with its limits.

use crate::cache;
use crate::config::{Limits, RuntimeConfig};
use crate::error::{Error, Result};
use crate::overrides::Overrides;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wasmtime::component::{Component, InstancePre, Linker, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};

/// Granularity of timeouts: a background thread advances the engine's epoch this often.
const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Hosts witk components: one engine, a linker with an empty WASI context, loaded
/// components, overrides and limits. Cheap to clone and safe to share across threads;
/// calls on different threads run in parallel.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    linker: Linker<CallState>,
    config: RuntimeConfig,
    overrides: Overrides,
    loaded: Mutex<HashMap<[u8; 32], Loaded>>,
}

/// A compiled component ready to instantiate.
#[derive(Clone)]
pub struct Loaded {
    /// What the component was loaded from, for messages.
    pub name: String,
    pub component: Component,
    pub pre: InstancePre<CallState>,
}

/// Per-call store state: an empty WASI context (no files, network, environment or
/// arguments) and the memory limiter.
pub struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

/// Denies memory growth past the limit (the guest sees a failed `memory.grow`, which
/// witk components report as an error) and remembers that it did, so a resulting trap
/// is reported as a memory-limit error.
struct Limiter {
    memory_bytes: u64,
    denied: Option<u64>,
    /// Largest memory granted so far, to decide whether an instance is worth keeping.
    granted: u64,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        let ok = desired as u64 <= self.memory_bytes;
        if ok {
            self.granted = self.granted.max(desired as u64);
        } else {
            self.denied = Some(desired as u64);
        }
        Ok(ok)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

impl Runtime {
    /// Create a runtime. Compilation settings are fixed here; limits apply per call.
    pub fn new(config: RuntimeConfig) -> Result<Self> {
        // Check the WASI grants now (a missing preopened directory is a setup error).
        wasi_ctx(&config.wasi)?;
        let mut wt = Config::new();
        // Epoch checks cost ~10% on tight loops (measured on zstd), so the engine only
        // compiles them in when this runtime enforces a timeout.
        let epochs = config.limits.timeout.is_some();
        wt.epoch_interruption(epochs);
        wt.max_wasm_stack(config.limits.max_stack_bytes);
        // WASI support enables async stacks, which must hold the largest wasm stack.
        wt.async_stack_size(config.limits.max_stack_bytes + (1 << 20));
        wt.cranelift_opt_level(wasmtime::OptLevel::Speed);
        let engine = Engine::new(&wt).map_err(|e| Error::load("engine", e))?;
        if epochs {
            spawn_epoch_ticker(&engine);
        }
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| Error::load("WASI", e))?;
        Ok(Runtime {
            inner: Arc::new(Inner {
                engine,
                linker,
                config,
                overrides: Overrides::default(),
                loaded: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The wasmtime engine, for embedding witk next to other wasmtime code.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Settings this runtime was created with.
    pub fn config(&self) -> &RuntimeConfig {
        &self.inner.config
    }

    /// Native implementations that replace component functions.
    pub fn overrides(&self) -> &Overrides {
        &self.inner.overrides
    }

    /// Load a component from its bytes. Loading the same bytes again returns the
    /// already compiled component; another process finds it in the disk cache.
    pub fn load_bytes(&self, name: &str, wasm: &[u8]) -> Result<Loaded> {
        let key = cache::key(&self.inner.engine, wasm);
        if let Some(l) = self.inner.loaded.lock().unwrap().get(&key) {
            return Ok(l.clone());
        }
        let component = cache::load_or_compile(&self.inner.engine, self.inner.config.cache_dir.as_deref(), &key, wasm)
            .map_err(|e| Error::load(name, e))?;
        let pre = self.inner.linker.instantiate_pre(&component).map_err(|e| Error::load(name, e))?;
        let loaded = Loaded { name: name.to_string(), component, pre };
        self.inner.loaded.lock().unwrap().insert(key, loaded.clone());
        Ok(loaded)
    }

    /// Load a component from a `.wasm` file.
    pub fn load_file(&self, path: &Path) -> Result<Loaded> {
        let wasm = std::fs::read(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        self.load_bytes(&path.display().to_string(), &wasm)
    }

    /// A fresh store for one call, with this runtime's limits and WASI grants.
    pub fn store(&self) -> Result<Store<CallState>> {
        self.store_with(&self.inner.config.limits)
    }

    /// A fresh store for one call with explicit limits. A timeout needs a runtime created
    /// with one (`RuntimeConfig::limits.timeout`): only then does the engine compile in
    /// the checks that interrupt a running call.
    pub fn store_with(&self, limits: &Limits) -> Result<Store<CallState>> {
        if limits.timeout.is_some() && self.inner.config.limits.timeout.is_none() {
            return Err(Error::Load {
                what: "store".into(),
                message: "a per-call timeout needs a Runtime created with limits.timeout set".into(),
            });
        }
        let state = CallState {
            wasi: wasi_ctx(&self.inner.config.wasi)?,
            table: ResourceTable::new(),
            limiter: Limiter { memory_bytes: limits.memory_bytes, denied: None, granted: 0 },
        };
        let mut store = Store::new(&self.inner.engine, state);
        store.limiter(|s| &mut s.limiter);
        // wasmtime caps what one call may copy out of the guest at 128 MiB by default;
        // results here are bounded by the guest's memory limit instead.
        store.set_hostcall_fuel(usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX));
        if self.inner.config.limits.timeout.is_some() {
            store.epoch_deadline_trap();
        }
        arm(&mut store, limits);
        Ok(store)
    }
}

/// The WASI context for `grants`: empty unless something is granted.
fn wasi_ctx(grants: &crate::config::WasiGrants) -> Result<WasiCtx> {
    let mut b = WasiCtx::builder();
    for d in &grants.preopened_dirs {
        let perms = if d.writable { FsPerms::ReadWrite } else { FsPerms::ReadOnly };
        b.preopened_dir(&d.host, &d.guest, perms).map_err(|e| Error::Io {
            path: d.host.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })?;
    }
    for (k, v) in &grants.env {
        b.env(k, v);
    }
    b.args(&grants.args);
    if grants.inherit_stdout {
        b.inherit_stdout();
    }
    if grants.inherit_stderr {
        b.inherit_stderr();
    }
    Ok(b.build())
}

/// Start a call's clock and forget the previous call's limit events.
fn arm(store: &mut Store<CallState>, limits: &Limits) {
    store.data_mut().limiter.denied = None;
    if let Some(t) = limits.timeout {
        let ticks = t.as_nanos().div_ceil(EPOCH_TICK.as_nanos()).max(1);
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX / 2));
    }
}

/// Idle instances of one component with their stores, reused across calls (see
/// [`PoolConfig`](crate::PoolConfig)). `B` is the `bindgen!`-generated world type.
pub struct InstancePool<B> {
    runtime: Runtime,
    idle: Mutex<Vec<(Store<CallState>, B)>>,
}

impl<B> InstancePool<B> {
    /// An empty pool; instances are created on demand.
    pub fn new(runtime: &Runtime) -> Self {
        InstancePool { runtime: runtime.clone(), idle: Mutex::new(Vec::new()) }
    }

    /// Run `call` on an idle instance, or on one made by `instantiate`. The instance
    /// returns to the pool only if the call completed (the component may still have
    /// returned its own error value); after a trap or limit it is dropped.
    pub fn call<R>(
        &self,
        pipeline: &str,
        instantiate: impl FnOnce(&mut Store<CallState>) -> wasmtime::Result<B>,
        call: impl FnOnce(&B, &mut Store<CallState>) -> wasmtime::Result<R>,
    ) -> Result<R> {
        let config = self.runtime.config();
        let warm = self.idle.lock().unwrap().pop();
        let (mut store, bindings) = match warm {
            Some((mut store, bindings)) => {
                arm(&mut store, &config.limits);
                (store, bindings)
            }
            None => {
                let mut store = self.runtime.store()?;
                match instantiate(&mut store) {
                    Ok(b) => (store, b),
                    Err(e) => return Err(call_error(pipeline, &store, &config.limits, e)),
                }
            }
        };
        match call(&bindings, &mut store) {
            Ok(r) => {
                if store.data().limiter.granted <= config.pool.max_idle_memory_bytes {
                    let mut idle = self.idle.lock().unwrap();
                    if idle.len() < config.pool.max_idle_instances {
                        idle.push((store, bindings));
                    }
                }
                Ok(r)
            }
            Err(e) => Err(call_error(pipeline, &store, &config.limits, e)),
        }
    }

    /// Drop every idle instance (their memory is released).
    pub fn clear(&self) {
        self.idle.lock().unwrap().clear();
    }
}

/// Turn a failed wasmtime call into the witk error that explains it.
pub(crate) fn call_error(pipeline: &str, store: &Store<CallState>, limits: &Limits, err: wasmtime::Error) -> Error {
    let pipeline = pipeline.to_string();
    if let Some(desired) = store.data().limiter.denied {
        return Error::MemoryLimit {
            pipeline,
            limit: limits.memory_bytes,
            detail: format!("the component asked for {desired} bytes of linear memory and then failed: {err}"),
        };
    }
    match err.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => {
            Error::Timeout { pipeline, seconds: limits.timeout.map(|t| t.as_secs_f64()).unwrap_or(0.0) }
        }
        _ => Error::Trap { pipeline, message: format!("{err:?}") },
    }
}

fn spawn_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("witk-epoch".into())
        .spawn(move || loop {
            std::thread::sleep(EPOCH_TICK);
            match weak.upgrade() {
                Some(e) => e.increment_epoch(),
                None => break,
            }
        })
        .expect("spawning the witk epoch thread");
}
