"""An OME-Zarr pyramid of a volume larger than memory: witk.ngff against ngff-zarr with its
ITK-Wasm method, each in a fresh process, wall time and peak RSS, on dask's threaded
scheduler (all cores).

A uint16 volume (default 2048 x 2048 x 1024: 8 GiB) is generated chunk by chunk into a
Zarr store (smooth structure plus noise), then turned into a 4-level pyramid (scale
factors 2, 4, 8) written as OME-NGFF 0.4, by witk on the whole volume and, because the
full size takes it too long, by ngff-zarr (Methods.ITKWASM_GAUSSIAN: itkwasm-downsample)
and witk on a crop of about 1 GiB; ratios are per GiB, measured in this run. The goal
(issue #15): the whole 8 GiB volume in under 2 GiB of peak RSS.

Run: `.venv/bin/python bench/python/bench_ngff.py [X Y Z] [--crop-gib G] [--method M]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

MAKE = r"""
import sys
import dask.array as da, numpy as np
path, nx, ny, nz = sys.argv[1], *map(int, sys.argv[2:5])
def block(block_info=None):
    (z0, z1), (y0, y1), (x0, x1) = block_info[None]["array-location"]
    z, y, x = np.meshgrid(np.arange(z0, z1), np.arange(y0, y1), np.arange(x0, x1), indexing="ij", sparse=True)
    rng = np.random.default_rng(z0 * 7 + y0 * 3 + x0)
    v = 2000 + 1500 * np.sin(x / 37.0) * np.cos(y / 53.0) + 3 * z + rng.normal(0, 40, (z1 - z0, y1 - y0, x1 - x0))
    return v.clip(0, 65535).astype(np.uint16)
volume = da.map_blocks(block, dtype=np.uint16, chunks=((128,) * (nz // 128) + ((nz % 128,) if nz % 128 else ()),
                       (256,) * (ny // 256) + ((ny % 256,) if ny % 256 else ()),
                       (256,) * (nx // 256) + ((nx % 256,) if nx % 256 else ())))
volume.to_zarr(path, overwrite=True)
"""

PYRAMID = r"""
import json, resource, sys, time
import dask, dask.array as da
who, source, out, method = sys.argv[1:5]
crop = json.loads(sys.argv[5])
volume = da.from_zarr(source)
if crop:
    volume = volume[: crop[2], : crop[1], : crop[0]]
start = time.perf_counter()
with dask.config.set(scheduler="threads"):
    if who == "witk":
        import witk, witk.ngff
        image = witk.Image(imageType=witk.ImageType(dimension=3, componentType="uint16"), size=list(volume.shape[::-1]),
                           spacing=[1.0, 1.0, 1.0], origin=[0.0, 0.0, 0.0], data=volume)
        multiscales = witk.ngff.to_multiscales(image, [2, 4, 8], method=method, chunks=128)
        witk.ngff.to_ngff_zarr(out, multiscales, version="0.4")
    else:
        import ngff_zarr
        methods = {"gaussian": ngff_zarr.Methods.ITKWASM_GAUSSIAN, "bin_shrink": ngff_zarr.Methods.ITKWASM_BIN_SHRINK,
                   "label": ngff_zarr.Methods.ITKWASM_LABEL_IMAGE}
        image = ngff_zarr.to_ngff_image(volume, dims=["z", "y", "x"])
        multiscales = ngff_zarr.to_multiscales(image, [2, 4, 8], method=methods[method], chunks=128)
        ngff_zarr.to_ngff_zarr(out, multiscales, version="0.4")
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_rss_gib": usage.ru_maxrss / 2**20, "gib": volume.nbytes / 2**30}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="*", type=int, default=[2048, 2048, 1024], help="X Y Z (default 2048 2048 1024)")
    parser.add_argument("--crop-gib", type=float, default=1.0, help="size of the crop both run on (default 1)")
    parser.add_argument("--method", default="gaussian", choices=["gaussian", "bin_shrink", "label"])
    args = parser.parse_args()
    nx, ny, nz = args.size
    with tempfile.TemporaryDirectory(dir=Path.cwd() / "build" if (Path.cwd() / "build").is_dir() else None) as tmp:
        source = str(Path(tmp) / "volume.zarr")
        run(MAKE, source, str(nx), str(ny), str(nz))
        # The crop: the full x-y extent scaled down, about crop-gib of uint16.
        side = int(((args.crop_gib * 2**30 / 2) / (nz if nz < 512 else 512)) ** 0.5)
        crop = [min(nx, side), min(ny, side), min(nz, 512)]
        whole = run(PYRAMID, "witk", source, str(Path(tmp) / "witk-whole.ome.zarr"), args.method, "null")
        ours = run(PYRAMID, "witk", source, str(Path(tmp) / "witk-crop.ome.zarr"), args.method, json.dumps(crop))
        theirs = run(PYRAMID, "ngff-zarr", source, str(Path(tmp) / "ngff-crop.ome.zarr"), args.method, json.dumps(crop))
    print(f"OME-Zarr pyramid (scale factors 2, 4, 8; {args.method}; OME-NGFF 0.4), dask threads")
    print(
        f"  witk, whole {nx}x{ny}x{nz} uint16 ({whole['gib']:.2f} GiB): {whole['seconds']:.1f} s, "
        f"{whole['seconds'] / whole['gib']:.1f} s/GiB, peak RSS {whole['peak_rss_gib']:.2f} GiB (goal: under 2 GiB)"
    )
    print(f"  crop {crop[0]}x{crop[1]}x{crop[2]} ({ours['gib']:.2f} GiB):")
    for who, r in [("witk", ours), ("ngff-zarr", theirs)]:
        print(
            f"    {who:10} {r['seconds']:7.1f} s  {r['seconds'] / r['gib']:6.1f} s/GiB  "
            f"CPU {r['cpu_seconds']:7.1f} s  peak RSS {r['peak_rss_gib']:.2f} GiB"
        )
    print("    (ngff-zarr: Methods.ITKWASM_*, i.e. itkwasm-downsample)")
    print(
        f"    ngff-zarr / witk: {theirs['seconds'] / ours['seconds']:.2f}x time, "
        f"{theirs['cpu_seconds'] / ours['cpu_seconds']:.2f}x CPU time, "
        f"{theirs['peak_rss_gib'] / ours['peak_rss_gib']:.2f}x peak RSS"
    )


if __name__ == "__main__":
    main()
