"""ITK-Wasm's per-format functions (`nrrd_read_image`, `png_write_image`, ...): each
reads only its own format, reports `could_read`/`could_write` instead of guessing, and
agrees with the generic `read_image`/`write_image`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import witk_image_io
from test_image_io import assert_geometry, sample
from witk_image_io import read_image, write_image

import witk

# ITK-Wasm's function prefix -> an extension of that format and a pixel type it holds.
FORMATS = {
    "nrrd": (".nrrd", "float32", 3),
    "meta": (".mha", "int16", 3),
    "nifti": (".nii.gz", "uint16", 3),
    "vtk": (".vtk", "float64", 3),
    "witk": (".witk", "int64", 3),
    "png": (".png", "uint16", 2),
    "tiff": (".tif", "float32", 2),
    "bmp": (".bmp", "uint8", 2),
}


def test_every_format_has_a_reader_and_a_writer() -> None:
    for prefix in [*FORMATS, "jpeg", "wasm", "wasm_zstd"]:
        for kind in ("read", "write"):
            name = f"{prefix}_{kind}_image"
            assert callable(getattr(witk_image_io, name))
            assert callable(getattr(witk_image_io, f"{name}_async"))


@pytest.mark.parametrize("prefix", list(FORMATS))
def test_round_trip_through_the_format_functions(tmp_path: Path, prefix: str) -> None:
    ext, dtype, d = FORMATS[prefix]
    image = sample(dtype, (6, 5, 4)[:d])
    if prefix in ("png", "bmp", "tiff"):  # raster formats hold no geometry beyond spacing
        image.origin, image.direction = [0.0, 0.0], np.eye(2)
    if prefix == "vtk":  # structured points are axis-aligned
        image.direction = np.eye(3)
    path = tmp_path / f"out{ext}"
    assert getattr(witk_image_io, f"{prefix}_write_image")(image, path) is True
    could_read, back = getattr(witk_image_io, f"{prefix}_read_image")(path)
    assert could_read is True and back is not None
    np.testing.assert_array_equal(witk.array_from_image(back), witk.array_from_image(image))
    generic = read_image(path)
    np.testing.assert_array_equal(witk.array_from_image(generic), witk.array_from_image(back))
    if prefix not in ("png", "bmp", "tiff"):
        assert_geometry(back, image.origin, image.spacing, image.direction)


def test_a_reader_declines_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "x.nrrd"
    write_image(sample("uint8", (4, 3)), path)
    for prefix in ["png", "tiff", "bmp", "jpeg", "nifti", "meta", "vtk", "witk", "wasm"]:
        could_read, image = getattr(witk_image_io, f"{prefix}_read_image")(path)
        assert (could_read, image) == (False, None), prefix
    assert witk_image_io.nrrd_read_image(path)[0] is True


def test_format_functions_ignore_the_extension_for_the_format(tmp_path: Path) -> None:
    # nrrd_write_image writes NRRD whatever the name says; read_image detects it by magic.
    path = tmp_path / "volume.dat"
    image = sample("int16", (4, 3, 2))
    assert witk_image_io.nrrd_write_image(image, path) is True
    assert path.read_bytes().startswith(b"NRRD000")
    np.testing.assert_array_equal(witk.array_from_image(read_image(path)), witk.array_from_image(image))


def test_detached_headers_through_the_format_functions(tmp_path: Path) -> None:
    image = sample("uint16", (5, 4, 3))
    header = tmp_path / "vol.nhdr"
    assert witk_image_io.nrrd_write_image(image, header, use_compression=True) is True
    assert (tmp_path / "vol.raw.gz").exists()
    could_read, back = witk_image_io.nrrd_read_image(header)
    assert could_read and back is not None
    np.testing.assert_array_equal(witk.array_from_image(back), witk.array_from_image(image))


def test_could_write_is_false_when_the_format_cannot_hold_the_image(tmp_path: Path) -> None:
    volume = sample("float64", (4, 3, 2))
    assert witk_image_io.jpeg_write_image(sample("uint8", (4, 3)), tmp_path / "a.jpg") is False
    assert witk_image_io.png_write_image(volume, tmp_path / "a.png") is False
    assert not (tmp_path / "a.jpg").exists() and not (tmp_path / "a.png").exists()


def test_information_only(tmp_path: Path) -> None:
    path = tmp_path / "x.mha"
    image = sample("float32", (6, 5, 4))
    write_image(image, path)
    could_read, header = witk_image_io.meta_read_image(path, information_only=True)
    assert could_read and header is not None and header.data is None
    assert list(header.size) == list(image.size) == [4, 5, 6]
    assert_geometry(header, image.origin, image.spacing, image.direction)


def test_malformed_files_of_the_format_still_raise(tmp_path: Path) -> None:
    path = tmp_path / "bad.nrrd"
    path.write_bytes(b"NRRD0004\ntype: float\ndimension: 3\nsizes: 4 4 4\nencoding: raw\n\n\x00\x01")
    with pytest.raises(witk.InvalidDataError, match="bad.nrrd"):
        witk_image_io.nrrd_read_image(path)


@pytest.mark.parametrize("prefix", ["nrrd", "meta", "nifti", "wasm_zstd", "witk"])
def test_compare_images_signs_off_round_trips(tmp_path: Path, prefix: str) -> None:
    """witk's regression tool (witk-compare-images) on what each format reads back."""
    from witk_compare_images import compare_images

    image = sample("float32", (6, 5, 4))
    image.direction = np.eye(3)  # NIfTI keeps geometry in float32: compare on an exact grid
    image.spacing, image.origin = [0.5, 1.25, 2.5], [1.5, -20.25, 7.0]
    ext = {"wasm_zstd": ".iwi.cbor.zst"}.get(prefix, FORMATS.get(prefix, (".x",))[0])
    path = tmp_path / f"out{ext}"
    assert getattr(witk_image_io, f"{prefix}_write_image")(image, path, use_compression=True)
    metrics, _, _ = compare_images(read_image(path), [image])
    assert metrics["almostEqual"] and metrics["maximumDifference"] <= 0, (prefix, metrics)
