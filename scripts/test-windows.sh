#!/usr/bin/env bash
# Windows x86_64: the `witk` CLI cross-built for x86_64-pc-windows-gnu (Debian's mingw-w64
# gcc as linker; the `cross` profile, cheaper than release; its own target folder, so it
# can build while the rest of the test command uses target/) and run under Debian's wine64
# against the Linux CLI (tests/windows/run.py): every conformance vector and image-io
# conversions, byte for byte. Then the core Python wheel, from the same build (little more
# to compile), checked as far as it can be without a Windows CPython (tests/windows/wheel.py).
# Installs what it needs, idempotently.
#
#   bash scripts/test-windows.sh build   # install, cross-build witk.exe and the wheel (needs .venv)
#   bash scripts/test-windows.sh check   # run it under wine (needs target/release/witk, dist/python)
#   bash scripts/test-windows.sh         # both
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
out=build/target-windows/x86_64-pc-windows-gnu/cross
if [ "$what" != check ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  missing=()
  for p in gcc-mingw-w64-x86-64 wine64; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
  # The GPU feature stays off: wgpu's DX12 backend is not what this checks.
  CARGO_TARGET_DIR=build/target-windows cargo build -q --profile cross --locked --target x86_64-pc-windows-gnu \
    -p witk --no-default-features --bin witk
  # Wine 8 lacks bcryptprimitives.dll (Windows 10+ has it): a stand-in beside witk.exe.
  x86_64-w64-mingw32-gcc -O2 -shared -o "$out/bcryptprimitives.dll" tests/windows/bcryptprimitives.c -ladvapi32
  rm -rf build/windows/dist
  CARGO_TARGET_DIR=build/target-windows .venv/bin/maturin build --quiet --profile cross --locked \
    --target x86_64-pc-windows-gnu --no-default-features --features windows \
    -m bindings/python/witk/Cargo.toml -o build/windows/dist
fi
if [ "$what" != build ]; then
  export WINEPREFIX="$(pwd)/build/wine" WINEDEBUG=-all
  mkdir -p "$WINEPREFIX"
  wineboot -i >/dev/null 2>&1 || true
  python3 tests/windows/run.py "$out/witk.exe" target/release/witk
  .venv/bin/python tests/windows/wheel.py build/windows/dist dist/python/witk-*-cp39-abi3-manylinux*.whl
fi
