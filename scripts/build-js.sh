#!/usr/bin/env bash
# Build the npm packages in place (bindings/js/packages/<pkg>): jco-transpile each
# component into jco/ and copy the shared runtime next to it; pack tarballs to dist/js/.
# Needs scripts/build-components.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd bindings/js && { [ -d node_modules/@bytecodealliance/jco ] && [ node_modules/.package-lock.json -nt package-lock.json ]; } \
  || npm ci --no-audit --no-fund --loglevel=error)
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
