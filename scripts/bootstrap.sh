#!/usr/bin/env bash
# Install everything witk's build needs, idempotently, on a fresh Debian 12 machine
# with rustup: Debian's clang + llvm-ar (zstd's C code inside components), the
# wasm32-unknown-unknown Rust target (guests), rustfmt and clippy, Mesa's software Vulkan
# driver (lavapipe, for the GPU accelerator's tests); with --browser, Chromium, Firefox ESR
# and WebKitGTK too.
set -euo pipefail

log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Mesa's Vulkan drivers: lavapipe, the software GPU the wgpu accelerator's tests run on.
apt_packages=(clang-19 llvm-19 mesa-vulkan-drivers libvulkan1)
# --browser: Debian's Chromium, Firefox ESR and WebKitGTK (MiniBrowser, WebKitWebDriver,
# and Xvfb for its window) for the browser tests (never a downloaded browser build).
[ "${1:-}" = "--browser" ] && apt_packages+=(chromium firefox-esr webkit2gtk-driver xvfb)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  if ! rustup target add wasm32-unknown-unknown; then
    # DESIGN.md's fallback when the target download is refused: Debian's Rust with
    # its std sources, built for the target by scripts/build-components.sh.
    log "rustup refused the target; installing Debian's rustc-web for -Zbuild-std"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web rust-web-src lld-19 >/dev/null
  fi
fi
for c in rustfmt clippy; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done
log "toolchain ready"
