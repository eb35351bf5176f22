"""Soak, concurrency and faults on system Python (the native host), bounded in time.

- Every pipeline called 10,000 times on small inputs: resident memory after the last call
  is within 5% of what it was after the first 1,000 (pooled instances, no leak per call),
  and the process has the same open file descriptors and threads.
- 8 threads running every pipeline at once give the sequential calls' answers.
- A call stopped by the timeout or the memory limit (a trap in the guest) in the middle of
  a batch changes none of the other calls' answers, of any pipeline.

Linux only (/proc); the CPython suites of the other versions skip it (scripts/test-pythons.sh
runs the NumPy-only part).
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pydicom.data
import pytest
from witk_compare_images import compare_images
from witk_compare_meshes import compare_meshes
from witk_compress_stringify import compress_stringify, parse_string_decompress
from witk_dicom import read_dicom_tags
from witk_downsample import downsample, downsample_bin_shrink
from witk_image_io import read_image, write_image
from witk_mesh_io import read_mesh, write_mesh
from witk_mesh_to_poly_data import mesh_to_poly_data
from witk_transform_io import read_transform, write_transform

import witk

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

CALLS = 10_000
WARMUP = 1_000

POINTS = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
TRIANGLES = np.array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 1, 2, 3, 2, 3, 0, 2, 3], np.uint32)
CT = pydicom.data.get_testdata_file("CT_small.dcm")


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.tobytes() if isinstance(p, np.ndarray) else repr(p).encode())
    return h.hexdigest()[:16]


def small_calls(folder: Path) -> dict[str, Callable[[int], str]]:
    """One small call per pipeline, as a function of the call's number, giving a digest of
    its answer. Inputs vary with the number, so every call does its work."""
    image = witk.image_from_array(np.arange(8 * 8, dtype=np.uint8).reshape(8, 8))
    mesh = witk.mesh_from_arrays(POINTS, TRIANGLES)
    affine = witk.Transform(
        transformType=witk.TransformType("Affine"),
        numberOfFixedParameters=3,
        numberOfParameters=12,
        fixedParameters=np.zeros(3),
        parameters=np.array([1, 0, 0, 0, 1, 0, 0, 0, 1, 5, -3, 2], np.float64),
    )
    write_image(image, folder / "in.nrrd")
    write_mesh(mesh, folder / "in.vtk")
    write_transform([affine], folder / "in.tfm")

    def image_io(i: int) -> str:
        out = folder / f"out-{threading.get_ident()}-{i % 8}.mha"  # a thread's own files
        write_image(witk.image_from_array(np.full((4, 4), i % 251, np.uint8)), out)
        return digest(witk.array_from_image(read_image(out)), read_image(folder / "in.nrrd").data)

    def mesh_io(i: int) -> str:
        back = read_mesh(folder / "in.vtk")
        return digest(np.asarray(back.points), back.numberOfCells, i % 3)

    def transform_io(i: int) -> str:
        (t,) = read_transform(folder / "in.tfm")
        return digest(np.asarray(t.parameters), i % 3)

    return {
        "compress-stringify": lambda i: digest(
            parse_string_decompress(compress_stringify(i.to_bytes(4, "little") * 8, stringify=True), parse_string=True)
        ),
        "image-io": image_io,
        "downsample": lambda i: digest(downsample(image, [2, 1 + i % 2]).data),
        "downsample-bin-shrink": lambda i: digest(downsample_bin_shrink(image, [1 + i % 2, 2]).data),
        "compare-images": lambda i: digest(compare_images(image, [image])[0]["almostEqual"], i % 2),
        "mesh-io": mesh_io,
        "mesh-to-poly-data": lambda i: digest(np.asarray(mesh_to_poly_data(mesh).polygons), i % 2),
        "compare-meshes": lambda i: digest(compare_meshes(mesh, [mesh])[0]["almostEqual"], i % 2),
        "transform-io": transform_io,
        "dicom": lambda i: digest(read_dicom_tags(CT, tags_to_read=["0008|0060", "0028|0010"]), i % 2),
    }


def rss() -> int:
    """Resident bytes of this process."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def test_ten_thousand_calls_of_each_pipeline_leak_nothing(tmp_path: Path) -> None:
    calls = small_calls(tmp_path)
    for name, call in calls.items():
        first = call(0)
        for i in range(1, WARMUP):
            call(i)
        gc.collect()
        base = (rss(), fds(), threads())
        for i in range(WARMUP, CALLS):
            call(i)
        gc.collect()
        end = (rss(), fds(), threads())
        assert end[0] < base[0] * 1.05, f"{name}: resident memory grew {base[0]} -> {end[0]} bytes"
        # No more than before: threads of earlier tests' pools may end meanwhile (CI saw 47
        # become 45), which is no leak.
        assert end[1] <= base[1] and end[2] <= base[2], f"{name}: file descriptors, threads {base[1:]} -> {end[1:]}"
        assert call(0) == first, name


def test_eight_threads_give_the_sequential_answers(tmp_path: Path) -> None:
    calls = small_calls(tmp_path)
    jobs = [(name, i) for i in range(200) for name in calls]
    expected = {job: calls[job[0]](job[1]) for job in jobs}
    with ThreadPoolExecutor(8) as pool:
        got = dict(zip(jobs, pool.map(lambda job: calls[job[0]](job[1]), jobs)))
    assert got == expected


@contextmanager
def limits(**kwargs: object) -> Iterator[None]:
    before = witk.settings()
    witk.configure(cache_dir=before.cache_dir, **kwargs)
    try:
        yield
    finally:
        witk.configure(
            cache_dir=before.cache_dir, memory_limit=before.memory_limit, timeout=before.timeout, workers=before.workers
        )


# Two random bits a byte: every position has many short matches for level 19's optimal
# parser to weigh (pure noise would not do: zstd may pass incompressible blocks through
# quickly, and on a fast machine 4 MiB of it finished inside the timeout).
SLOW_INPUT = np.random.default_rng(1).integers(0, 4, 16 << 20, dtype=np.uint8).tobytes()


def slow_compress() -> None:
    # Zstandard's level 19 over SLOW_INPUT: many seconds on any machine, far past the
    # timeout below. (Not a downsample: an installed GPU accelerator would run that outside
    # the guest.)
    compress_stringify(SLOW_INPUT, compression_level=19)


def huge_compress() -> None:
    # 64 MiB of input does not fit in a 48 MiB memory.
    compress_stringify(bytes(64 << 20))


@pytest.mark.parametrize(
    ("settings", "fault", "error"),
    [
        ({"timeout": 0.5}, slow_compress, witk.PipelineTimeoutError),
        ({"memory_limit": 48 << 20}, huge_compress, witk.MemoryLimitError),
    ],
    ids=["timeout", "memory-limit"],
)
def test_a_call_stopped_mid_batch_changes_no_other_answer(
    tmp_path: Path, settings: dict[str, object], fault: Callable[[], None], error: type[Exception]
) -> None:
    calls = small_calls(tmp_path)
    expected = {name: [call(i) for i in range(6)] for name, call in calls.items()}
    with limits(**settings):
        for name, call in calls.items():
            got = []
            for i in range(6):
                if i == 3:
                    with pytest.raises(error):
                        fault()
                got.append(call(i))
            assert got == expected[name], name
