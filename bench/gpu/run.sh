#!/usr/bin/env bash
# The GPU benchmark, as one script a machine with an NVIDIA GPU runs as is: builds witk
# and witk-gpu-bench, installs the peers where the registries allow (native ITK; ITK-Wasm's
# cuCIM accelerator, CUDA only), and prints one table: witk-wgpu against the component on
# every core, ITK on all threads and cuCIM, measured in the same run.
#
#   bash bench/gpu/run.sh           # the issue's cases: 256^3, 512^3, 512x512x900 CT
#   bash bench/gpu/run.sh --small   # small cases (a software adapter: a correctness run)
#
# With WITK_GPU_BENCH_PREBUILT=1 and target/release/witk-gpu-bench present (carried to a
# machine without a toolchain), nothing is built.
set -euo pipefail
cd "$(dirname "$0")/../.."
small=${1:-}
mkdir -p build/gpu-bench
if [ "${WITK_GPU_BENCH_PREBUILT:-}" != 1 ] || [ ! -x target/release/witk-gpu-bench ]; then
  bash scripts/bootstrap.sh
  bash scripts/build-components.sh >/dev/null
  cargo build --release --locked -p witk-bench --bin witk-gpu-bench
fi
export NODEVICE_SELECT=1
bin=target/release/witk-gpu-bench
$bin --cases $small > build/gpu-bench/cases.json
venv=build/gpu-bench/venv
peers=build/gpu-bench/peers.json
if { [ -x $venv/bin/python ] || python3 -m venv $venv; } \
  && $venv/bin/python -m pip install -q -r bench/gpu/requirements.txt 2>/dev/null; then
  # cuCIM needs CUDA wheels; without them only ITK is measured (peers.py says so).
  $venv/bin/python -m pip install -q -r bench/gpu/requirements-cuda.txt 2>/dev/null \
    || echo "bench/gpu: itkwasm-downsample-cucim or its CUDA wheels did not install" >&2
  $venv/bin/python bench/gpu/peers.py build/gpu-bench/cases.json > $peers \
    || echo '{"note": "peers.py failed"}' > $peers
else
  echo '{"note": "no registry: ITK and cuCIM not installed, not measured"}' > $peers
fi
$bin $small --peers $peers
