"""A pipeline of one's own, written in Python (componentize-py) against the same pipeline
written in Rust (wit-bindgen): both scaffolded by `witk new` and built by `witk build` in a
temporary folder, then called from system Python through witk's native host.

Printed: the .wasm sizes; the first load (compiling the component, no cache) and a
cached load in a fresh process; the call overhead (histogram of a 1-pixel image); and
histogram and binary-threshold of a 64^3 uint8 and a 64^3 float32 volume, with NumPy's
time for the same work beside. Ratios are Python-authored / Rust-authored, measured in
this run. Both go through the native host's dynamic path (a wasmtime `Val` per list
element: the packages of this repository's pipelines have typed adapters that copy
lists whole), which dominates the Rust guest's time on 64^3 volumes.
Run `.venv/bin/python bench/python/bench_sdk.py` after `scripts/bench.sh` built
`target/release/witk`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WITK = ROOT / "target" / "release" / "witk"

CALLS = r"""
import json, sys, time
import numpy as np
import witk, witk.convert as c
wasm, cache = sys.argv[1], sys.argv[2]
t = time.perf_counter()
p = witk.pipeline("bench-" + wasm.rsplit("/", 1)[-1][:-5], wasm)
load = time.perf_counter() - t

def best(f, n):
    times = []
    for _ in range(n):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)

one = c.image_to_native(witk.image_from_array(np.zeros((1, 1), np.uint8)))
rng = np.random.default_rng(3)
u8 = rng.integers(0, 256, (64, 64, 64), dtype=np.uint8)
f32 = rng.random((64, 64, 64), dtype=np.float32)
out = {"load_s": load, "overhead_s": best(lambda: p.call("histogram", one, 10, None), 50)}
for name, a in [("uint8", u8), ("float32", f32)]:
    im = c.image_to_native(witk.image_from_array(a))
    out[f"histogram_{name}_s"] = best(lambda: p.call("histogram", im, 64, None), 3)
    out[f"threshold_{name}_s"] = best(lambda: p.call("binary-threshold", im, 0.25, 0.75, 1, 0), 3)
    out[f"numpy_histogram_{name}_s"] = best(lambda: np.histogram(a.astype(np.float64), 64), 3)
    out[f"numpy_threshold_{name}_s"] = best(lambda: ((a >= 0.25) & (a <= 0.75)).astype(np.uint8), 3)
print(json.dumps(out))
"""


def build(work: Path, name: str, lang: str) -> Path:
    subprocess.run([str(WITK), "new", name, "--lang", lang, "--dir", str(work / name)], check=True, capture_output=True)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    subprocess.run([str(WITK), "build", str(work / name)], check=True, capture_output=True, env=env)
    return work / name / "build" / f"{name}.wasm"


def measure(wasm: Path, cache: Path) -> dict[str, float]:
    env = dict(os.environ, WITK_CACHE_DIR=str(cache))
    out = subprocess.run(
        [sys.executable, "-c", CALLS, str(wasm), str(cache)], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wasm = {"python": build(work, "bench-py", "python"), "rust": build(work, "bench-rs", "rust")}
        rows: dict[str, dict[str, float]] = {}
        for lang, path in wasm.items():
            cold = measure(path, work / f"cache-{lang}")  # compiles, fills the cache
            warm = measure(path, work / f"cache-{lang}")  # a fresh process, cached
            rows[lang] = {"size_bytes": path.stat().st_size, "first_load_s": cold["load_s"], **warm}
    py, rs = rows["python"], rows["rust"]
    print("witk SDK: the same pipeline written in Python (componentize-py) and in Rust (wit-bindgen)")
    print(f"  {'':34} {'Python':>12} {'Rust':>12} {'Python/Rust':>12}")
    for key, label, unit in [
        ("size_bytes", ".wasm size", 1e-6),
        ("first_load_s", "first load (compile, no cache)", 1e3),
        ("load_s", "load in a new process (cached)", 1e3),
        ("overhead_s", "call overhead (1-pixel histogram)", 1e3),
        ("histogram_uint8_s", "histogram, 64^3 uint8", 1e3),
        ("threshold_uint8_s", "binary-threshold, 64^3 uint8", 1e3),
        ("histogram_float32_s", "histogram, 64^3 float32", 1e3),
        ("threshold_float32_s", "binary-threshold, 64^3 float32", 1e3),
    ]:
        suffix = "MB" if key == "size_bytes" else "ms"
        print(f"  {label:34} {py[key] * unit:10.3f}{suffix} {rs[key] * unit:10.3f}{suffix} {py[key] / rs[key]:11.1f}x")
    for name in ["uint8", "float32"]:
        for op in ["histogram", "threshold"]:
            numpy = rs[f"numpy_{op}_{name}_s"]
            print(
                f"  {op} {name} against NumPy in-process: Rust {rs[f'{op}_{name}_s'] / numpy:.1f}x, "
                f"Python {py[f'{op}_{name}_s'] / numpy:.1f}x"
            )


if __name__ == "__main__":
    main()
