"""witk-downsample on system Python: known answers, and the same results as ITK-Wasm's
``itkwasm-downsample`` (PyPI) on synthetic images of every component type."""

from __future__ import annotations

import dataclasses

import itkwasm
import itkwasm_downsample as iwd
import numpy as np
import pytest
from witk_downsample import (
    downsample,
    downsample_bin_shrink,
    downsample_label_image,
    downsample_label_image_region,
    downsample_region,
    downsample_sigma,
    gaussian_kernel_radius,
)

import witk

DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
# What ITK-Wasm 2.0 builds its pipelines for: vector images and label images.
VECTOR_DTYPES = ["uint8", "int16", "uint16", "float32", "float64"]
LABEL_DTYPES = ["uint8", "uint16", "uint32", "uint64", "int16", "float32"]
ROT = np.array([[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]])


def sample(dtype: str, shape: tuple[int, ...], components: int = 1, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(sum(map(ord, dtype)) + len(shape) + seed)
    full = shape + ((components,) if components > 1 else ())
    if dtype.startswith("float"):
        return rng.normal(50, 30, full).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -1000), min(info.max, 1000), full, endpoint=True).astype(dtype)


def placed(arr: np.ndarray, components: int = 1) -> tuple[witk.Image, itkwasm.Image]:
    """The same array as a witk image and an itkwasm image, with a non-trivial origin,
    spacing and (rotated) direction."""
    ours = witk.image_from_array(arr, is_vector=components > 1)
    d = ours.imageType.dimension
    ours.origin = [1.5, -20.25, 7.0][:d]
    ours.spacing = [0.5, 1.25, 2.5][:d]
    ours.direction = ROT[:d, :d].copy() if d == 3 else np.array([[0.6, -0.8], [0.8, 0.6]])
    theirs = itkwasm.Image(
        imageType=itkwasm.ImageType(
            dimension=d,
            componentType=str(arr.dtype),
            pixelType="VariableLengthVector" if components > 1 else "Scalar",
            components=components,
        ),
        origin=list(ours.origin),
        spacing=list(ours.spacing),
        direction=np.asarray(ours.direction, dtype=np.float64),
        size=list(ours.size),
        data=arr,
    )
    return ours, theirs


def assert_same(ours: witk.Image, theirs: itkwasm.Image) -> None:
    """Same grid; float values within 1e-4 relative, integers within 1."""
    assert list(ours.size) == [int(s) for s in theirs.size]
    np.testing.assert_allclose(ours.origin, theirs.origin, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.spacing, theirs.spacing, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.asarray(ours.direction).reshape(-1), np.asarray(theirs.direction).reshape(-1))
    a, b = witk.array_from_image(ours), np.asarray(theirs.data)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * float(np.abs(b).max()))
    else:
        assert np.abs(a.astype(np.float64) - b.astype(np.float64)).max(initial=0) <= 1


# --- ITK-Wasm's results ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("shape", "shrink", "crop"),
    [
        ((13, 17), [2, 2], None),
        ((13, 17), [3, 2], [1, 2]),
        ((9, 11, 10), [2, 3, 1], None),
        ((9, 11, 10), [4, 2, 2], [0, 1, 1]),
    ],
)
def test_downsample_matches_itkwasm(
    dtype: str, shape: tuple[int, ...], shrink: list[int], crop: list[int] | None
) -> None:
    ours, theirs = placed(sample(dtype, shape))
    assert_same(
        downsample(ours, shrink, crop_radius=crop), iwd.downsample(theirs, shrink_factors=shrink, crop_radius=crop)
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "shrink"), [((13, 17), [2, 3]), ((9, 11, 10), [3, 2, 2]), ((8, 8, 8), [2, 2, 2])])
def test_bin_shrink_matches_itkwasm(dtype: str, shape: tuple[int, ...], shrink: list[int]) -> None:
    ours, theirs = placed(sample(dtype, shape))
    assert_same(downsample_bin_shrink(ours, shrink), iwd.downsample_bin_shrink(theirs, shrink_factors=shrink))


@pytest.mark.parametrize("dtype", VECTOR_DTYPES)
@pytest.mark.parametrize(("shape", "components"), [((9, 11), 3), ((6, 8, 10), 2)])
def test_vector_images_match_itkwasm(dtype: str, shape: tuple[int, ...], components: int) -> None:
    ours, theirs = placed(sample(dtype, shape, components), components)
    shrink = [2] * len(shape)
    assert_same(downsample(ours, shrink), iwd.downsample(theirs, shrink_factors=shrink))
    assert_same(downsample_bin_shrink(ours, shrink), iwd.downsample_bin_shrink(theirs, shrink_factors=shrink))


@pytest.mark.parametrize("dtype", LABEL_DTYPES)
@pytest.mark.parametrize(
    ("shape", "shrink", "crop"),
    [((16, 18), [2, 2], None), ((9, 12, 10), [3, 2, 2], [1, 0, 1]), ((8, 9, 10), [2, 3, 4], None)],
)
def test_labels_match_itkwasm(dtype: str, shape: tuple[int, ...], shrink: list[int], crop: list[int] | None) -> None:
    rng = np.random.default_rng(len(shape))
    arr = rng.choice(np.array([0, 3, 7, 250], dtype=dtype), size=shape, p=[0.4, 0.3, 0.2, 0.1])
    # Identity geometry: ITK-Wasm breaks exact ties by floating-point accident elsewhere.
    ours = witk.image_from_array(arr)
    theirs = itkwasm.image_from_array(arr)
    result = downsample_label_image(ours, shrink, crop_radius=crop)
    expected = iwd.downsample_label_image(theirs, shrink_factors=shrink, crop_radius=crop)
    assert_same(result, expected)
    np.testing.assert_array_equal(witk.array_from_image(result), expected.data)
    assert set(np.unique(witk.array_from_image(result))) <= set(np.unique(arr))


def test_sigma_and_radius_match_itkwasm() -> None:
    factors = [1, 2, 3, 4, 5, 8, 16]
    assert downsample_sigma(factors) == pytest.approx(iwd.downsample_sigma(factors), rel=1e-15)
    size, sigma = [64, 64, 5, 200, 3], [0.5, 1.0, 3.0, 10.0, 0.0]
    assert gaussian_kernel_radius(size, sigma) == iwd.gaussian_kernel_radius(size, sigma)
    assert gaussian_kernel_radius(
        [100], [4.0], max_kernel_width=6, max_kernel_error=0.05
    ) == iwd.gaussian_kernel_radius([100], [4.0], max_kernel_width=6, max_kernel_error=0.05)


def test_large_images_split_across_threads_match_itkwasm() -> None:
    """8 MiB and more is split into slabs on pooled instances (witk's parallel host)."""
    arr = sample("uint16", (96, 128, 384))
    ours, theirs = placed(arr)
    assert_same(downsample(ours, [2, 2, 3]), iwd.downsample(theirs, shrink_factors=[2, 2, 3]))
    assert_same(downsample_bin_shrink(ours, [2, 2, 2]), iwd.downsample_bin_shrink(theirs, shrink_factors=[2, 2, 2]))
    # With an identity grid ITK samples exactly at the block centres: equal to the bit.
    result = downsample(witk.image_from_array(arr), [2, 2, 3])
    expected = iwd.downsample(itkwasm.image_from_array(arr), shrink_factors=[2, 2, 3])
    np.testing.assert_array_equal(witk.array_from_image(result), expected.data)


# --- Known answers -----------------------------------------------------------------------


def test_known_answers() -> None:
    # ITK-Wasm 2.0.2 on the float32 ramp 8 y + x, spacing (0.5, 2), origin (1, -3).
    ramp = witk.image_from_array(np.arange(48, dtype=np.float32).reshape(6, 8))
    ramp.spacing, ramp.origin = [0.5, 2.0], [1.0, -3.0]
    out = downsample(ramp, [2, 2])
    assert (out.size, out.origin, out.spacing) == ([4, 3], [1.25, -2.0], [1.0, 4.0])
    np.testing.assert_allclose(witk.array_from_image(out)[1], [20.614872, 22.5, 24.5, 26.385128], rtol=1e-6)
    out = downsample_bin_shrink(ramp, [2, 3])
    assert (out.origin, out.spacing) == ([1.25, -1.0], [1.0, 6.0])
    np.testing.assert_array_equal(witk.array_from_image(out), [[8.5, 10.5, 12.5, 14.5], [32.5, 34.5, 36.5, 38.5]])


@pytest.mark.parametrize("function", [downsample, downsample_bin_shrink, downsample_label_image])
def test_constants_stay_constant(function) -> None:
    for arr in [np.full((7, 9, 10), 100, np.uint8), np.full((12, 10), -2.5, np.float64)]:
        out = witk.array_from_image(function(witk.image_from_array(arr), [2] * arr.ndim))
        assert out.shape == tuple(s // 2 for s in arr.shape)
        np.testing.assert_allclose(out, arr.flat[0], rtol=1e-14)


def test_checkerboards() -> None:
    board = (np.indices((8, 8)).sum(axis=0) % 2 * 10).astype(np.uint8)
    image = witk.image_from_array(board)
    np.testing.assert_array_equal(witk.array_from_image(downsample_bin_shrink(image, [2, 2])), np.full((4, 4), 5))
    # Each 2 x 2 block ties between 0 and 10: the smaller label wins.
    np.testing.assert_array_equal(witk.array_from_image(downsample_label_image(image, [2, 2])), np.zeros((4, 4)))
    # Anti-aliasing flattens the finest checkerboard towards its mean.
    smooth = witk.array_from_image(downsample(witk.image_from_array(board.astype(np.float32)), [2, 2]))
    assert np.all(np.abs(smooth[1:-1, 1:-1] - 5) < 1.5)


def test_ramps_keep_their_slope() -> None:
    y, x = np.indices((30, 40))
    out = witk.array_from_image(downsample(witk.image_from_array((3.0 * x - 2.0 * y).astype(np.float64)), [4, 2]))
    oy, ox = np.indices(out.shape)
    want = 3.0 * (4 * ox + 1.5) - 2.0 * (2 * oy + 0.5)
    np.testing.assert_allclose(out[2:-2, 2:-2], want[2:-2, 2:-2], atol=1e-9)


def test_regions_stitch_to_the_whole() -> None:
    arr = sample("int16", (23, 9, 11))
    image = witk.image_from_array(arr)
    whole = witk.array_from_image(downsample(image, [2, 2, 2], crop_radius=[0, 1, 1]))
    top = downsample_region(image, [2, 2, 2], [0, 0, 0], [5, 3, 4], crop_radius=[0, 1, 1])
    assert top.bufferedRegion.size == [5, 3, 4] and top.size == [5, 3, 10]
    np.testing.assert_array_equal(witk.array_from_image(top), whole[:4])
    labels = witk.image_from_array((arr % 3).astype(np.uint8))
    whole = witk.array_from_image(downsample_label_image(labels, [2, 3, 2]))
    part = downsample_label_image_region(labels, [2, 3, 2], [1, 0, 5], [4, 3, 6])
    np.testing.assert_array_equal(witk.array_from_image(part), whole[5:11, :, 1:5])


def test_bin_shrink_information_only() -> None:
    image = witk.image_from_array(np.zeros((10, 7, 9), np.float32))
    out = downsample_bin_shrink(image, [2, 3, 2], information_only=True)
    assert out.data is None and out.size == [4, 2, 5]
    assert out.origin == [0.5, 1.0, 0.5] and out.spacing == [2.0, 3.0, 2.0]


def test_accepts_itkwasm_images() -> None:
    arr = sample("float32", (10, 12))
    out = downsample(itkwasm.image_from_array(arr), [2, 2])
    np.testing.assert_array_equal(
        witk.array_from_image(out), iwd.downsample(itkwasm.image_from_array(arr), shrink_factors=[2, 2]).data
    )


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("function", [downsample, downsample_bin_shrink, downsample_label_image])
def test_bad_shrink_factors(function) -> None:
    image = witk.image_from_array(np.zeros((4, 4), np.uint8))
    with pytest.raises(witk.InvalidArgumentError, match="shrink factor 0 along axis 1"):
        function(image, [2, 0])
    with pytest.raises(witk.InvalidArgumentError, match="shrink-factors has 3 values"):
        function(image, [2, 2, 2])
    with pytest.raises(witk.InvalidArgumentError, match="empty along axis 0"):
        function(image, [5, 2])
    with pytest.raises(witk.InvalidArgumentError, match="empty"):
        function(witk.image_from_array(np.zeros((0, 4), np.uint8)), [1, 1])
    with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError, as ITK-Wasm's are
        function(image, [0, 0])


def test_other_bad_input() -> None:
    image = witk.image_from_array(np.zeros((4, 4), np.float32))
    with pytest.raises(witk.InvalidArgumentError, match="crop radius 2"):
        downsample(image, [2, 2], crop_radius=[2, 2])
    with pytest.raises(witk.InvalidArgumentError, match="crop-radius has 1 values"):
        downsample(image, [2, 2], crop_radius=[1])
    with pytest.raises(witk.UnsupportedError, match="single-component"):
        downsample_label_image(witk.image_from_array(np.zeros((4, 4, 3), np.uint8), is_vector=True), [2, 2])
    with pytest.raises(witk.InvalidArgumentError):
        downsample_sigma([2, 0])
    with pytest.raises(witk.InvalidArgumentError, match="same length"):
        gaussian_kernel_radius([4, 4], [1.0])
    with pytest.raises(witk.InvalidArgumentError, match="max-kernel-error"):
        gaussian_kernel_radius([4], [1.0], max_kernel_error=1.5)
    with pytest.raises(witk.InvalidArgumentError, match="not inside the output"):
        downsample_region(image, [2, 2], [1, 1], [2, 2])
    # The pipeline keeps working after errors.
    assert witk.array_from_image(downsample(image, [2, 2])).shape == (2, 2)


def test_compare_images_is_the_regression_check() -> None:
    """witk's own regression tool (witk-compare-images) signs off the comparison with ITK-Wasm."""
    from witk_compare_images import compare_images

    arr = sample("float32", (24, 32, 40))
    ours = downsample(witk.image_from_array(arr), [2, 2, 2])
    theirs = iwd.downsample(itkwasm.image_from_array(arr), shrink_factors=[2, 2, 2])
    metrics, difference, _ = compare_images(ours, [theirs], difference_threshold=1e-4 * float(np.abs(arr).max()))
    assert metrics["almostEqual"] and metrics["numberOfPixelsWithDifferences"] == 0, metrics
    assert list(difference.size) == list(ours.size)
    shifted = dataclasses.replace(ours, data=witk.array_from_image(ours) + np.float32(1))
    metrics, _, _ = compare_images(shifted, [theirs])
    assert not metrics["almostEqual"] and metrics["minimumDifference"] > 0.99
