"""witk-compare-images on system Python: known answers, typed errors, and the same
metrics and difference images as ITK-Wasm's itkwasm-compare-images on random inputs."""

from __future__ import annotations

import itkwasm
import numpy as np
import pytest
from itkwasm_compare_images import compare_images as itk_compare_images
from itkwasm_compare_images import vector_magnitude as itk_vector_magnitude

# itkwasm-compare-images 5.4.2's dispatching compare_double_images passes a
# spatial_tolerance its own -wasi implementation does not take: call that directly.
from itkwasm_compare_images_wasi import compare_double_images as itk_compare_double_images
from witk_compare_images import compare_double_images, compare_images, vector_magnitude

import witk

ITK_KEYS = [
    "almostEqual",
    "numberOfPixelsWithDifferences",
    "minimumDifference",
    "maximumDifference",
    "totalDifference",
    "meanDifference",
]
DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]


def rotation(d: int, angle: float) -> np.ndarray:
    m = np.eye(d)
    if d >= 2:
        c, s = np.cos(angle), np.sin(angle)
        m[:2, :2] = [[c, -s], [s, c]]
    return m


def pair(
    arr: np.ndarray,
    *,
    is_vector: bool = False,
    pixel_type: str | None = None,
    origin: list[float] | None = None,
    spacing: list[float] | None = None,
    direction: np.ndarray | None = None,
) -> tuple[witk.Image, itkwasm.Image]:
    """The same image as witk's and as itkwasm's data model."""
    ours = witk.image_from_array(arr, is_vector=is_vector)
    theirs = itkwasm.image_from_array(arr, is_vector=is_vector)
    d = ours.imageType.dimension
    for image in (ours, theirs):
        image.origin = list(origin or [0.0] * d)
        image.spacing = list(spacing or [1.0] * d)
        image.direction = np.array(direction if direction is not None else np.eye(d), dtype=np.float64)
    if pixel_type is not None:
        ours.imageType.pixelType = witk.PixelTypes(pixel_type)
        theirs.imageType.pixelType = pixel_type
    return ours, theirs


def assert_same_image(ours: witk.Image, theirs: itkwasm.Image) -> None:
    assert ours.imageType.dimension == theirs.imageType.dimension
    assert ours.imageType.componentType.value == str(theirs.imageType.componentType)
    assert ours.imageType.components == theirs.imageType.components
    assert list(ours.size) == list(theirs.size)
    np.testing.assert_array_equal(np.asarray(ours.origin, float), np.asarray(theirs.origin, float))
    np.testing.assert_array_equal(np.asarray(ours.spacing, float), np.asarray(theirs.spacing, float))
    np.testing.assert_array_equal(np.asarray(ours.direction, float), np.asarray(theirs.direction, float))
    np.testing.assert_array_equal(np.asarray(ours.data), np.asarray(theirs.data).reshape(np.asarray(ours.data).shape))


def assert_same(ours: tuple, theirs: tuple) -> None:
    metrics, difference, rendering = ours
    assert list(metrics)[: len(ITK_KEYS)] == ITK_KEYS
    assert {k: metrics[k] for k in ITK_KEYS} == theirs[0]
    assert_same_image(difference, theirs[1])
    assert_same_image(rendering, theirs[2])


# --- known answers ---------------------------------------------------------------------


def test_identical_images_are_almost_equal() -> None:
    a = np.arange(20, dtype=np.float64).reshape(4, 5)
    metrics, difference, rendering = compare_images(witk.image_from_array(a), [witk.image_from_array(a.copy())])
    assert metrics == {
        "almostEqual": True,
        "numberOfPixelsWithDifferences": 0,
        "minimumDifference": np.finfo(np.float64).max,
        "maximumDifference": -np.finfo(np.float64).max,
        "totalDifference": 0.0,
        "meanDifference": 0.0,
        "bestBaselineIndex": 0,
    }
    assert not np.asarray(difference.data).any()
    assert rendering.imageType.componentType.value == "uint8"
    assert not np.asarray(rendering.data).any()


def test_one_changed_pixel() -> None:
    base = np.zeros((4, 5), np.float32)
    test = base.copy()
    test[1, 2] = 3.5
    metrics, difference, rendering = compare_images(witk.image_from_array(test), [witk.image_from_array(base)])
    assert metrics["almostEqual"] is False
    assert metrics["numberOfPixelsWithDifferences"] == 1
    for key in ["minimumDifference", "maximumDifference", "totalDifference", "meanDifference"]:
        assert metrics[key] == 3.5
    assert difference.imageType.componentType.value == "float64"
    expected = np.zeros((4, 5))
    expected[1, 2] = 3.5
    np.testing.assert_array_equal(difference.data, expected)
    np.testing.assert_array_equal(rendering.data, (expected > 0) * 255)
    metrics, _, _ = compare_images(
        witk.image_from_array(test), [witk.image_from_array(base)], number_of_pixels_tolerance=1
    )
    assert metrics["almostEqual"] is True


def test_radius_tolerance_hides_a_one_pixel_shift() -> None:
    y, x = np.mgrid[0:6, 0:8]
    base = (x + 10 * y).astype(np.float64)
    shifted = np.concatenate([base[:, :1], base[:, :-1]], axis=1)
    t, b = witk.image_from_array(shifted), witk.image_from_array(base)
    assert compare_images(t, [b])[0]["numberOfPixelsWithDifferences"] == 7 * 6
    metrics, difference, _ = compare_images(t, [b], radius_tolerance=1)
    assert metrics["almostEqual"] and metrics["numberOfPixelsWithDifferences"] == 0
    assert not np.asarray(difference.data).any()


def test_threshold_semantics() -> None:
    base = np.zeros(4)
    test = np.array([0.5, 0.25, 0.75, 1.0])
    metrics, difference, _ = compare_images(
        witk.image_from_array(test.reshape(1, 4)), [witk.image_from_array(base.reshape(1, 4))], difference_threshold=0.5
    )
    # Strictly above the threshold counts; the difference image shows only those.
    assert metrics["numberOfPixelsWithDifferences"] == 2
    assert (metrics["minimumDifference"], metrics["maximumDifference"], metrics["meanDifference"]) == (0.75, 1.0, 0.875)
    np.testing.assert_array_equal(np.asarray(difference.data).reshape(-1), [0, 0, 0.75, 1.0])


def test_the_closest_of_several_baselines() -> None:
    test = np.arange(12, dtype=np.float64).reshape(3, 4)
    far, near = test + 1, test.copy()
    near[0, 0] = 99
    images = [witk.image_from_array(a) for a in (far, near, far)]
    metrics, difference, _ = compare_images(witk.image_from_array(test), images)
    assert metrics["bestBaselineIndex"] == 1
    assert metrics["numberOfPixelsWithDifferences"] == 1
    assert np.asarray(difference.data)[0, 0] == 99


def test_vectors_and_rgb_compare_by_magnitude() -> None:
    a = np.array([[[3, 4, 0], [0, 0, 1]]], np.uint8)
    b = np.array([[[0, 0, 5], [1, 0, 0]]], np.uint8)
    ta, _ = pair(a, is_vector=True, pixel_type="RGB")
    tb, _ = pair(b, is_vector=True, pixel_type="RGB")
    assert compare_images(ta, [tb])[0]["almostEqual"]
    np.testing.assert_array_equal(vector_magnitude(ta).data, [[5.0, 1.0]])


def test_itkwasm_images_are_accepted() -> None:
    a = np.ones((3, 3), np.float64)
    metrics, _, _ = compare_double_images(itkwasm.image_from_array(a), [itkwasm.image_from_array(a)])
    assert metrics["almostEqual"]


# --- bad inputs --------------------------------------------------------------------------


def test_bad_inputs_raise_typed_errors() -> None:
    a = witk.image_from_array(np.zeros((4, 5)))
    with pytest.raises(witk.InvalidArgumentError, match="baseline-images is empty"):
        compare_images(a, [])
    with pytest.raises(witk.InvalidArgumentError, match=r"has size \[5, 5\] but test-image has size \[5, 4\]"):
        compare_images(a, [witk.image_from_array(np.zeros((5, 5)))])
    with pytest.raises(witk.InvalidArgumentError, match="is 3-D but test-image is 2-D"):
        compare_images(a, [witk.image_from_array(np.zeros((1, 4, 5)))])
    with pytest.raises(witk.InvalidArgumentError, match="scalar float64"):
        compare_double_images(witk.image_from_array(np.zeros((4, 5), np.uint8)), [a])
    moved = witk.image_from_array(np.zeros((4, 5)))
    moved.origin = [0.0, 0.5]
    with pytest.raises(ValueError, match="same physical space"):
        compare_images(a, [moved])
    # The next call works, and a looser spatial tolerance accepts the shift.
    assert compare_images(a, [moved], spatial_tolerance=1.0)[0]["almostEqual"]


# --- fidelity with itkwasm-compare-images ------------------------------------------------


def random_case(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    if dtype.startswith("float"):
        test = rng.normal(0, 10, shape).astype(dtype)
    else:
        info = np.iinfo(dtype)
        test = rng.integers(max(info.min, -100), min(info.max, 100), shape, endpoint=True).astype(dtype)
    base = test.copy()
    # Change about a third of the pixels by small and large amounts.
    mask = rng.random(shape) < 0.35
    noise = rng.normal(0, 4, shape)
    if dtype.startswith("float"):
        base[mask] = (base[mask] + noise[mask]).astype(dtype)
    else:
        base[mask] = np.clip(base.astype(np.int64)[mask] + np.round(noise[mask]).astype(np.int64), -100, 100).astype(
            dtype
        )
    return test, base


PARAMS = [
    {},
    {"difference_threshold": 2.5},
    {"radius_tolerance": 1},
    {"radius_tolerance": 2, "difference_threshold": 0.5},
    {"radius_tolerance": 1, "ignore_boundary_pixels": True},
    {"radius_tolerance": 3, "ignore_boundary_pixels": True, "number_of_pixels_tolerance": 40},
    {"ignore_boundary_pixels": True, "number_of_pixels_tolerance": 1000},
]


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "defaults")
@pytest.mark.parametrize("shape", [(9, 13), (5, 6, 7), (3, 4, 5, 6)], ids=lambda s: "x".join(map(str, s)))
def test_same_as_itkwasm_on_random_images(shape: tuple[int, ...], params: dict) -> None:
    rng = np.random.default_rng(len(shape) * 100 + len(params))
    test, base = random_case(rng, "float64", shape)
    d = len(shape)
    geometry = {
        "origin": [1.5, -2.0, 30.25, 4.0][:d],
        "spacing": [0.5, 0.75, 2.0, 1.5][:d],
        "direction": rotation(d, 0.3),
    }
    ours_t, theirs_t = pair(test, **geometry)
    ours_b, theirs_b = pair(base, **geometry)
    ours = compare_double_images(ours_t, [ours_b], **params)
    theirs = itk_compare_double_images(theirs_t, baseline_images=[theirs_b], **params)
    assert ours[0]["numberOfPixelsWithDifferences"] > 0 or params.get("number_of_pixels_tolerance")
    assert_same(ours, theirs)
    assert_same(
        compare_images(ours_t, [ours_b], **params), itk_compare_images(theirs_t, baseline_images=[theirs_b], **params)
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_same_as_itkwasm_for_every_component_type(dtype: str) -> None:
    rng = np.random.default_rng(sum(map(ord, dtype)))
    test, base = random_case(rng, dtype, (6, 7, 8))
    ours_t, theirs_t = pair(test)
    ours_b, theirs_b = pair(base)
    for params in ({}, {"radius_tolerance": 1, "difference_threshold": 1.0}):
        ours = compare_images(ours_t, [ours_b], **params)
        theirs = itk_compare_images(theirs_t, baseline_images=[theirs_b], **params)
        assert_same(ours, theirs)


@pytest.mark.parametrize(
    ("dtype", "components", "pixel_type"), [("uint8", 3, "RGB"), ("float32", 2, None), ("int16", 4, None)]
)
def test_same_as_itkwasm_for_multi_component_images(dtype: str, components: int, pixel_type: str | None) -> None:
    rng = np.random.default_rng(components)
    test, base = random_case(rng, dtype, (7, 9, components))
    ours_t, theirs_t = pair(test, is_vector=True, pixel_type=pixel_type)
    ours_b, theirs_b = pair(base, is_vector=True, pixel_type=pixel_type)
    assert_same(
        compare_images(ours_t, [ours_b], radius_tolerance=1),
        itk_compare_images(theirs_t, baseline_images=[theirs_b], radius_tolerance=1),
    )


def test_same_as_itkwasm_with_several_baselines() -> None:
    rng = np.random.default_rng(7)
    test = rng.normal(0, 10, (8, 9))
    baselines = []
    for n in (30, 5, 12, 5):  # two equally close: ITK-Wasm takes the last
        b = test.copy()
        b.reshape(-1)[rng.choice(b.size, n, replace=False)] += rng.normal(0, 5, n)
        baselines.append(b)
    ours_t, theirs_t = pair(test)
    pairs = [pair(b) for b in baselines]
    ours = compare_double_images(ours_t, [p[0] for p in pairs])
    theirs = itk_compare_double_images(theirs_t, baseline_images=[p[1] for p in pairs])
    assert_same(ours, theirs)
    assert ours[0]["bestBaselineIndex"] == 3


def test_rendering_geometry_same_as_itkwasm_for_oblique_volumes() -> None:
    rng = np.random.default_rng(3)
    test = rng.random((5, 4, 3))
    permuted = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    singular = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    for direction in (rotation(3, 0.7), permuted, singular):
        geometry = {"origin": [1.0, 2.0, 3.0], "spacing": [0.5, 0.6, 0.7], "direction": direction}
        ours_t, theirs_t = pair(test, **geometry)
        ours_b, theirs_b = pair(np.zeros_like(test), **geometry)
        assert_same(
            compare_double_images(ours_t, [ours_b]), itk_compare_double_images(theirs_t, baseline_images=[theirs_b])
        )


def test_spatial_tolerance_same_as_itkwasm() -> None:
    # ITK-Wasm's default: origin and spacing within 1e-8 x the first spacing, direction within 1e-8.
    a = np.zeros((3, 4))
    for field, eps, accepted in [("origin", 5e-9, True), ("origin", 2e-8, False), ("spacing", 2e-8, False)]:
        ours_t, theirs_t = pair(a)
        ours_b, theirs_b = pair(a.copy())
        for image in (ours_b, theirs_b):
            setattr(image, field, [v + eps for v in getattr(image, field)])
        try:
            itk_compare_double_images(theirs_t, baseline_images=[theirs_b])
            itk_accepted = True
        except Exception:  # ITK-Wasm traps
            itk_accepted = False
        assert itk_accepted == accepted
        if accepted:
            assert compare_double_images(ours_t, [ours_b])[0]["almostEqual"]
        else:
            with pytest.raises(witk.InvalidArgumentError, match="same physical space"):
                compare_double_images(ours_t, [ours_b])


def test_vector_magnitude_same_as_itkwasm() -> None:
    rng = np.random.default_rng(11)
    arr = rng.normal(0, 3, (5, 6, 3))
    ours, theirs = pair(arr, is_vector=True)
    assert_same_image(vector_magnitude(ours), itk_vector_magnitude(theirs))


@pytest.mark.parametrize("params", [{"radius_tolerance": 1}, {"radius_tolerance": 2, "ignore_boundary_pixels": True}])
def test_large_images_split_into_slabs_give_itkwasms_answer(params: dict) -> None:
    """An image of 8 MiB and more is compared in slabs on every core (the host's
    ParallelCompare); metrics (the total difference too), the difference image and the
    rendering are still ITK-Wasm's."""
    rng = np.random.default_rng(5)
    test, base = random_case(rng, "float32", (40, 160, 200))  # 5 MiB each, over the split threshold
    d = 3
    geometry = {"origin": [1.5, -2.0, 30.25], "spacing": [0.5, 0.75, 2.0], "direction": rotation(d, 0.3)}
    ours_t, theirs_t = pair(test, **geometry)
    ours_b, theirs_b = pair(base, **geometry)
    ours = compare_images(ours_t, [ours_b], difference_threshold=0.5, **params)
    theirs = itk_compare_images(theirs_t, [theirs_b], difference_threshold=0.5, **params)
    assert ours[0]["numberOfPixelsWithDifferences"] > 1000
    assert_same(ours, theirs)
