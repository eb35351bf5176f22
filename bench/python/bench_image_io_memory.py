"""Peak memory and time of witk-image-io on a large volume (default 512^3 float32,
512 MiB), each step in a fresh process so that peaks do not mix; SimpleITK measured the
same way for comparison.

Reports the peak resident set of the step beyond what the process held before it, in
copies of the pixel buffer. Run `.venv/bin/python bench/python/bench_image_io_memory.py
[SIDE] [EXT]`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

STEP = r"""
import json, sys, time
import numpy as np
side, path, step, who = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
if who == "witk":
    import witk
    from witk_image_io import read_image, write_image
    witk_image_io_warm = read_image  # imports done before the baseline
else:
    import SimpleITK as sitk
def status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
def rss_mib():
    return status_mib("VmRSS:")
if step == "write":
    arr = np.arange(side**3, dtype=np.float32).reshape(side, side, side)
    image = witk.image_from_array(arr) if who == "witk" else sitk.GetImageFromArray(arr, isVector=False)
    base = rss_mib()
    t = time.perf_counter()
    write_image(image, path) if who == "witk" else sitk.WriteImage(image, path)
else:
    base = rss_mib()
    t = time.perf_counter()
    image = read_image(path) if who == "witk" else sitk.ReadImage(path)
    arr = witk.array_from_image(image) if who == "witk" else sitk.GetArrayViewFromImage(image)
    assert arr.dtype == np.float32 and arr.reshape(-1)[side**3 - 1] == side**3 - 1
elapsed = time.perf_counter() - t
peak = status_mib("VmHWM:")  # not ru_maxrss: Linux keeps the parent's peak across exec
print(json.dumps({"seconds": elapsed, "base_mib": base, "peak_mib": peak}))
"""


def run(side: int, path: str, step: str, who: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", STEP, str(side), path, step, who], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    side = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    ext = sys.argv[2] if len(sys.argv) > 2 else ".nrrd"
    mib = side**3 * 4 / 2**20
    print(f"image-io memory: {side}^3 float32 ({mib:.0f} MiB) as {ext}; peak RSS beyond the step's start")
    with tempfile.TemporaryDirectory() as tmp:
        for who in ("witk", "SimpleITK"):
            path = str(Path(tmp) / f"{who}{ext}")
            for step in ("write", "read"):
                r = run(side, path, step, who)
                extra = r["peak_mib"] - r["base_mib"]
                print(
                    f"{who:<9} {step:<5} {r['seconds']:6.2f} s  peak {r['peak_mib']:6.0f} MiB "
                    f"(+{extra:5.0f} MiB = {extra / mib:4.1f} buffers)"
                )


if __name__ == "__main__":
    main()
