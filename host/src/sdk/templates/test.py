"""Tests of the {{name}} pipeline through its generated Python package, against NumPy.

Run after `witk build`, `witk bindgen` and installing the package (see README.md).
"""

import numpy as np
import pytest
import witk
from witk_{{snake}} import binary_threshold, histogram


def image(array: np.ndarray) -> witk.Image:
    im = witk.image_from_array(array)
    im.spacing, im.origin = [0.5] * array.ndim, [10.0] * array.ndim
    return im


@pytest.mark.parametrize("dtype", ["uint8", "int16", "float32", "float64"])
def test_binary_threshold_matches_numpy(dtype: str) -> None:
    rng = np.random.default_rng(7)
    array = (rng.random((9, 11, 13)) * 200).astype(dtype)
    out = binary_threshold(image(array), lower=50, upper=150, inside_value=255, outside_value=3)
    expected = np.where((array >= 50) & (array <= 150), 255, 3).astype(np.uint8)
    assert out.data.dtype == np.uint8
    np.testing.assert_array_equal(out.data, expected)
    assert list(out.spacing) == [0.5, 0.5, 0.5] and list(out.origin) == [10.0, 10.0, 10.0]


@pytest.mark.parametrize("dtype", ["uint8", "int16", "float64"])
@pytest.mark.parametrize("bins, value_range", [(10, None), (7, None), (16, [20.0, 120.5])])
def test_histogram_matches_numpy(dtype: str, bins: int, value_range: "list[float] | None") -> None:
    rng = np.random.default_rng(11)
    array = (rng.random((8, 9, 10)) * 200).astype(dtype)
    got = histogram(image(array), bins=bins, range=value_range)
    expected, _ = np.histogram(array.astype(np.float64), bins=bins, range=value_range)
    assert list(got) == expected.tolist()


def test_bad_arguments_raise_typed_errors() -> None:
    with pytest.raises(witk.InvalidArgumentError, match="bins"):
        histogram(image(np.zeros((4, 4), np.uint8)), bins=0)
    with pytest.raises(witk.InvalidArgumentError, match="lower"):
        binary_threshold(image(np.zeros((4, 4), np.uint8)), lower=2, upper=1)
