//! Reports what the sandbox lets a component reach. `probe` takes one request per line and
//! answers one line each, `ok ...` or `err <WASI error code>`:
//!
//! - `env`: the environment variables it sees, as `NAME=value` joined by spaces;
//! - `args`: its arguments;
//! - `preopens`: the directories it was given;
//! - `read <path>`: the length of the file at `path` under the first preopen, following
//!   symlinks as `open` does;
//! - `write <path> <text>`: creates `path` under the first preopen and writes `text`;
//! - `tcp <a.b.c.d:port>`: connects over TCP to that IPv4 address;
//! - `dns <name>`: resolves the name.

use wasip2::cli::environment;
use wasip2::filesystem::preopens;
use wasip2::filesystem::types::{Descriptor, DescriptorFlags, OpenFlags, PathFlags};
use wasip2::sockets::network::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress};
use wasip2::sockets::{instance_network, ip_name_lookup, tcp_create_socket};

wit_bindgen::generate!({
    inline: "package witk:sandbox-probe;
             world probe { export probe: func(requests: string) -> string; }",
});

struct Probe;

impl Guest for Probe {
    fn probe(requests: String) -> String {
        requests.lines().map(answer).collect::<Vec<_>>().join("\n")
    }
}

export!(Probe);

fn answer(request: &str) -> String {
    let mut words = request.splitn(3, ' ');
    let result = match (words.next(), words.next(), words.next()) {
        (Some("env"), None, None) => {
            Ok(environment::get_environment().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "))
        }
        (Some("args"), None, None) => Ok(environment::get_arguments().join(" ")),
        (Some("preopens"), None, None) => {
            Ok(preopens::get_directories().iter().map(|(_, name)| name.clone()).collect::<Vec<_>>().join(" "))
        }
        (Some("read"), Some(path), None) => read(path),
        (Some("write"), Some(path), Some(text)) => write(path, text),
        (Some("tcp"), Some(addr), None) => tcp(addr),
        (Some("dns"), Some(name), None) => dns(name),
        _ => Err(format!("bad request {request:?}")),
    };
    match result {
        Ok(s) => format!("ok {s}").trim_end().to_string(),
        Err(e) => format!("err {e}"),
    }
}

fn first_preopen() -> Result<Descriptor, String> {
    preopens::get_directories().into_iter().next().map(|(d, _)| d).ok_or_else(|| "no-preopens".to_string())
}

fn read(path: &str) -> Result<String, String> {
    let dir = first_preopen()?;
    let file = dir.open_at(PathFlags::SYMLINK_FOLLOW, path, OpenFlags::empty(), DescriptorFlags::READ).map_err(code)?;
    let (bytes, _) = file.read(1 << 20, 0).map_err(code)?;
    Ok(bytes.len().to_string())
}

fn write(path: &str, text: &str) -> Result<String, String> {
    let dir = first_preopen()?;
    let file = dir
        .open_at(PathFlags::empty(), path, OpenFlags::CREATE | OpenFlags::TRUNCATE, DescriptorFlags::WRITE)
        .map_err(code)?;
    Ok(file.write(text.as_bytes(), 0).map_err(code)?.to_string())
}

fn tcp(addr: &str) -> Result<String, String> {
    let (ip, port) = addr.split_once(':').ok_or("bad address")?;
    let octets: Vec<u8> = ip.split('.').map(|o| o.parse().map_err(|_| "bad address")).collect::<Result<_, _>>()?;
    let [a, b, c, d] = octets[..] else { return Err("bad address".into()) };
    let port = port.parse().map_err(|_| "bad port")?;
    let network = instance_network::instance_network();
    let socket = tcp_create_socket::create_tcp_socket(IpAddressFamily::Ipv4).map_err(code)?;
    let remote = IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address: (a, b, c, d) });
    socket.start_connect(&network, remote).map_err(code)?;
    loop {
        match socket.finish_connect() {
            Ok(_) => return Ok("connected".into()),
            Err(wasip2::sockets::network::ErrorCode::WouldBlock) => socket.subscribe().block(),
            Err(e) => return Err(code(e)),
        }
    }
}

fn dns(name: &str) -> Result<String, String> {
    let network = instance_network::instance_network();
    let stream = ip_name_lookup::resolve_addresses(&network, name).map_err(code)?;
    loop {
        match stream.resolve_next_address() {
            Ok(Some(_)) => return Ok("resolved".into()),
            Ok(None) => return Ok("no addresses".into()),
            Err(wasip2::sockets::network::ErrorCode::WouldBlock) => stream.subscribe().block(),
            Err(e) => return Err(code(e)),
        }
    }
}

/// WASI's error codes (file system and sockets) by their WIT names (`access`, `not-permitted`).
trait Named {
    fn wit_name(&self) -> &'static str;
}

impl Named for wasip2::filesystem::types::ErrorCode {
    fn wit_name(&self) -> &'static str {
        self.name()
    }
}

impl Named for wasip2::sockets::network::ErrorCode {
    fn wit_name(&self) -> &'static str {
        self.name()
    }
}

fn code(e: impl Named) -> String {
    e.wit_name().to_string()
}
