#!/usr/bin/env bash
# Everything CI checks, from a fresh machine: toolchain, component build, lints, and
# every test suite. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# Each step says when it starts (seconds since this script began): the CI log then shows
# where the time goes.
step() { printf '\n\033[1m== [%4ds] %s\033[0m\n' "$SECONDS" "$*" >&2; }
# The GPU accelerator's tests run on lavapipe (bootstrap installs it) and fail without an
# adapter instead of skipping; Mesa's device-select layer is kept quiet without a display.
export WITK_WGPU_REQUIRE=1 NODEVICE_SELECT=1

step "toolchain"
bash scripts/bootstrap.sh --browser
step "components (release core modules, wasm32-unknown-unknown, wrapped as components)"
bash scripts/build-components.sh

step "Python environment; cross builds start in the background, at the lowest priority (checked at the end)"
bash scripts/python-env.sh
# The Windows witk.exe and wheel, and the aarch64 wheel: their own target folders and the
# cross profile, so they share nothing with the Linux build. They need the components
# (embedded) and the venv's maturin and zig, nothing later. At nice 19 they take what the
# steps below leave: a core while one large crate compiles alone, while pytest, the other
# Pythons and the browsers run. One job, so at most one cross build runs at a time.
# (The musllinux wheel, scripts/test-musl.sh, is the same route again: run by hand.)
cross_log=build/cross-build.log
mkdir -p build
# The stock wasmtime CLI (scripts/test-wasmtime-cli.sh) is built there too, once per machine.
(nice -n 19 bash scripts/test-windows.sh build && echo "[${SECONDS}s] windows built" \
  && nice -n 19 bash scripts/test-aarch64.sh build && echo "[${SECONDS}s] aarch64 built" \
  && nice -n 19 bash scripts/test-wasmtime-cli.sh build && echo "[${SECONDS}s] wasmtime CLI built") \
  > "$cross_log" 2>&1 &
cross_build=$!

step "format and lints"
cargo fmt --all --check
(cd components && cargo fmt --all --check)
# Each pipeline's host parts are compiled into the host through generated `#[path]`
# modules, which cargo fmt does not reach.
rustfmt --check --edition 2021 components/*/host/*.rs
# The sandbox test's probe component (its own workspace; scripts/build-components.sh builds it).
cargo fmt --check --manifest-path host/tests/sandbox-probe/Cargo.toml
(cd host/tests/sandbox-probe && CARGO_TARGET_DIR="$ROOT/target/sandbox-probe" \
  cargo clippy --release --locked --target wasm32-unknown-unknown -- -D warnings)
(cd components && cargo clippy --release --locked -- -D warnings)
cargo clippy --release --locked --workspace --all-targets -- -D warnings

step "component logic, native"
# Without the wasm build's fat LTO and single codegen unit: they only slow the linking of
# every native test binary.
(cd components && CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo test --release --locked --target "$(rustc -vV | sed -n 's/^host: //p')")

step "host: unit, integration, CLI and doc tests"
cargo test --release --locked --workspace --exclude witk-python --exclude witk-downsample-wgpu-python
# The CLI the Python, JavaScript and Windows tests compare with is the one this test build
# made for the CLI tests (target/release/witk). A `cargo build -p witk` here would resolve
# wasmtime's features without the workspace's dev-dependencies and rebuild it (measured:
# 2 min 10 s), and after maturin (whose zig linking rebuilds the shared dependencies in
# place) it would take 5 minutes.
test -x target/release/witk

step "JavaScript and Python packages generated from wit/; npm packages (jco transpile)"
bash scripts/build-js.sh

step "Python wheels"
bash scripts/build-python.sh

step "Python: the core wheel is manylinux2014 (glibc 2.17+), as auditwheel reads its symbols"
.venv/bin/auditwheel show dist/python/witk-*-abi3-*.whl | tee build/auditwheel.txt
# (auditwheel wraps its lines: compared with the line breaks as spaces.)
tr '\n' ' ' < build/auditwheel.txt | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"'

step "Python: wheels install offline into a fresh venv (with what they declare); the seed example and read_image run"
fresh=build/fresh-venv
rm -rf "$fresh" && python3 -m venv "$fresh"
# NumPy, which the image pipelines declare, from a wheel fetched once (the install itself
# is offline: nothing but our wheels and what they declare).
ls build/wheels/numpy-*.whl >/dev/null 2>&1 \
  || python3 -m pip download -q --only-binary=:all: -d build/wheels "numpy==$(sed -n 's/^numpy==//p' tests/requirements.txt)"
"$fresh/bin/pip" install -q --no-index --find-links dist/python --find-links build/wheels witk-compress-stringify witk-image-io
got=$(cd /tmp && "$ROOT/$fresh/bin/python" -c '
from witk_compress_stringify import compress_stringify
print(compress_stringify(bytes([33, 44, 55]), stringify=True).decode())')
echo "$got"
[ "$got" = "data:application/zstd;base64,KLUv/SADGQAAISw3" ]
got=$(cd /tmp && "$ROOT/$fresh/bin/python" -c "
from witk_image_io import read_image
print(read_image('$ROOT/data/phantom.nrrd').data.shape)")
echo "read_image in a fresh venv: $got"
[ "$got" = "(64, 64, 64)" ]
# The accelerator: without it the component answers; `pip install witk-downsample-wgpu`
# alone makes witk_downsample's functions its own (entry points), on lavapipe here.
"$fresh/bin/pip" install -q --no-index --find-links dist/python --find-links build/wheels witk-downsample
dispatch='import witk, witk_downsample; print(witk.environment_dispatch("witk_downsample", "downsample").__module__)'
got=$(cd /tmp && "$ROOT/$fresh/bin/python" -c "$dispatch")
[ "$got" = "witk_downsample_wasi.downsample" ] || { echo "without the accelerator: $got" >&2; exit 1; }
"$fresh/bin/pip" install -q --no-index --find-links dist/python --find-links build/wheels witk-downsample-wgpu
got=$(cd /tmp && WITK_WGPU_ADAPTER=any "$ROOT/$fresh/bin/python" -c "$dispatch
import numpy as np, witk_downsample_wgpu, witk_downsample_wasi as w
im = witk.image_from_array(np.arange(4096, dtype=np.uint16).reshape(16, 16, 16))
assert witk_downsample_wgpu.adapter(), 'no adapter'
assert np.array_equal(witk_downsample.downsample(im, [2, 2, 2]).data, w.downsample(im, [2, 2, 2]).data)")
echo "with witk-downsample-wgpu: $got"
[ "$got" = "witk_downsample_wgpu" ]

step "Python: lint, binding tests, interchange with ITK-Wasm and zstandard"
.venv/bin/ruff check tests scripts bindings/python bench accelerators fuzz
.venv/bin/ruff format --check tests scripts bindings/python bench accelerators fuzz
.venv/bin/pip install -q --no-index --force-reinstall --no-deps dist/python/*.whl
.venv/bin/pip install -q --no-index --no-build-isolation --no-deps --force-reinstall tests/python/override-package
.venv/bin/python -m pytest -q tests/python tests/interchange accelerators/wgpu/python/tests

step "Python 3.9, 3.10, 3.12, 3.13: fresh venvs from the wheels; every pipeline with NumPy alone"
bash scripts/test-pythons.sh

step "JavaScript: Node tests and Chromium (npm package, Web Workers, Pyodide, demo page)"
# Shared tests, each pipeline's own (components/<pipeline>/tests/*.test.js) and the
# accelerators' (accelerators/*/js/tests: WebGPU in Chromium).
(cd bindings/js && node --test test/*.test.js $(ls ../../components/*/tests/*.test.js ../../accelerators/*/js/tests/*.test.js 2>/dev/null))

step "Cross builds: Windows witk.exe under wine gives the Linux CLI's bytes (vectors, image-io); the wheels"
wait "$cross_build" || { cat "$cross_log" >&2; exit 1; }
cat "$cross_log"
bash scripts/test-windows.sh check

step "Linux aarch64: the wheel under qemu-user with Debian's arm64 CPython gives x86_64's answers"
bash scripts/test-aarch64.sh check

step "Other runtimes: the stock wasmtime CLI calls the components with WAVE arguments"
bash scripts/test-wasmtime-cli.sh check
step "done"
