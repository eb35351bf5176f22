"""Seed inputs for the fuzz targets (fuzz/fuzz_targets), written into build/fuzz/seeds/<target>:
small files of every format the targets read, made by witk's own writers and taken from
pydicom's test files. scripts/fuzz.sh runs it when build/fuzz/seeds is missing.

Usage: .venv/bin/python fuzz/seed.py (needs the witk wheels installed in the venv).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
import pydicom.data
from witk_compress_stringify import compress_stringify
from witk_image_io import write_image
from witk_mesh_io import write_mesh
from witk_transform_io import write_transform

import witk

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "fuzz" / "seeds"


def names(target: str) -> list[str]:
    """The file names `target` picks by its first byte: its module's `NAMES` array in the
    targets' checks, read from their source so the two never disagree."""
    source = (ROOT / "components" / "fuzz-checks" / "src" / "lib.rs").read_text()
    found = re.search(rf"pub mod {target} \{{(?:(?!pub mod).)*?const NAMES: \[&str; \d+\] = \[(.*?)\];", source, re.S)
    assert found, f"components/fuzz-checks has no NAMES for {target}"
    return re.findall(r'"([^"]*)"', found.group(1))


def save(target: str, name: str, data: bytes) -> None:
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for dtype, shape in [(np.uint8, (4, 5)), (np.int16, (3, 4, 5)), (np.float32, (2, 3, 4))]:
            image = witk.image_from_array(np.arange(np.prod(shape)).reshape(shape).astype(dtype))
            for i, name in enumerate(names("image_io")):
                try:
                    write_image(image, work / name)
                except Exception:  # a format that does not hold this type
                    continue
                save("image_io", f"{name}.{np.dtype(dtype).name}", bytes([i]) + (work / name).read_bytes())
        points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
        cells = np.array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 1, 2, 3, 2, 3, 0, 2, 3], np.uint32)
        mesh = witk.mesh_from_arrays(points, cells)
        for i, name in enumerate(names("mesh_io")):
            try:
                write_mesh(mesh, work / name)
            except Exception:
                continue
            save("mesh_io", name, bytes([i]) + (work / name).read_bytes())
        affine = witk.Transform(
            transformType=witk.TransformType("Affine"),
            numberOfFixedParameters=3,
            numberOfParameters=12,
            fixedParameters=np.zeros(3),
            parameters=np.array([1, 0, 0, 0, 1, 0, 0, 0, 1, 5, -3, 2], np.float64),
        )
        for i, name in enumerate(names("transform_io")):
            try:
                write_transform([affine], work / name)
            except Exception:
                continue
            save("transform_io", name, bytes([i]) + (work / name).read_bytes())
    for level in [1, 3]:
        url = compress_stringify(bytes(range(200)), stringify=True, compression_level=level)
        save("compress_stringify", f"url{level}", url)
        save("compress_stringify", f"frame{level}", compress_stringify(b"witk " * 40, compression_level=level))
    for path in sorted(Path(pydicom.data.get_testdata_file("CT_small.dcm")).parent.glob("*.dcm")):
        if path.stat().st_size <= 20_000:
            save("dicom", path.name, path.read_bytes())
    for target in sorted(OUT.iterdir()):
        print(f"{target.name}: {len(list(target.iterdir()))} seeds")


if __name__ == "__main__":
    main()
