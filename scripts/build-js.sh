#!/usr/bin/env bash
# Generate every pipeline's Python and npm packages from wit/ (witk-codegen, into
# build/python/<dist> and build/npm/<pkg>) with each component in them, assemble the WebGPU accelerator
# @witk/downsample-webgpu (accelerators/wgpu/js and its planner in wasm), and pack
# tarballs to dist/js/.
# Needs scripts/build-components.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
(cd bindings/js && { [ -d node_modules/@bytecodealliance/jco ] && [ node_modules/.package-lock.json -nt package-lock.json ]; } \
  || npm ci --no-audit --no-fund --loglevel=error)
# Pyodide's npm package ships no micropip: take its wheel from PyPI (once) for the tests.
if ! ls build/pyodide-wheels/micropip-*.whl >/dev/null 2>&1; then
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.14 -d build/pyodide-wheels micropip
fi
# Fresh each time, so a pipeline removed from wit/ leaves no package behind.
rm -rf build/npm build/python
# Each component goes into its packages there too (witk_codegen::assemble, as `witk
# bindgen` does for a pipeline project): the -wasi package's copy, jco's output with the
# runtime for npm, and both under the -emscripten package's js/ for Pyodide.
cargo run -q --release --locked -p witk-codegen -- --out build \
  --components components/target/witk --jco bindings/js/node_modules/.bin/jco
rm -rf dist/js && mkdir -p dist/js
for pkg in build/npm/*/; do
  (cd "$pkg" && npm pack --silent --pack-destination "$ROOT/dist/js" >/dev/null)
done
# The WebGPU accelerator (accelerators/wgpu/js) with its planner, the Rust that plans the
# native accelerator's runs, compiled to a small wasm module.
cargo build -q --release --locked --target wasm32-unknown-unknown -p witk-wgpu-plan
webgpu=build/npm/downsample-webgpu
mkdir -p "$webgpu"
cp accelerators/wgpu/js/package.json accelerators/wgpu/js/*.js accelerators/wgpu/js/*.d.ts "$webgpu/"
cp target/wasm32-unknown-unknown/release/witk_wgpu_plan.wasm "$webgpu/planner.wasm"
(cd "$webgpu" && npm pack --silent --pack-destination "$ROOT/dist/js" >/dev/null)
ls -1 dist/js
