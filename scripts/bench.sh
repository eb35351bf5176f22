#!/usr/bin/env bash
# All benchmarks (not tests): witk vs native zstd from Rust, and from Python vs PyPI
# zstandard and ITK-Wasm's itkwasm-compress-stringify, image-io vs SimpleITK and
# itkwasm-image-io, downsample vs itkwasm-downsample and native ITK, each peer measured
# in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
bash scripts/build-components.sh >/dev/null
bash scripts/build-js.sh >/dev/null
bash scripts/python-env.sh
.venv/bin/python -m pip install -q -r bench/requirements.txt
bash scripts/build-python.sh >/dev/null
.venv/bin/pip install -q --no-index --force-reinstall --no-deps dist/python/*.whl
cargo build --release --locked -p witk -p witk-bench
echo "== Rust host"
target/release/witk-bench
echo
echo "== Python"
.venv/bin/python bench/python/bench_compress_stringify.py
.venv/bin/python bench/python/bench_image_io.py
.venv/bin/python bench/python/bench_downsample.py
.venv/bin/python bench/python/bench_compare_images.py
.venv/bin/python bench/python/bench_dicom.py
.venv/bin/python bench/python/bench_mesh_io.py
.venv/bin/python bench/python/bench_sdk.py
.venv/bin/python bench/python/footprint.py
echo
echo "== JavaScript (Node, Chromium, Pyodide)"
node bench/js/bench.mjs
node bench/js/viewer.mjs
