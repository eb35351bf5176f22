#!/usr/bin/env bash
# A JupyterLite site (jupyterlite-core and its Pyodide kernel, from tests/requirements.txt)
# in build/jupyterlite/, served from this machine alone: Pyodide is npm's (bindings/js),
# with the two pure-Python packages its kernel loads first (micropip and packaging, from
# PyPI) listed in its lock file under their own hashes; the witk wheels are in the
# kernel's piplite index; data/phantom.nrrd and a notebook reading it are in its files.
# Needs scripts/build-js.sh, scripts/python-env.sh and scripts/build-python.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
src=build/jupyterlite-src
out=build/jupyterlite
rm -rf "$src" "$out" && mkdir -p "$src/static/pyodide" "$src/files"
npm_pyodide=bindings/js/node_modules/pyodide
cp "$npm_pyodide"/pyodide.mjs "$npm_pyodide"/pyodide.js "$npm_pyodide"/pyodide.asm.mjs "$npm_pyodide"/pyodide.asm.wasm \
  "$npm_pyodide"/python_stdlib.zip "$src/static/pyodide/"
# The pure-Python packages of npm's lock that the kernel loads (micropip, packaging, ipython
# and jedi, and what they depend on) as PyPI's wheels of the same versions, under their own hashes.
.venv/bin/python - "$npm_pyodide/pyodide-lock.json" "$src/static/pyodide" build/pyodide-wheels <<'PY'
import hashlib, json, subprocess, sys
from pathlib import Path
lock = json.loads(Path(sys.argv[1]).read_text())
folder, cache = Path(sys.argv[2]), Path(sys.argv[3])
packages = lock["packages"]
key = {k.lower().replace("_", "-"): k for k in packages}
need, todo = set(), ["micropip", "packaging", "ipython", "jedi"]
while todo:
    name = key.get(todo.pop().lower().replace("_", "-"))
    if name is None or name in need:
        continue
    need.add(name)
    todo += packages[name].get("depends", [])
for name in sorted(need):
    entry = packages[name]
    assert entry["file_name"].endswith("-none-any.whl"), entry["file_name"]
    spec = f"{entry['name']}=={entry['version']}"
    wheels = [w for w in cache.glob("*.whl") if w.name.lower().startswith(entry["name"].lower().replace("-", "_") + "-" + entry["version"] + "-")]
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--python-version", "3.14", "-d", str(cache), spec], check=True)
        wheels = [w for w in cache.glob("*.whl") if w.name.lower().startswith(entry["name"].lower().replace("-", "_") + "-" + entry["version"] + "-")]
    wheel = wheels[0]
    (folder / wheel.name).write_bytes(wheel.read_bytes())
    entry["file_name"] = wheel.name
    entry["sha256"] = hashlib.sha256(wheel.read_bytes()).hexdigest()
(folder / "pyodide-lock.json").write_text(json.dumps(lock))
PY
# What the kernel installs from its piplite index rather than the lock.
for req in comm==0.2.3; do
  ls build/pyodide-wheels/"${req%%==*}"-"${req##*==}"-*.whl >/dev/null 2>&1 \
    || python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.14 -d build/pyodide-wheels "$req"
done
# exposeAppInBrowser: the test drives the notebook through window.jupyterapp's commands.
echo '{"jupyter-lite-schema-version": 0, "jupyter-config-data": {"exposeAppInBrowser": true}}' > "$src/jupyter-lite.json"
cp data/phantom.nrrd "$src/files/"
cp bindings/js/test/jupyterlite/witk.ipynb "$src/files/"
wheels=(dist/pyodide/*.whl build/pyodide-wheels/comm-*.whl)
for w in dist/python/*-none-any.whl; do
  case "$w" in *_wasi-*) ;; *) wheels+=("$w") ;; esac
done
args=()
for w in "${wheels[@]}"; do args+=(--piplite-wheels "$(pwd)/$w"); done
(cd "$src" && ../../.venv/bin/jupyter lite build --output-dir ../jupyterlite --contents files "${args[@]}" >/dev/null)
echo "JupyterLite site in $out (Pyodide $(.venv/bin/python -c "import json; print(json.load(open('$npm_pyodide/package.json'))['version'])"))"
