"""witk-compress-stringify from Python vs PyPI zstandard and itkwasm-compress-stringify.

All peers are measured in the same run on the same data (a float32 volume of a smooth
function with noise); the table prints best-of-N times and ratios. Run with
`bash scripts/bench.sh` (builds and installs first) or `.venv/bin/python bench/python/bench_compress_stringify.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import Callable

import numpy as np
import zstandard

LEVEL = 3


def volume(nbytes: int) -> bytes:
    n = nbytes // 4
    side = int(round(n ** (1 / 3))) + 1
    i = np.arange(n)
    r = np.sqrt((i % side) ** 2 + (i // side % side) ** 2 + (i // side // side) ** 2) / side
    noise = np.random.default_rng(7).random(n) * 0.01
    return (np.sin(9 * r) * 100 + noise).astype("<f4").tobytes()


def best(reps: int, f: Callable[[], object]) -> float:
    f()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def row(case: str, ours: float, peers: dict[str, float], mib: float) -> None:
    ratios = "  ".join(f"{name} {t * 1e3:8.1f} ms ({ours / t:5.2f}x)" for name, t in peers.items())
    print(f"{case:<24} witk {ours * 1e3:8.1f} ms ({mib / ours:6.0f} MiB/s)  {ratios}")


def in_new_process(code: str, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - t


def bench_size(label: str, mib: int, reps: int, compress: Callable, decompress: Callable, itk: object) -> None:
    data = volume(mib << 20)
    frame = zstandard.ZstdCompressor(level=LEVEL).compress(data)
    url = compress(data, stringify=True)
    zc, zd = zstandard.ZstdCompressor(level=LEVEL), zstandard.ZstdDecompressor()
    peers = {"zstandard": best(reps, lambda: zc.compress(data))}
    if itk is not None:
        peers["itkwasm"] = best(1, lambda: itk.compress_stringify(data, compression_level=LEVEL))
    row(f"compress {label}", best(reps, lambda: compress(data, compression_level=LEVEL)), peers, mib)
    peers = {"zstandard": best(reps, lambda: zd.decompress(frame))}
    if itk is not None:
        peers["itkwasm"] = best(1, lambda: itk.parse_string_decompress(frame))
    row(f"decompress {label}", best(reps, lambda: decompress(frame)), peers, mib)
    if itk is not None:
        peers = {"itkwasm": best(1, lambda: itk.parse_string_decompress(url, parse_string=True))}
        row(f"parse data URL {label}", best(reps, lambda: decompress(url, parse_string=True)), peers, mib)


def main() -> None:
    from witk_compress_stringify import compress_stringify, parse_string_decompress

    try:
        import itkwasm_compress_stringify as itk
    except ImportError:
        itk = None
    print(f"compress-stringify, zstd level {LEVEL}; ratio = witk / peer (below 1: witk is faster)")
    for label, mib, reps in (("1 MiB", 1, 20), ("64 MiB", 64, 3)):
        bench_size(label, mib, reps, compress_stringify, parse_string_decompress, itk)

    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, WITK_CACHE_DIR=cache)
        baseline = min(in_new_process("pass", env) for _ in range(5))
        in_new_process("import witk_compress_stringify as m; m.compress_stringify(b'x')", env)  # fills the cache
        imp = min(in_new_process("import witk_compress_stringify", env) for _ in range(5))
        first = min(
            in_new_process("from witk_compress_stringify import compress_stringify; compress_stringify(b'x')", env)
            for _ in range(5)
        )
        print(
            f"new process, warm cache: import {1e3 * (imp - baseline):.0f} ms, import + first call "
            f"{1e3 * (first - baseline):.0f} ms (beyond a bare interpreter start of {1e3 * baseline:.0f} ms)"
        )
        if itk is not None:
            first_itk = min(
                in_new_process(
                    "from itkwasm_compress_stringify import compress_stringify; compress_stringify(b'x')", env
                )
                for _ in range(3)
            )
            print(f"itkwasm-compress-stringify import + first call: {1e3 * (first_itk - baseline):.0f} ms")


if __name__ == "__main__":
    main()
