#!/usr/bin/env bash
# Release-build every guest component (components/ workspace, wasm32-wasip2).
# Output: components/target/wasm32-wasip2/release/*.wasm, embedded by host/build.rs.
set -euo pipefail
cd "$(dirname "$0")/../components"

if rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
  cargo build --release --locked
else
  # Fallback toolchain (see scripts/bootstrap.sh): Debian's rustc with build-std.
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc PATH="/usr/lib/llvm-19/bin:/usr/bin:$PATH" \
    RUSTFLAGS="-L /usr/lib/wasm32-wasi -C target-feature=+simd128" \
    /usr/bin/cargo build --release --locked -Zbuild-std=std,panic_abort
fi
ls -1 target/wasm32-wasip2/release/*.wasm
