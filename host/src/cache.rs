//! On-disk cache of compiled components, so a second process skips compilation.
//!
//! Entries are `Component::serialize` output named by a SHA-256 of the engine's
//! compatibility hash (wasmtime version and every setting that affects code) and the
//! component bytes; a stale or corrupt entry is recompiled and replaced.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::component::Component;
use wasmtime::Engine;

/// Feeds `Hash` output into SHA-256 (std's hashers are not stable across releases).
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(&self) -> u64 {
        unreachable!("only the digest is used")
    }
}

/// Cache key of `wasm` compiled by `engine`.
pub fn key(engine: &Engine, wasm: &[u8]) -> [u8; 32] {
    let mut h = ShaHasher(Sha256::new());
    h.write(b"witk-compile-cache-v1");
    engine.precompile_compatibility_hash().hash(&mut h);
    h.write(&(wasm.len() as u64).to_le_bytes());
    h.write(wasm);
    h.0.finalize().into()
}

/// Where a compiled component lives in `dir`.
pub fn entry_path(dir: &Path, key: &[u8; 32]) -> PathBuf {
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{hex}.cwasm"))
}

/// Load from the cache, or compile and store. Cache failures never fail the load:
/// an unwritable directory just means compiling every time.
pub fn load_or_compile(
    engine: &Engine,
    dir: Option<&Path>,
    key: &[u8; 32],
    wasm: &[u8],
) -> wasmtime::Result<Component> {
    let Some(dir) = dir else { return Component::from_binary(engine, wasm) };
    let path = entry_path(dir, key);
    if let Ok(bytes) = std::fs::read(&path) {
        // SAFETY: entries are written only by `store` below from `Component::serialize`
        // in the user's own cache directory, and wasmtime checks the header (version and
        // engine settings) before use; the name binds the entry to these exact bytes.
        // The entry is read rather than mapped: a mapped file truncated by another
        // process would kill this one with SIGBUS.
        match unsafe { Component::deserialize(engine, &bytes) } {
            Ok(c) => return Ok(c),
            Err(e) => log::warn!("compile cache: {} is unusable ({e:#}); recompiling", path.display()),
        }
    }
    let component = Component::from_binary(engine, wasm)?;
    if let Ok(bytes) = component.serialize() {
        store(dir, &path, &bytes);
    }
    Ok(component)
}

/// Write atomically (temp file + rename) so concurrent processes never read a torn entry.
/// A failure only costs the next process a compilation: it is logged, never returned.
fn store(dir: &Path, path: &Path, bytes: &[u8]) {
    let tmp = dir.join(format!(".{}.{}.tmp", std::process::id(), unique()));
    let stored = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = stored {
        let _ = std::fs::remove_file(&tmp);
        log::warn!("compile cache: cannot store {} ({e}); running uncached", path.display());
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
