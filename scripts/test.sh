#!/usr/bin/env bash
# Everything CI checks, from a fresh machine: toolchain, component build, lints, and
# every test suite. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "toolchain"
bash scripts/bootstrap.sh
step "components (release, wasm32-wasip2)"
bash scripts/build-components.sh

step "format and lints"
cargo fmt --all --check
(cd components && cargo fmt --all --check)
(cd components && cargo clippy --release --locked -- -D warnings)
cargo clippy --release --locked --workspace --all-targets -- -D warnings

step "component logic, native"
(cd components && cargo test --release --locked --target "$(rustc -vV | sed -n 's/^host: //p')")

step "host: unit, integration, CLI and doc tests"
cargo test --release --locked --workspace

step "interchange with ITK-Wasm (itkwasm-compress-stringify) and PyPI zstandard"
bash scripts/python-env.sh
cargo build --release --locked -p witk
.venv/bin/ruff check tests scripts
.venv/bin/ruff format --check tests scripts
.venv/bin/python -m pytest -q tests/interchange
