"""The aarch64 core wheel under qemu-user: the same script runs in Debian's arm64 CPython
(qemu-aarch64 with the sysroot of scripts/test-aarch64.sh) and in this machine's x86_64
venv, and every answer must agree: the seed example's data URL, the phantom's pixels, and
the bytes image-io writes in five formats, each also read back to the same pixels.

Usage: python tests/aarch64/check.py SYSROOT SITE_PACKAGES (run by scripts/test-aarch64.sh).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run in each interpreter: prints one JSON object of answers.
PROBE = r"""
import hashlib, json, platform, sys
from pathlib import Path
import numpy as np
from witk_compress_stringify import compress_stringify, parse_string_decompress
from witk_image_io import read_image, write_image

phantom, out = sys.argv[1], Path(sys.argv[2])
url = compress_stringify(bytes([33, 44, 55]), stringify=True)
answers = {
    "machine": platform.machine(),
    "seed": url.decode(),
    "parsed": list(parse_string_decompress(url, parse_string=True)),
}
image = read_image(phantom)
answers["read"] = [list(image.data.shape), str(image.data.dtype), hashlib.sha256(image.data.tobytes()).hexdigest()]
for name in ["phantom.nii", "phantom.nii.gz", "phantom.mha", "phantom.nrrd", "phantom.iwi.cbor"]:
    write_image(image, out / name, use_compression=name.endswith(".mha"))
    back = read_image(out / name)
    assert np.array_equal(back.data, image.data), name
    assert np.allclose(back.spacing, image.spacing) and np.allclose(back.origin, image.origin), name
    answers[name] = hashlib.sha256((out / name).read_bytes()).hexdigest()
print(json.dumps(answers))
"""


def probe(cmd: list[str], env: dict[str, str], out: Path) -> dict[str, object]:
    out.mkdir()
    p = subprocess.run(
        [*cmd, "-c", PROBE, str(ROOT / "data" / "phantom.nrrd"), str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=1200,
        cwd=out,
    )
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed ({p.returncode}):\n{p.stderr[-4000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    sysroot, site = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        arm = probe(
            ["qemu-aarch64", "-L", str(sysroot), str(sysroot / "usr/bin/python3.11")],
            # Only the wheels' site folder; the compiled-component cache is its own.
            {"PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1", "WITK_CACHE_DIR": str(work / "cache-arm")},
            work / "arm",
        )
        x86 = probe([sys.executable], {"WITK_CACHE_DIR": str(work / "cache-x86")}, work / "x86")
    assert arm.pop("machine") == "aarch64", "not run as aarch64"
    x86.pop("machine")
    differ = {k: (arm.get(k), v) for k, v in x86.items() if arm.get(k) != v}
    print(json.dumps(arm))
    if differ or arm["seed"] != "data:application/zstd;base64,KLUv/SADGQAAISw3":
        sys.exit(f"aarch64 differs from x86_64: {differ}")
    print(f"aarch64 under qemu: {len(x86)} answers, all as on x86_64")


if __name__ == "__main__":
    main()
