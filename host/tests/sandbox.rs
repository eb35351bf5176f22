//! The sandbox, tested with a component that tries: `host/tests/sandbox-probe` imports
//! WASI's file system, sockets, environment and arguments and reports what it reaches.
//! Under default settings it must get no preopened directory, no variable, no argument, no
//! connection and no name lookup; with `WasiGrants`, exactly what they name (a read-only
//! preopen stays read-only, nothing outside it is reachable by `..`, absolute paths or
//! symlinks) and still no network.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use witk::{PreopenedDir, Runtime, RuntimeConfig, WasiGrants};

/// The probe, built by scripts/build-components.sh.
fn probe_wasm() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../components/target/testing/sandbox-probe.wasm");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run scripts/build-components.sh first", path.display()))
}

/// Each request's answer, from a fresh instance of the probe under `grants`.
fn probe(grants: WasiGrants, requests: &[String]) -> Vec<String> {
    let rt = Runtime::new(RuntimeConfig { cache_dir: None, wasi: grants, ..Default::default() }).unwrap();
    let loaded = rt.load_bytes("sandbox-probe", &probe_wasm()).unwrap();
    let mut store = rt.store().unwrap();
    let instance = loaded.pre.instantiate(&mut store).unwrap();
    let f = instance.get_typed_func::<(String,), (String,)>(&mut store, "probe").unwrap();
    let (out,) = f.call(&mut store, (requests.join("\n"),)).unwrap();
    let answers: Vec<String> = out.lines().map(str::to_string).collect();
    assert_eq!(answers.len(), requests.len(), "{out}");
    answers
}

/// A listener the probe is asked to connect to; it must never see a connection.
fn listener() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let addr = l.local_addr().unwrap().to_string();
    (l, addr)
}

fn assert_no_connection(l: &TcpListener) {
    match l.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the probe reached the host's listener: {other:?}"),
    }
}

fn req(parts: &[&str]) -> String {
    parts.join(" ")
}

/// A directory to grant, with `in.txt` (5 bytes), and a secret file beside it (outside).
fn granted_dir() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("granted");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("in.txt"), b"hello").unwrap();
    std::fs::write(root.path().join("secret.txt"), b"do not read").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.path().join("secret.txt"), dir.join("link.txt")).unwrap();
    (root, dir)
}

#[test]
fn by_default_a_component_reaches_nothing() {
    let (l, addr) = listener();
    let host_file = std::env::current_exe().unwrap();
    let answers = probe(
        WasiGrants::default(),
        &[
            req(&["env"]),
            req(&["args"]),
            req(&["preopens"]),
            req(&["read", &host_file.display().to_string()]),
            req(&["write", "out.txt", "x"]),
            req(&["tcp", &addr]),
            req(&["dns", "localhost"]),
        ],
    );
    // This process has variables and arguments; the component sees none of them.
    assert!(std::env::vars().next().is_some());
    assert_eq!(answers[..3], ["ok", "ok", "ok"], "env, args and preopens must be empty");
    assert_eq!(answers[3], "err no-preopens");
    assert_eq!(answers[4], "err no-preopens");
    assert_eq!(answers[5], "err access-denied", "tcp");
    // What wasmtime-wasi answers when lookups are off (with them on, "localhost" resolves).
    assert_eq!(answers[6], "err permanent-resolver-failure", "dns");
    assert_no_connection(&l);
}

#[test]
fn grants_give_exactly_what_they_name() {
    let (root, dir) = granted_dir();
    let (l, addr) = listener();
    let grants = WasiGrants {
        preopened_dirs: vec![PreopenedDir { host: dir.clone(), guest: "/data".into(), writable: false }],
        env: vec![("WITK_PROBE".into(), "1".into())],
        args: vec!["probe".into(), "--flag".into()],
        ..Default::default()
    };
    let secret = root.path().join("secret.txt").display().to_string();
    let answers = probe(
        grants,
        &[
            req(&["env"]),
            req(&["args"]),
            req(&["preopens"]),
            req(&["read", "in.txt"]),
            req(&["write", "out.txt", "x"]),
            req(&["read", "../secret.txt"]),
            req(&["read", &secret]),
            req(&["read", "link.txt"]),
            req(&["tcp", &addr]),
        ],
    );
    assert_eq!(answers[0], "ok WITK_PROBE=1");
    assert_eq!(answers[1], "ok probe --flag");
    assert_eq!(answers[2], "ok /data");
    assert_eq!(answers[3], "ok 5", "the granted file reads");
    assert!(answers[4].starts_with("err "), "a read-only preopen was written: {}", answers[4]);
    assert!(!dir.join("out.txt").exists());
    assert_eq!(answers[5], "err not-permitted", "`..` left the preopen");
    assert_eq!(answers[6], "err not-permitted", "an absolute path left the preopen");
    if cfg!(unix) {
        assert_eq!(answers[7], "err not-permitted", "a symlink left the preopen");
    }
    assert_eq!(answers[8], "err access-denied", "granting files granted the network");
    assert_no_connection(&l);
}

#[test]
fn a_writable_preopen_is_written_and_only_there() {
    let (root, dir) = granted_dir();
    let grants = WasiGrants {
        preopened_dirs: vec![PreopenedDir { host: dir.clone(), guest: "/data".into(), writable: true }],
        ..Default::default()
    };
    let answers = probe(
        grants,
        &[req(&["write", "out.txt", "from the probe"]), req(&["write", "../escaped.txt", "x"]), req(&["env"])],
    );
    assert_eq!(answers[0], "ok 14");
    assert_eq!(std::fs::read(dir.join("out.txt")).unwrap(), b"from the probe");
    assert_eq!(answers[1], "err not-permitted");
    assert!(!root.path().join("escaped.txt").exists());
    assert_eq!(answers[2], "ok", "a file grant gives no variables");
}
