"""Writes the benchmark volumes (same generator as bench/python) and prints native zstd
(PyPI zstandard, the C library) times as JSON, for bench/js/bench.mjs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from bench_compress_stringify import LEVEL, volume  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
result = {}
for mib, reps in ((1, 20), (64, 3)):
    data = volume(mib << 20)
    (out / f"volume-{mib}.bin").write_bytes(data)
    cctx = zstandard.ZstdCompressor(level=LEVEL)
    times = []
    for _ in range(reps + 1):
        t = time.perf_counter()
        cctx.compress(data)
        times.append(time.perf_counter() - t)
    result[str(mib)] = min(times[1:]) * 1e3
print(json.dumps(result))
