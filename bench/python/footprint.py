"""What a user installs and loads: for each pipeline, the installed size and file count of
witk's package (with everything it depends on) against ITK-Wasm's (with itkwasm, wasmtime
and theirs), each installed alone into its own folder with pip; the time to import the
package in a fresh process; and the size of the WebAssembly each ships.

Run `.venv/bin/python bench/python/footprint.py` after `scripts/build-python.sh` (witk's
wheels come from dist/python; ITK-Wasm's and the dependencies from PyPI).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIPELINES = {
    "compress-stringify": "itkwasm-compress-stringify==3.5.0",
    "image-io": "itkwasm-image-io==1.6.1",
    "downsample": "itkwasm-downsample==2.0.2",
    "dicom": "itkwasm-dicom==7.6.4",
    "mesh-io": "itkwasm-mesh-io==1.7.1",
}


def install(folder: Path, args: list[str]) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(folder)]
    subprocess.run(cmd + args, check=True, capture_output=True)


def tally(folder: Path, suffix: str | None = None) -> tuple[int, int]:
    size = files = 0
    for dirpath, _, names in os.walk(folder):
        for n in names:
            if suffix is None or n.endswith(suffix):
                size += os.path.getsize(os.path.join(dirpath, n))
                files += 1
    return size, files


def import_seconds(folder: Path, module: str) -> float:
    """Best of three fresh processes importing `module` from `folder` alone."""
    env = {**os.environ, "PYTHONPATH": str(folder), "PYTHONNOUSERSITE": "1"}
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-S", "-c", f"import {module}"], check=True, env=env, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    print("footprint: installed alone with its dependencies (pip --target); import in a fresh process")
    print(f"{'pipeline':20s} {'package':34s} {'MiB':>7s} {'files':>6s} {'wasm MiB':>9s} {'import ms':>9s}")
    for name, theirs in PIPELINES.items():
        snake = name.replace("-", "_")
        with tempfile.TemporaryDirectory() as tmp:
            ours, peer = Path(tmp) / "witk", Path(tmp) / "itkwasm"
            # Our wheels offline, what they declare (NumPy for images) from PyPI.
            install(ours, ["--find-links", str(ROOT / "dist" / "python"), f"witk-{name}"])
            install(peer, [theirs])
            rows = [
                (f"witk-{name}", ours, f"witk_{snake}"),
                (theirs.split("==")[0], peer, f"itkwasm_{snake}"),
            ]
            sizes = []
            for package, folder, module in rows:
                size, files = tally(folder)
                wasm, _ = tally(folder, ".wasm")
                ms = import_seconds(folder, module) * 1000
                sizes.append(size)
                print(f"{name:20s} {package:34s} {size / 2**20:7.1f} {files:6d} {wasm / 2**20:9.2f} {ms:9.0f}")
            print(f"{'':20s} {'witk / ITK-Wasm':34s} {sizes[0] / sizes[1]:7.2f}x")


if __name__ == "__main__":
    main()
