"""The GPU benchmark's peers, timed on the cases `witk-gpu-bench --cases` lists: native ITK
(the filters ITK-Wasm's pipelines use, on all threads) and ITK-Wasm's cuCIM accelerator
(`itkwasm-downsample-cucim`, where it installs). Prints {case key: {peer: seconds}} as
JSON, and a "note" saying which peers could not run and why.

Usage: python peers.py CASES.json > PEERS.json (run by bench/gpu/run.sh).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable


def volume(case: dict[str, Any]) -> Any:
    """The CT-like volume witk-gpu-bench builds (same formula; its own noise)."""
    import numpy as np

    nx, ny, nz = case["size"]
    z, y, x = np.ogrid[0:nz, 0:ny, 0:nx]
    noise = np.random.default_rng(0).integers(0, 64, (nz, ny, nx))
    v = 1000 + 800 * np.sin(x / 17.0) * np.cos(y / 23.0) + z + noise
    return v.astype(case["dtype"])


def best(reps: int, f: Callable[[], object]) -> float:
    f()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def itk_call(case: dict[str, Any], arr: Any) -> Callable[[], object]:
    import itk

    shrink = case["shrink"]
    image = itk.image_view_from_array(arr)
    if case["method"] == "bin-shrink":
        return lambda: itk.bin_shrink_image_filter(image, shrink_factors=shrink)

    def gaussian() -> object:
        smooth = itk.DiscreteGaussianImageFilter.New(image, sigma_array=case["sigma"], use_image_spacing=False)
        return itk.resample_image_filter(
            smooth.GetOutput(),
            size=[n // s for n, s in zip(case["size"], shrink)],
            output_spacing=[float(s) for s in shrink],
            output_origin=[(s - 1) / 2 for s in shrink],
            interpolator=itk.LinearInterpolateImageFunction.New(image),
        )

    return gaussian


def cucim_call(case: dict[str, Any], arr: Any) -> Callable[[], object]:
    import itkwasm
    import itkwasm_downsample_cucim as cucim

    image = itkwasm.image_from_array(arr)
    f = cucim.downsample if case["method"] == "downsample" else cucim.downsample_bin_shrink
    return lambda: f(image, shrink_factors=case["shrink"])


def main() -> None:
    cases = json.load(open(sys.argv[1]))
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for case in cases:
        arr = volume(case)
        times = out.setdefault(case["key"], {})
        for peer, make in [("itk", itk_call), ("cucim", cucim_call)]:
            if peer in problems:
                continue
            try:
                times[peer] = best(3, make(case, arr))
            except Exception as e:  # noqa: BLE001 - a peer that cannot run is reported, not fatal
                problems[peer] = f"{type(e).__name__}: {e}".splitlines()[0][:160]
    if problems:
        out["note"] = "; ".join(f"{p} not measured ({why})" for p, why in problems.items())
    out["threads"] = os.cpu_count()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
