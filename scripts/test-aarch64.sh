#!/usr/bin/env bash
# Linux aarch64: the `witk` core wheel cross-built for aarch64-unknown-linux-gnu (maturin,
# zig as the cross linker against glibc 2.17: manylinux2014_aarch64; the `cross` profile,
# its own target folder, so it builds while the rest of the test command uses target/) and
# run under qemu-user with Debian's arm64 CPython 3.11 (tests/aarch64/check.py): the seed
# example, and image-io conversions whose bytes must equal x86_64's. Debian's arm64 Python
# cannot be installed beside the amd64 one (python3.11 is not Multi-Arch: same), so its
# packages are downloaded by a private apt (its own state under build/aarch64/apt; the
# system's dpkg is not touched) and unpacked into a sysroot that qemu-aarch64 -L uses.
# Installs what it needs, idempotently.
#
#   bash scripts/test-aarch64.sh build   # cross-build the wheel (needs .venv: maturin, zig)
#   bash scripts/test-aarch64.sh check   # run it under qemu (needs dist/python, .venv)
#   bash scripts/test-aarch64.sh         # both
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
what=${1:-all}
work=build/aarch64
dist=$work/dist
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ "$what" != check ]; then
  rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
  rm -rf "$dist"
  PATH="$ROOT/.venv/bin:$PATH" CARGO_TARGET_DIR=build/target-aarch64 .venv/bin/maturin build --quiet --profile cross \
    --locked --zig --target aarch64-unknown-linux-gnu --compatibility manylinux2014 \
    -m bindings/python/witk/Cargo.toml -o "$dist"
  .venv/bin/auditwheel show "$dist"/witk-*.whl | tee "$work/auditwheel.txt"
  # (auditwheel wraps its lines: compared with the line breaks as spaces.)
  tr '\n' ' ' < "$work/auditwheel.txt" | grep -q 'consistent with the following platform tag: "manylinux_2_17_aarch64"'
fi

if [ "$what" != build ]; then
  dpkg-query -W -f='${Status}' qemu-user 2>/dev/null | grep -q "install ok installed" || {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq qemu-user >/dev/null
  }
  root=$work/root
  if [ ! -x "$root/usr/bin/python3.11" ]; then
    apt=$ROOT/$work/apt
    mkdir -p "$apt"/state/lists/partial "$apt"/cache/archives/partial "$apt"/debs
    touch "$apt/state/status"
    keys=/usr/share/keyrings/debian-archive-keyring.gpg
    cat > "$apt/sources.list" <<SOURCES
deb [arch=arm64 signed-by=$keys] http://deb.debian.org/debian bookworm main
deb [arch=arm64 signed-by=$keys] http://deb.debian.org/debian bookworm-updates main
deb [arch=arm64 signed-by=$keys] http://deb.debian.org/debian-security bookworm-security main
SOURCES
    opts=(-o "Dir::State=$apt/state" -o "Dir::State::status=$apt/state/status" -o "Dir::Cache=$apt/cache"
      -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
      -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update -qq
    # CPython and the shared libraries it, NumPy and the witk extension load.
    (cd "$apt/debs" && apt-get "${opts[@]}" download -qq python3.11-minimal libpython3.11-minimal \
      libpython3.11-stdlib libc6 libgcc-s1 libstdc++6 zlib1g libexpat1 libssl3 libffi8 libbz2-1.0 \
      liblzma5 libuuid1 libcrypt1 libsqlite3-0)
    rm -rf "$root.tmp" && mkdir -p "$root.tmp"
    for deb in "$apt"/debs/*.deb; do dpkg-deb -x "$deb" "$root.tmp"; done
    rm -rf "$root" && mv "$root.tmp" "$root"
  fi
  # What the wheels declare (NumPy), for CPython 3.11 on aarch64, resolved by pip as an
  # aarch64 pip would; NumPy's wheel is fetched once into build/wheels-aarch64.
  # Debian 12 has glibc 2.36: NumPy 2.3+ ships manylinux_2_28 wheels for aarch64.
  target=(--platform manylinux_2_28_aarch64 --platform manylinux2014_aarch64 --python-version 3.11 --implementation cp --abi cp311 --only-binary=:all:)
  numpy=$(sed -n 's/^numpy==//p' tests/requirements.txt)
  ls build/wheels-aarch64/numpy-"$numpy"-*.whl >/dev/null 2>&1 \
    || .venv/bin/pip download -q "${target[@]}" -d build/wheels-aarch64 "numpy==$numpy"
  rm -rf "$work/site"
  .venv/bin/pip install -q "${target[@]}" --no-index --target "$work/site" --find-links "$dist" \
    --find-links dist/python --find-links build/wheels-aarch64 witk-compress-stringify witk-image-io
  .venv/bin/python tests/aarch64/check.py "$root" "$work/site"
fi
