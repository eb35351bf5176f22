#!/usr/bin/env bash
# Build the npm packages in place (bindings/js/packages/<pkg>): jco-transpile each
# component into jco/ and copy the shared runtime next to it; pack tarballs to dist/js/.
# Needs scripts/build-components.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd bindings/js && { [ -d node_modules/@bytecodealliance/jco ] && [ node_modules/.package-lock.json -nt package-lock.json ]; } \
  || npm ci --no-audit --no-fund --loglevel=error)
# Pyodide's npm package ships no micropip: take its wheel from PyPI (once) for the tests.
if ! ls build/pyodide-wheels/micropip-*.whl >/dev/null 2>&1; then
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.14 -d build/pyodide-wheels micropip
fi
mkdir -p dist/js
for pkg in bindings/js/packages/*/; do
  name=$(basename "$pkg")
  rm -rf "$pkg/jco"
  (cd bindings/js && npx --no-install jco transpile "../../components/target/witk/$name.wasm" \
    -o "packages/$name/jco" --name "$name" --instantiation async --quiet)
  cp bindings/js/runtime/witk-runtime.js bindings/js/runtime/witk-runtime.d.ts "$pkg"
  (cd "$pkg" && npm pack --silent --pack-destination ../../../../dist/js >/dev/null)
done
ls -1 dist/js
