"""witk.dask.read_image maps uncompressed NRRD, MetaImage and NIfTI files (written by witk,
pynrrd and nibabel, either byte order, attached or detached) into dask arrays equal to
what the in-memory readers give; witk.dask.write_image writes dask-backed images slab by
slab, read back by witk, pynrrd, nibabel and SimpleITK. A sparse NRRD larger than 4 GiB
is read lazily and downsampled with bounded memory."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import numpy as np
import pytest

dask = pytest.importorskip("dask")
import dask.array as da  # noqa: E402
from witk_image_io import read_image, write_image  # noqa: E402

import witk  # noqa: E402
import witk.dask  # noqa: E402


def sample(dtype: str, shape: tuple[int, ...] = (7, 9, 11), components: int = 1) -> witk.Image:
    rng = np.random.default_rng(3)
    full = shape + ((components,) if components > 1 else ())
    array = (rng.random(full) * 200 - (50 if np.dtype(dtype).kind != "u" else 0)).astype(dtype)
    image = witk.image_from_array(array, is_vector=components > 1)
    image.spacing = [0.5, 1.25, 3.0][: len(shape)]
    image.origin = [10.0, -5.0, 2.5][: len(shape)]
    return image


def assert_same(lazy: witk.Image, want: witk.Image) -> None:
    assert isinstance(lazy.data, da.Array)
    np.testing.assert_array_equal(lazy.data.compute(), np.asarray(want.data))
    assert lazy.data.dtype == np.asarray(want.data).dtype
    assert list(lazy.size) == list(want.size)
    assert list(lazy.spacing) == pytest.approx(list(want.spacing))
    assert list(lazy.origin) == pytest.approx(list(want.origin))
    np.testing.assert_allclose(np.asarray(lazy.direction), np.asarray(want.direction))


@pytest.mark.parametrize("ext", [".nrrd", ".nhdr", ".mha", ".mhd", ".nii"])
@pytest.mark.parametrize("dtype", ["uint8", "int16", "uint32", "float32", "float64"])
def test_witk_files_map_and_equal_the_in_memory_read(tmp_path: Path, ext: str, dtype: str) -> None:
    path = tmp_path / f"image{ext}"
    write_image(sample(dtype), path)
    lazy = witk.dask.read_image(path, chunks=(3, 4, 5))
    assert lazy.data.npartitions > 1
    assert_same(lazy, read_image(path))


def test_vector_images_and_two_dimensions(tmp_path: Path) -> None:
    for name, image in [("rgb.nrrd", sample("uint8", (6, 8), 3)), ("flat.mha", sample("float32", (13, 5)))]:
        write_image(image, tmp_path / name)
        assert_same(witk.dask.read_image(tmp_path / name, chunks=4), read_image(tmp_path / name))


def test_other_writers_and_big_endian_files(tmp_path: Path) -> None:
    nrrd = pytest.importorskip("nrrd")
    nib = pytest.importorskip("nibabel")
    array = np.arange(4 * 5 * 6, dtype=">i2").reshape(6, 5, 4) * 3 - 100
    # pynrrd: big-endian raw, axes as NRRD orders them (x fastest: transpose NumPy's z, y, x).
    nrrd.write(str(tmp_path / "big.nrrd"), array.T.copy(), {"encoding": "raw", "endian": "big"})
    lazy = witk.dask.read_image(tmp_path / "big.nrrd", chunks=2)
    np.testing.assert_array_equal(lazy.data.compute(), array.astype("<i2"))
    assert lazy.data.dtype == np.dtype("<i2")
    assert_same(lazy, read_image(tmp_path / "big.nrrd"))
    # nibabel: a .hdr/.img pair and a single .nii.
    data = np.arange(3 * 4 * 5, dtype=np.float32).reshape(5, 4, 3).T.copy()  # x, y, z
    affine = np.diag([0.5, 0.75, 2.0, 1.0])
    nib.save(nib.Nifti1Pair(data, affine), str(tmp_path / "pair.hdr"))
    nib.save(nib.Nifti1Image(data, affine), str(tmp_path / "single.nii"))
    for name in ["pair.hdr", "single.nii"]:
        assert_same(witk.dask.read_image(tmp_path / name, chunks=2), read_image(tmp_path / name))


def test_compressed_files_are_read_whole(tmp_path: Path) -> None:
    for name in ["c.nii.gz", "c.nrrd", "c.png"]:
        image = sample("uint8", (9, 10)) if name.endswith(".png") else sample("uint16")
        write_image(image, tmp_path / name, use_compression=True)
        assert_same(witk.dask.read_image(tmp_path / name, chunks=3), read_image(tmp_path / name))


def test_companions_stay_confined_and_truncation_is_invalid_data(tmp_path: Path) -> None:
    (tmp_path / "inside").mkdir()
    (tmp_path / "secret.raw").write_bytes(bytes(7 * 9 * 11))
    header = "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 11 9 7\nencoding: raw\ndata file: ../secret.raw\n"
    (tmp_path / "inside" / "evil.nhdr").write_text(header, encoding="utf-8")
    with pytest.raises(witk.InvalidArgumentError, match="secret.raw"):
        witk.dask.read_image(tmp_path / "inside" / "evil.nhdr")
    write_image(sample("int16"), tmp_path / "cut.nrrd")
    data = (tmp_path / "cut.nrrd").read_bytes()
    (tmp_path / "cut.nrrd").write_bytes(data[:-10])
    with pytest.raises(witk.InvalidDataError, match="truncated"):
        witk.dask.read_image(tmp_path / "cut.nrrd")


@pytest.mark.parametrize("ext", [".nrrd", ".nhdr", ".mha", ".mhd", ".nii"])
def test_write_image_slab_by_slab_reads_back_everywhere(tmp_path: Path, ext: str) -> None:
    image = sample("int16", (17, 12, 10))
    lazy = witk.Image(**{**image.__dict__})
    lazy.data = da.from_array(np.asarray(image.data), chunks=(5, 7, 4))
    path = tmp_path / f"written{ext}"
    witk.dask.write_image(lazy, path, slab_bytes=1000)  # a few planes at a time
    assert_same(witk.dask.read_image(path, chunks=6), image)
    back = read_image(path)
    np.testing.assert_array_equal(back.data, image.data)
    sitk = pytest.importorskip("SimpleITK")
    theirs = sitk.GetArrayFromImage(sitk.ReadImage(str(path)))
    np.testing.assert_array_equal(theirs, image.data)
    assert sitk.ReadImage(str(path)).GetSpacing() == pytest.approx(tuple(image.spacing))
    with pytest.raises(witk.UnsupportedError):
        witk.dask.write_image(lazy, tmp_path / "x.png")


def test_a_sparse_file_beyond_4_gib_reads_lazily_with_bounded_memory(tmp_path: Path) -> None:
    """2048 x 2048 x 1100 uint16 (8.8 GiB, sparse on disk): mapped, a few known chunks
    checked, a region downsampled; memory stays far below the file's size."""
    nx, ny, nz = 2048, 2048, 1100
    header = (
        f"NRRD0004\ntype: uint16\ndimension: 3\nsizes: {nx} {ny} {nz}\nspacings: 0.5 0.5 2\n"
        "endian: little\nencoding: raw\n\n"
    ).encode()
    path = tmp_path / "huge.nrrd"
    nbytes = nx * ny * nz * 2
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + nbytes)
        # Known values: a ramp in the first row of plane 0, and a constant block deep inside.
        f.seek(len(header))
        f.write(np.arange(nx, dtype="<u2").tobytes())
        for z in range(1000, 1004):
            for y in range(1500, 1504):
                f.seek(len(header) + ((z * ny + y) * nx + 700) * 2)
                f.write(np.full(8, 4242, dtype="<u2").tobytes())
    assert os.stat(path).st_blocks * 512 < 64 << 20  # sparse: almost nothing on disk
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    image = witk.dask.read_image(path, chunks=(64, 256, 256))
    assert image.data.shape == (nz, ny, nx) and image.data.dtype == np.uint16
    assert list(image.size) == [nx, ny, nz] and list(image.spacing) == [0.5, 0.5, 2.0]
    np.testing.assert_array_equal(image.data[0, 0, :].compute(), np.arange(nx, dtype=np.uint16))
    np.testing.assert_array_equal(image.data[1000:1004, 1500:1504, 700:708].compute(), 4242)
    assert int(image.data[500, 1000, 1000].compute()) == 0
    half = witk.dask.downsample_bin_shrink(image, [2, 2, 2])
    assert half.data.shape == (nz // 2, ny // 2, nx // 2)
    block = half.data[500:502, 750:752, 350:354].compute()
    np.testing.assert_array_equal(block, 4242)
    row = half.data[0, 0, :8].compute()
    # Each output is the mean of 2x2x2 inputs of which only 2i and 2i + 1 are not zero,
    # rounded half up (witk's and ITK-Wasm's integer bin shrink).
    np.testing.assert_array_equal(row, [int(np.floor((4 * i + 1) / 8 + 0.5)) for i in range(8)])
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    assert grown < 2 << 30, f"peak memory grew by {grown / 2**30:.2f} GiB"


def test_a_compressed_file_too_large_for_one_component_suggests_the_ways_out(tmp_path: Path) -> None:
    header = "NRRD0004\ntype: uint16\ndimension: 3\nsizes: 4096 4096 200\nencoding: gzip\n\n"
    (tmp_path / "huge.nrrd").write_bytes(header.encode() + bytes(64))
    for read in (read_image, witk.dask.read_image):
        with pytest.raises(witk.LimitExceededError, match=r"witk\.dask\.read_image.*OME-Zarr"):
            read(tmp_path / "huge.nrrd")
