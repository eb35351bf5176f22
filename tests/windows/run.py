"""The Windows `witk.exe` (cross-built with mingw) under wine: every pipeline's conformance
vectors and image-io conversions of the bundled phantom give the Linux CLI's bytes, and
errors the same exit codes.

Usage: python tests/windows/run.py WITK_EXE LINUX_WITK (run by scripts/test-windows.sh).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))
from vectors import cli_options, materialize  # noqa: E402


def run(cli: list[str], args: list[str], cache: Path) -> tuple[int, bytes]:
    env = {**os.environ, "WITK_CACHE_DIR": str(cache), "WINEDEBUG": "-all"}
    p = subprocess.run([*cli, *args], capture_output=True, env=env, timeout=600)
    return p.returncode, p.stderr


def main() -> None:
    windows = ["wine", sys.argv[1]]
    linux = [sys.argv[2]]
    failures, checked = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for vectors in sorted(ROOT.glob("components/*/vectors/*.json")):
            for i, case in enumerate(json.loads(vectors.read_text())["cases"]):
                src = work / f"in{i}"
                src.write_bytes(materialize(case["input"]))
                outs = {}
                for name, cli in [("windows", windows), ("linux", linux)]:
                    dst = work / f"out{i}.{name}"
                    code, err = run(cli, [case["function"], *cli_options(case), str(src), str(dst)], work / name)
                    outs[name] = (code, dst.read_bytes() if dst.exists() else None)
                checked += 1
                if outs["windows"] != outs["linux"]:
                    failures.append(f"{vectors.name}: {case['name']}: {outs['windows'][0]} vs {outs['linux'][0]}")
        # image-io: the phantom converted to other formats and back, and the header printed.
        phantom = ROOT / "data" / "phantom.nrrd"
        for ext in [".nii.gz", ".mha", ".iwi.cbor", ".vtk"]:
            got = {}
            for name, cli in [("windows", windows), ("linux", linux)]:
                dst = work / f"phantom.{name}{ext}"
                code, err = run(cli, ["image-io", "convert", str(phantom), str(dst)], work / name)
                got[name] = (code, dst.read_bytes() if dst.exists() else None)
            checked += 1
            if got["windows"] != got["linux"] or got["linux"][0] != 0:
                failures.append(f"image-io convert {ext}: {got['windows'][0]} vs {got['linux'][0]}")
        info = {}
        for name, cli in [("windows", windows), ("linux", linux)]:
            env = {**os.environ, "WITK_CACHE_DIR": str(work / name), "WINEDEBUG": "-all"}
            p = subprocess.run([*cli, "image-io", "info", str(phantom)], capture_output=True, env=env, timeout=600)
            info[name] = p.stdout.replace(b"\r\n", b"\n")
        checked += 1
        if info["windows"] != info["linux"]:
            failures.append("image-io info differs")
    print(f"witk.exe under wine: {checked - len(failures)} of {checked} checks give the Linux CLI's bytes")
    for f in failures:
        print("  FAIL", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
