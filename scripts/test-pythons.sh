#!/usr/bin/env bash
# The Python packages under every CPython 3.9-3.13 besides the main venv's 3.11: for each,
# a venv (kept in build/py/, reused) with witk's wheels (dist/python, built first), what
# they declare, and pytest; then the part of the suite that needs nothing but NumPy: every
# pipeline's round trips and typed errors, companions, dispatch, the dynamic path, pixel
# buffers and the conformance vectors. Interpreters come from pyenv (these machines have
# 3.7-3.13); a version missing there is reported and skipped. 3.7 and 3.8 are not
# supported: the native core is built with PyO3's abi3 floor of 3.9 (as itkwasm 1.0b201
# requires 3.9 too).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
tests=(
  tests/python/test_every_pipeline_numpy_only.py tests/python/test_companions.py
  tests/python/test_compress_stringify.py tests/python/test_dispatch.py tests/python/test_dynamic.py
  tests/python/test_pixel_buffers.py tests/python/test_vectors.py
)
# What the tests and witk's wheels need from PyPI: the newest NumPy and pytest each Python
# has wheels of, zstandard (test_compress_stringify), hatchling (the override package).
pins() {
  case "$1" in
    3.9) echo "numpy==2.0.2 pytest==8.4.2 zstandard==0.25.0 hatchling==1.27.0 importlib-metadata==8.7.1" ;;
    3.10) echo "numpy==2.2.6 pytest==9.2.0 zstandard==0.25.0 hatchling==1.27.0" ;;
    *) echo "numpy==2.4.6 pytest==9.2.0 zstandard==0.25.0 hatchling==1.27.0" ;;
  esac
}
packages=$(ls dist/python/*.whl | sed -n 's|.*/\(witk[a-z_]*\)-[0-9].*|\1|p' | grep -v -E '_(wasi|emscripten)$' | tr '_' '-' | sort -u)
for v in 3.9 3.10 3.12 3.13; do
  python=$(ls -d "$root"/versions/"$v".*/bin/python 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$python" ]; then
    echo "Python $v: not installed under $root/versions: skipped" >&2
    continue
  fi
  venv=build/py/$v
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  # shellcheck disable=SC2046
  "$venv/bin/pip" install -q --disable-pip-version-check $(pins "$v")
  # Our wheels (offline: nothing of ours from an index) with what they declare, installed
  # above; then the versions just built over any older ones.
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q --disable-pip-version-check --no-index --find-links dist/python $packages
  "$venv/bin/pip" install -q --disable-pip-version-check --no-index --force-reinstall --no-deps dist/python/*.whl
  "$venv/bin/pip" install -q --disable-pip-version-check --no-index --no-build-isolation --no-deps --force-reinstall \
    tests/python/override-package
  echo "== Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())')" >&2
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "${tests[@]}"
done
