"""witk-downsample vs itkwasm-downsample and native ITK (the `itk` package): downsample and
bin-shrink a 256^3 uint16 and float32 volume by 2, all in the same run; prints times and
ratios, and checks that witk and ITK-Wasm agree.

Native ITK runs the filters ITK-Wasm's pipelines use (DiscreteGaussianImageFilter with
ITK-Wasm's sigma, then ResampleImageFilter with linear interpolation; BinShrinkImageFilter)
on a view of the NumPy array, with ITK's default threads. witk splits large images into
slabs on pooled instances, one thread per core ("one call" is the same work as one
component call, through downsample-region).

Run with `bash scripts/bench.sh` or `.venv/bin/python bench/python/bench_downsample.py [SIDE]`.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable

import numpy as np
from witk_downsample import downsample, downsample_bin_shrink, downsample_region, downsample_sigma

import witk


def best(reps: int, f: Callable[[np.ndarray], object], arr: np.ndarray) -> tuple[float, object]:
    times, result = [], None
    for _ in range(reps):
        t = time.perf_counter()
        result = f(arr)
        times.append(time.perf_counter() - t)
    return min(times), result


def itk_functions(shrink: int) -> dict[str, Callable[[np.ndarray], np.ndarray]] | None:
    """ITK-Wasm's two pipelines written with native ITK."""
    try:
        import itk
    except ImportError:
        return None
    sigma = downsample_sigma([shrink] * 3)

    def gaussian(arr: np.ndarray) -> np.ndarray:
        image = itk.image_view_from_array(arr)
        smooth = itk.DiscreteGaussianImageFilter.New(image, sigma_array=sigma, use_image_spacing=False)
        out = itk.resample_image_filter(
            smooth.GetOutput(),
            size=[s // shrink for s in arr.shape[::-1]],
            output_spacing=[float(shrink)] * 3,
            output_origin=[(shrink - 1) / 2] * 3,
            interpolator=itk.LinearInterpolateImageFunction.New(image),
        )
        return itk.array_view_from_image(out)

    def bin_shrink(arr: np.ndarray) -> np.ndarray:
        out = itk.bin_shrink_image_filter(itk.image_view_from_array(arr), shrink_factors=[shrink] * 3)
        return itk.array_view_from_image(out)

    return {"downsample": gaussian, "bin-shrink": bin_shrink}


def itkwasm_functions(shrink: int) -> dict[str, Callable[[np.ndarray], np.ndarray]] | None:
    try:
        import itkwasm
        import itkwasm_downsample as iwd
    except ImportError:
        return None
    factors = [shrink] * 3
    return {
        "downsample": lambda a: iwd.downsample(itkwasm.image_from_array(a), shrink_factors=factors).data,
        "bin-shrink": lambda a: iwd.downsample_bin_shrink(itkwasm.image_from_array(a), shrink_factors=factors).data,
    }


def main() -> None:
    side = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    shrink = 2
    z, y, x = np.mgrid[0:side, 0:side, 0:side]
    noise = np.random.default_rng(0).integers(0, 64, (side, side, side))
    volume = 1000 + 800 * np.sin(x / 17.0) * np.cos(y / 23.0) + z + noise
    out_size = [side // shrink] * 3
    witk_functions = {
        "downsample": lambda a: witk.array_from_image(downsample(witk.image_from_array(a), [shrink] * 3)),
        "bin-shrink": lambda a: witk.array_from_image(downsample_bin_shrink(witk.image_from_array(a), [shrink] * 3)),
    }
    one_call = lambda a: witk.array_from_image(  # noqa: E731
        downsample_region(witk.image_from_array(a), [shrink] * 3, [0, 0, 0], out_size)
    )
    peers = {"itkwasm-downsample": itkwasm_functions(shrink), "itk": itk_functions(shrink)}
    print(
        f"downsample: {side}^3 by {shrink}, {os.cpu_count()} CPUs; best of 5 (peers: 3); "
        "ratio = witk / peer (below 1: witk is faster)"
    )
    for dtype in (np.uint16, np.float32):
        arr = volume.astype(dtype)
        for name, ours in witk_functions.items():
            ours(arr)  # compile and warm the instances
            t, result = best(5, ours, arr)
            line = f"{name:<10} {np.dtype(dtype).name:<7}  witk {t * 1e3:6.1f} ms"
            if name == "downsample":
                one, _ = best(3, one_call, arr)
                line += f" (one call {one * 1e3:6.1f} ms)"
            for peer, functions in peers.items():
                if functions is None:
                    continue
                pt, theirs = best(3, functions[name], arr)
                theirs = np.asarray(theirs)
                if peer == "itkwasm-downsample":
                    agree(result, theirs, f"{name} {np.dtype(dtype).name}")
                line += f"  {peer} {pt * 1e3:7.1f} ms ({t / pt:4.2f}x)"
            print(line)


def agree(ours: np.ndarray, theirs: np.ndarray, what: str) -> None:
    """witk gives ITK-Wasm's result: floats within 1e-4 relative, integers within 1."""
    assert ours.shape == theirs.shape, what
    diff = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
    limit = 1e-4 * np.abs(theirs.astype(np.float64)) if ours.dtype.kind == "f" else 1
    assert np.all(diff <= limit), f"{what}: max difference {diff.max()}"


if __name__ == "__main__":
    main()
