#!/usr/bin/env bash
# Build every Python wheel into dist/python/: the `witk` core (maturin, abi3 native
# extension over the host crate) and the generated per-pipeline packages, with each
# component copied into its -wasi package. Needs scripts/build-components.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/python
rm -rf "$out" && mkdir -p "$out"
py=.venv/bin/python

cargo run -q --release --locked -p witk-codegen -- --check

for pkg in bindings/python/packages/*-wasi; do
  name=$(basename "$pkg"); name=${name#witk-}; name=${name%-wasi}
  module=$(ls -d "$pkg"/witk_*_wasi)
  mkdir -p "$module/wasm_modules"
  cp "components/target/witk/$name.wasm" "$module/wasm_modules/$name.wasm"
done

.venv/bin/maturin build --release --locked --quiet -m bindings/python/witk/Cargo.toml -o "$out"
for pkg in bindings/python/packages/*; do
  $py -m pip wheel --quiet --no-deps --no-build-isolation --no-index -w "$out" "$pkg"
done
ls -1 "$out"
