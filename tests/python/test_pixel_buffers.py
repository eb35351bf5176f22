"""Pixel buffers as witk.pyodide moves them between Python and JavaScript: the byte view
handed to a TypedArray (witk.arrays.pixel_bytes) and the array made over the bytes that
come back (witk.arrays.pixels_from_bytes), with NumPy and without it (Pyodide without
NumPy). The JavaScript side runs in the Pyodide browser test."""

from __future__ import annotations

import array

import numpy as np
import pytest

from witk.arrays import BUFFER_FORMATS, pixel_bytes, pixels_from_bytes

DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]


@pytest.mark.parametrize("ctype", DTYPES)
def test_numpy_array_is_viewed_as_its_bytes(ctype: str) -> None:
    a = (np.arange(24) * 3).astype(ctype).reshape(2, 3, 4)
    view = pixel_bytes(a, ctype)
    assert view.format == "B" and view.ndim == 1
    assert bytes(view) == a.tobytes()
    a.flat[5] = 7  # a view, not a copy
    assert bytes(view) == a.tobytes()


@pytest.mark.parametrize("ctype", DTYPES)
def test_buffers_without_numpy(ctype: str) -> None:
    values = [1, 2, 3, 4]
    typed = array.array(BUFFER_FORMATS[ctype], values)
    assert bytes(pixel_bytes(typed, ctype)) == typed.tobytes()
    assert bytes(pixel_bytes(values, ctype)) == typed.tobytes()
    assert bytes(pixel_bytes(memoryview(typed), ctype)) == typed.tobytes()
    assert bytes(pixel_bytes(typed.tobytes(), ctype)) == typed.tobytes()  # raw bytes


def test_non_contiguous_data_is_copied_in_c_order() -> None:
    a = np.arange(12, dtype=np.uint16).reshape(3, 4).T
    assert bytes(pixel_bytes(a, "uint16")) == np.ascontiguousarray(a).tobytes()


def test_raw_uint8_data_of_a_wider_type() -> None:
    a = np.arange(6, dtype=np.float32)
    assert bytes(pixel_bytes(a.view(np.uint8), "float32")) == a.tobytes()


def test_data_of_another_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="float32"):
        pixel_bytes(np.zeros(4, np.uint16), "float32")
    with pytest.raises(TypeError, match="uint16"):
        pixel_bytes(array.array("i", [1, 2]), "uint16")
    with pytest.raises(TypeError, match="uint32"):
        pixel_bytes(b"abc", "uint32")  # not a whole number of items


@pytest.mark.parametrize("ctype", DTYPES)
def test_pixels_from_bytes_with_numpy(ctype: str) -> None:
    a = (np.arange(24) * 5).astype(ctype).reshape(2, 3, 4)
    buffer = bytearray(a.tobytes())
    out = pixels_from_bytes(buffer, ctype, (2, 3, 4))
    assert isinstance(out, np.ndarray) and out.dtype == np.dtype(ctype) and out.flags.writeable
    np.testing.assert_array_equal(out, a)
    out[0, 0, 0] = 9  # over the buffer, not a copy
    assert np.frombuffer(buffer, ctype)[0] == 9


@pytest.mark.parametrize("ctype", DTYPES)
def test_pixels_from_bytes_without_numpy(ctype: str) -> None:
    a = (np.arange(24) * 5).astype(ctype).reshape(2, 3, 4)
    out = pixels_from_bytes(bytearray(a.tobytes()), ctype, (2, 3, 4), use_numpy=False)
    assert isinstance(out, memoryview) and out.shape == (2, 3, 4) and out.format == BUFFER_FORMATS[ctype]
    assert out.tolist() == a.tolist()
    assert pixels_from_bytes(bytearray(0), ctype, (0, 3), use_numpy=False).tolist() == []


def test_pixels_from_bytes_checks_the_size() -> None:
    with pytest.raises(ValueError, match="12 bytes"):
        pixels_from_bytes(bytearray(12), "uint16", (2, 4))
