"""witk-compare-images vs itkwasm-compare-images: a SIDE^3 float32 volume against a
baseline that differs in 1% of its pixels, with radius tolerance 0 and 1, in the same run;
prints times and ratios.

Run with `bash scripts/bench.sh` or `.venv/bin/python bench/python/bench_compare_images.py [SIDE]`.
"""

from __future__ import annotations

import sys
import time
from typing import Callable

import itkwasm
import numpy as np
from itkwasm_compare_images import compare_images as itk_compare_images
from witk_compare_images import compare_images

import witk


def best(reps: int, f: Callable[[], object]) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    side = int(sys.argv[1]) if len(sys.argv) > 1 else 128
    rng = np.random.default_rng(0)
    test = rng.normal(0, 10, (side, side, side)).astype(np.float32)
    base = test.copy()
    base[rng.random(test.shape) < 0.01] += 1
    ours = witk.image_from_array(test), [witk.image_from_array(base)]
    itk_test, itk_baselines = itkwasm.image_from_array(test), [itkwasm.image_from_array(base)]
    print(f"compare-images: {side}^3 float32 ({test.nbytes / 2**20:.0f} MiB); best of 3; ratio = witk / itkwasm")
    for radius in (0, 1):
        ms = best(3, lambda r=radius: compare_images(*ours, radius_tolerance=r)) * 1e3
        peer = best(3, lambda r=radius: itk_compare_images(itk_test, baseline_images=itk_baselines, radius_tolerance=r))
        peer *= 1e3
        print(f"  radius {radius}: witk {ms:7.1f} ms   itkwasm {peer:7.1f} ms   ratio {ms / peer:.2f}")


if __name__ == "__main__":
    main()
