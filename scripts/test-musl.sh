#!/usr/bin/env bash
# musllinux (Alpine and other musl distributions): the `witk` core wheel cross-built for
# x86_64-unknown-linux-musl by the same route as the others (maturin, zig as linker; the
# `cross` profile, its own target folder). It cannot be run here: no musl CPython is
# reachable (Alpine's package mirror is not, and Debian builds CPython only on glibc), and
# auditwheel reads the running system's C library, glibc here. What is checked: the tag
# (musllinux_1_2), that the extension needs nothing but `libc.so`, and that Debian's musl
# dynamic loader resolves every symbol it imports except the Python API's own (Py*), which
# a musl CPython provides: no glibc-only symbol slipped in.
#
#   bash scripts/test-musl.sh build   # cross-build the wheel (needs .venv: maturin, zig)
#   bash scripts/test-musl.sh check   # the checks above (installs Debian's musl)
#   bash scripts/test-musl.sh         # both
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
what=${1:-all}
dist=build/musl/dist

if [ "$what" != check ]; then
  rustup target list --installed | grep -qx x86_64-unknown-linux-musl || rustup target add x86_64-unknown-linux-musl
  rm -rf "$dist"
  PATH="$ROOT/.venv/bin:$PATH" CARGO_TARGET_DIR=build/target-musl .venv/bin/maturin build --quiet --profile cross \
    --locked --zig --target x86_64-unknown-linux-musl --compatibility musllinux_1_2 \
    -m bindings/python/witk/Cargo.toml -o "$dist"
fi

if [ "$what" != build ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  dpkg-query -W -f='${Status}' musl 2>/dev/null | grep -q "install ok installed" || {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq musl >/dev/null
  }
  wheel=$(ls "$dist"/witk-*-cp39-abi3-musllinux_1_2_x86_64.whl)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("witk/_native.abi3.so", sys.argv[2])' "$wheel" "$tmp"
  so=$tmp/witk/_native.abi3.so
  needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  [ "$needed" = "libc.so " ] || { echo "musl wheel needs more than libc.so: $needed" >&2; exit 1; }
  # The loader's list mode relocates everything and names each symbol it cannot find.
  list=$(/lib/ld-musl-x86_64.so.1 --list "$so" 2>&1 || true)
  missing=$(grep -c 'symbol not found' <<<"$list" || true)
  foreign=$(grep 'symbol not found' <<<"$list" | grep -v -E ': _?Py[A-Za-z_0-9]*: symbol not found' || true)
  [ -z "$foreign" ] || { echo "symbols musl lacks:" >&2; echo "$foreign" >&2; exit 1; }
  [ "$missing" -gt 0 ] || { echo "the loader reported no Python symbols: the check did not run" >&2; exit 1; }
  echo "$(basename "$wheel"): needs only libc.so; musl resolves all but the $missing Python API symbols"
fi
