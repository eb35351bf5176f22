#!/usr/bin/env bash
# Release-build every guest: core modules (components/ workspace, wasm32-unknown-unknown),
# then wrapped into components by tools/componentize.
# Output: components/target/witk/<pipeline>.wasm, embedded by host/build.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
target=wasm32-unknown-unknown

if rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  (cd components && cargo build --release --locked)
else
  # Fallback toolchain (see scripts/bootstrap.sh): Debian's rustc with build-std.
  (cd components && RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc PATH="/usr/lib/llvm-19/bin:/usr/bin:$PATH" \
    /usr/bin/cargo build --release --locked -Zbuild-std=std,panic_abort)
fi

cargo build --release --locked -q -p witk-componentize
mkdir -p components/target/witk
for core in components/target/$target/release/witk_*_component.wasm; do
  name=$(basename "$core" _component.wasm); name=${name#witk_}; name=${name//_/-}
  target/release/witk-componentize "$core" "components/target/witk/$name.wasm"
  echo "components/target/witk/$name.wasm ($(stat -c %s "components/target/witk/$name.wasm") bytes)"
done
