"""witk-image-io vs itkwasm-image-io and SimpleITK: write and read a 256^3 uint16 volume
as NRRD raw, NRRD gzip and NIfTI .nii.gz, all in the same run; prints times and ratios.

Run with `bash scripts/bench.sh` or `.venv/bin/python bench/python/bench_image_io.py [SIDE]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import SimpleITK as sitk
from witk_image_io import read_image, write_image

import witk


def best(reps: int, f: Callable[..., object], *args: object) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    side = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    z, y, x = np.mgrid[0:side, 0:side, 0:side]
    noise = np.random.default_rng(0).integers(0, 64, (side, side, side))
    arr = (1000 + 800 * np.sin(x / 17.0) * np.cos(y / 23.0) + z + noise).astype(np.uint16)
    image = witk.image_from_array(arr)
    image.spacing = [0.8, 0.8, 1.5]
    s_image = sitk.GetImageFromArray(arr)
    s_image.SetSpacing((0.8, 0.8, 1.5))
    try:
        import itkwasm
        from itkwasm_image_io import read_image as itk_read
        from itkwasm_image_io import write_image as itk_write

        itk_image = itkwasm.image_from_array(arr)
    except ImportError:
        itk_read = itk_write = None
    mib = arr.nbytes / 2**20
    print(f"image-io: {side}^3 uint16 ({mib:.0f} MiB); best of 3; ratio = witk / peer (below 1: witk is faster)")
    with tempfile.TemporaryDirectory() as tmp:
        for label, ext, compress in (
            ("NRRD raw", ".nrrd", False),
            ("NRRD gzip", ".nrrd", True),
            ("NIfTI", ".nii.gz", True),
        ):
            peers = {"SimpleITK": (lambda p, c: sitk.WriteImage(s_image, p, useCompression=c), sitk.ReadImage)}
            if itk_write is not None:
                peers["itkwasm"] = (lambda p, c: itk_write(itk_image, p, use_compression=c), itk_read)
            bench_format(label, str(Path(tmp) / f"v{ext}"), compress, image, arr, peers)


def bench_format(label: str, path: str, compress: bool, image: witk.Image, arr: np.ndarray, peers: dict) -> None:
    w = best(3, lambda: write_image(image, path, use_compression=compress))
    r = best(3, lambda: read_image(path))
    np.testing.assert_array_equal(witk.array_from_image(read_image(path)), arr)
    write_line = f"{label:<10} write witk {w * 1e3:6.0f} ms"
    read_line = f"{label:<10} read  witk {r * 1e3:6.0f} ms"
    for name, (write, read) in peers.items():
        reps = 3 if name == "SimpleITK" else 1
        pw = best(reps, write, path, compress)
        pr = best(reps, read, path)
        write_line += f"  {name} {pw * 1e3:6.0f} ms ({w / pw:4.2f}x)"
        read_line += f"  {name} {pr * 1e3:6.0f} ms ({r / pr:4.2f}x)"
    print(write_line)
    print(read_line)


if __name__ == "__main__":
    main()
