#!/usr/bin/env bash
# Release-build every guest: core modules (components/ workspace, wasm32-unknown-unknown),
# then wrapped into components by tools/componentize.
# Output: components/target/witk/<pipeline>.wasm, embedded by host/build.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
target=wasm32-unknown-unknown

# cargo build for wasm32 in folder $1 (further arguments to cargo).
build_wasm() {
  local dir=$1
  shift
  if rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    (cd "$dir" && cargo build --release --locked --target "$target" "$@")
  else
    # Fallback toolchain (see scripts/bootstrap.sh): Debian's rustc with build-std.
    (cd "$dir" && RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc PATH="/usr/lib/llvm-19/bin:/usr/bin:$PATH" \
      /usr/bin/cargo build --release --locked --target "$target" -Zbuild-std=std,panic_abort "$@")
  fi
}

build_wasm components

cargo build --release --locked -q -p witk-componentize
mkdir -p components/target/witk
for core in components/target/$target/release/witk_*_component.wasm; do
  name=$(basename "$core" _component.wasm); name=${name#witk_}; name=${name//_/-}
  target/release/witk-componentize "$core" "components/target/witk/$name.wasm"
  echo "components/target/witk/$name.wasm ($(stat -c %s "components/target/witk/$name.wasm") bytes)"
done

# The sandbox test's probe (host/tests/sandbox.rs): a component that imports WASI's file
# system, sockets and environment. Not a pipeline; not shipped.
CARGO_TARGET_DIR="$(pwd)/target/sandbox-probe" build_wasm host/tests/sandbox-probe -q
mkdir -p components/target/testing
target/release/witk-componentize "target/sandbox-probe/$target/release/witk_sandbox_probe.wasm" \
  components/target/testing/sandbox-probe.wasm
