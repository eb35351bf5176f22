#!/usr/bin/env bash
# Build every Python wheel into dist/python/: the `witk` core (maturin, abi3 native
# extension over the host crate), the GPU accelerator witk-downsample-wgpu, and the
# per-pipeline packages that scripts/build-js.sh generated into build/python/ (each with its
# component: the -wasi package the .wasm, the -emscripten package its npm package); and
# the pure-Python `witk` for Pyodide into dist/pyodide/.
# Needs scripts/build-components.sh and scripts/build-js.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/python
rm -rf "$out" dist/pyodide && mkdir -p "$out" dist/pyodide
py=.venv/bin/python

# The core and the accelerator below are both `_native`, and a cdylib's file has no hash:
# both are deps/lib_native.so. When one is already built, cargo leaves the other's file
# there and maturin would pack it; without the file, cargo links the right one again.
native_so() { rm -f target/x86_64-unknown-linux-gnu/release/lib_native.so target/x86_64-unknown-linux-gnu/release/deps/lib_native.so; }
# Linked by zig (PyPI's ziglang, in the venv) against glibc 2.17: the wheel is
# manylinux2014, so it installs on RHEL/CentOS 7+, Ubuntu 18.04+ and Amazon Linux 2.
native_so
# witk.view serves the browser viewer from the core package: its one copy is bindings/js/viewer.
rm -rf bindings/python/witk/python/witk/viewer
cp -r bindings/js/viewer bindings/python/witk/python/witk/viewer
PATH="$(pwd)/.venv/bin:$PATH" .venv/bin/maturin build --release --locked --quiet --zig --compatibility manylinux2014 \
  -m bindings/python/witk/Cargo.toml -o "$out"
# The GPU accelerator (accelerators/wgpu/python): its own small native module, no wasmtime.
native_so
PATH="$(pwd)/.venv/bin:$PATH" .venv/bin/maturin build --release --locked --quiet --zig --compatibility manylinux2014 \
  -m accelerators/wgpu/python/Cargo.toml -o "$out"
for pkg in build/python/*; do
  $py -m pip wheel --quiet --no-deps --no-build-isolation --no-index -w "$out" "$pkg"
done
$py -m pip wheel --quiet --no-deps --no-build-isolation --no-index -w dist/pyodide bindings/python/witk/pure
ls -1 "$out" dist/pyodide
