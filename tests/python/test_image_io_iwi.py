"""ITK-Wasm's own image files (.iwi.cbor, .iwi.cbor.zst) both ways between witk-image-io
and ITK-Wasm's itkwasm-image-io: pixels, geometry, pixel and component types, metadata,
and byte-identical output."""

from __future__ import annotations

from pathlib import Path

import itkwasm
import itkwasm_image_io
import numpy as np
import pytest
from witk_image_io import read_image, write_image

import witk

# uint64 is left out: ITK-Wasm's Python cannot hold uint64 pixels ("Unsupported component type").
DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "float32", "float64"]
EXTS = [".iwi.cbor", ".iwi.cbor.zst"]
# Not symmetric: a direction stored transposed would show.
DIRECTION = {
    2: np.array([[0.6, -0.8], [0.8, 0.6]]),
    3: np.array([[0.0, 0.6, -0.8], [0.0, 0.8, 0.6], [1.0, 0.0, 0.0]]),
}
METADATA = {
    "count": 3,
    "negative": -4,
    "ratio": 2.5,
    "units": "mm",
    "flag": True,
    "values": [1.5, 2.5],
    "labels": ["a", "b"],
    "matrix": [[1.0, 2.0], [3.0, 4.5]],
}


def pixels(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(sum(map(ord, dtype)) + len(shape))
    if dtype.startswith("float"):
        return rng.normal(0, 100, shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -1000), min(info.max, 1000), shape, endpoint=True).astype(dtype)


def itkwasm_sample(dtype: str, shape: tuple[int, ...], components: int) -> itkwasm.Image:
    arr = pixels(dtype, shape + ((components,) if components > 1 else ()))
    image = itkwasm.image_from_array(arr, is_vector=components > 1)
    if components == 3:
        image.imageType.pixelType = "RGB"
    d = len(shape)
    image.origin = [1.5, -20.25, 7.0][:d]
    image.spacing = [0.5, 1.25, 2.5][:d]
    image.direction = DIRECTION[d].copy()
    image.metadata = dict(METADATA)
    return image


def value(x: object) -> object:
    """witk's enums and ITK-Wasm's strings, compared as strings."""
    return getattr(x, "value", x)


def assert_same(ours: witk.Image | itkwasm.Image, theirs: witk.Image | itkwasm.Image) -> None:
    a, b = ours.imageType, theirs.imageType
    assert (a.dimension, value(a.componentType), value(a.pixelType), a.components) == (
        b.dimension,
        value(b.componentType),
        value(b.pixelType),
        b.components,
    )
    assert list(ours.size) == list(theirs.size)
    np.testing.assert_array_equal(np.asarray(ours.origin, float), np.asarray(theirs.origin, float))
    np.testing.assert_array_equal(np.asarray(ours.spacing, float), np.asarray(theirs.spacing, float))
    np.testing.assert_array_equal(np.asarray(ours.direction, float), np.asarray(theirs.direction, float))
    assert ours.metadata == theirs.metadata
    assert np.asarray(ours.data).dtype == np.asarray(theirs.data).dtype
    np.testing.assert_array_equal(np.asarray(ours.data), np.asarray(theirs.data))


@pytest.mark.parametrize("ext", EXTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "components"), [((5, 7), 1), ((3, 4, 6), 1), ((4, 5), 3), ((2, 3, 4), 3)])
def test_itkwasm_writes_we_read(tmp_path: Path, ext: str, dtype: str, shape: tuple[int, ...], components: int) -> None:
    image = itkwasm_sample(dtype, shape, components)
    path = tmp_path / f"theirs{ext}"
    itkwasm_image_io.write_image(image, str(path))
    ours = read_image(path)
    assert_same(ours, itkwasm_image_io.read_image(str(path)))
    assert_same(ours, image)
    np.testing.assert_array_equal(witk.array_from_image(ours), image.data)


@pytest.mark.parametrize("ext", EXTS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "components"), [((5, 7), 1), ((3, 4, 6), 1), ((4, 5), 3), ((2, 3, 4), 3)])
def test_we_write_itkwasm_reads(tmp_path: Path, ext: str, dtype: str, shape: tuple[int, ...], components: int) -> None:
    image = read_image(write_theirs(tmp_path, itkwasm_sample(dtype, shape, components)))
    path = tmp_path / f"ours{ext}"
    write_image(image, path)
    theirs = itkwasm_image_io.read_image(str(path))
    assert_same(image, theirs)
    assert_same(read_image(path), theirs)


def write_theirs(tmp_path: Path, image: itkwasm.Image) -> Path:
    path = tmp_path / "theirs.iwi.cbor"
    itkwasm_image_io.write_image(image, str(path))
    return path


@pytest.mark.parametrize("dtype", DTYPES)
def test_same_bytes_as_itkwasm(tmp_path: Path, dtype: str) -> None:
    """Key order, number encodings, tags (ITK-Wasm's, e.g. 73 for int16) and metadata as
    float64: a file witk writes is byte for byte the one ITK-Wasm writes (metadata keys
    sorted, as ITK's dictionary is)."""
    theirs = write_theirs(tmp_path, itkwasm_sample(dtype, (3, 4, 5), 1))
    ours = tmp_path / "ours.iwi.cbor"
    write_image(read_image(theirs), ours)
    assert ours.read_bytes() == theirs.read_bytes()


def test_zstd_frames_interchange(tmp_path: Path) -> None:
    import zstandard

    image = itkwasm_sample("float32", (3, 4, 5), 1)
    theirs = tmp_path / "theirs.iwi.cbor.zst"
    itkwasm_image_io.write_image(image, str(theirs))
    ours = tmp_path / "ours.iwi.cbor.zst"
    write_image(read_image(theirs), ours)
    # Both frames record their content size (ITK-Wasm's reader sizes its buffer from it)
    # and decompress to the same CBOR.
    for path in (theirs, ours):
        assert zstandard.get_frame_parameters(path.read_bytes()).content_size > 0
    d = zstandard.ZstdDecompressor()
    assert d.decompress(ours.read_bytes()) == d.decompress(theirs.read_bytes())
    # A frame without a content size (the zstd CLI's, streamed) still reads.
    plain = d.decompress(theirs.read_bytes())
    sizeless = zstandard.ZstdCompressor(write_content_size=False).compress(plain)
    assert zstandard.get_frame_parameters(sizeless).content_size == zstandard.CONTENTSIZE_UNKNOWN
    (tmp_path / "sizeless.iwi.cbor.zst").write_bytes(sizeless)
    assert_same(read_image(tmp_path / "sizeless.iwi.cbor.zst"), image)


def test_information_only(tmp_path: Path) -> None:
    theirs = write_theirs(tmp_path, itkwasm_sample("int16", (4, 5, 6), 1))
    info = read_image(theirs, information_only=True)
    assert info.data is None and list(info.size) == [6, 5, 4]
    ours = tmp_path / "header.iwi.cbor"
    write_image(read_image(theirs), ours, information_only=True)
    assert ours.stat().st_size < 1000
    back = read_image(ours, information_only=True)
    assert list(back.size) == [6, 5, 4] and back.metadata == METADATA
    np.testing.assert_array_equal(back.direction, DIRECTION[3])
    # Asking for the pixels of a header-only file is an error, not an image of zeros.
    with pytest.raises(witk.InvalidDataError, match="header.iwi.cbor.*information.only"):
        read_image(ours)


def test_bad_files_give_clear_errors(tmp_path: Path) -> None:
    good = write_theirs(tmp_path, itkwasm_sample("uint8", (4, 5), 1)).read_bytes()
    for n in (0, 1, 20, len(good) // 2, len(good) - 1):
        (tmp_path / "cut.iwi.cbor").write_bytes(good[:n])
        with pytest.raises((witk.InvalidDataError, witk.UnsupportedError), match="cut.iwi.cbor"):
            read_image(tmp_path / "cut.iwi.cbor")
    # A map whose key declares a 2^40-byte string: refused, not allocated.
    (tmp_path / "huge.iwi.cbor").write_bytes(b"\xa1\x7b" + (1 << 40).to_bytes(8, "big"))
    with pytest.raises(witk.InvalidDataError, match="huge.iwi.cbor.*truncated"):
        read_image(tmp_path / "huge.iwi.cbor")
    # A zstd frame declaring more than 4 GiB of content.
    bomb = b"\x28\xb5\x2f\xfd\xe0" + (5 << 30).to_bytes(8, "little") + b"\x01\x00\x00\x00"
    (tmp_path / "bomb.iwi.cbor.zst").write_bytes(bomb)
    with pytest.raises(witk.LimitExceededError, match="bomb.iwi.cbor.zst"):
        read_image(tmp_path / "bomb.iwi.cbor.zst")
    # Pixels fewer than the size needs.
    short = bytearray(good[:-1])
    short[-20] = 0x53  # byte string head: 20 bytes of uint8 pixels become 19
    (tmp_path / "short.iwi.cbor").write_bytes(bytes(short))
    with pytest.raises(witk.InvalidDataError, match="short.iwi.cbor.*19 bytes"):
        read_image(tmp_path / "short.iwi.cbor")
