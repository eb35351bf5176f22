"""witk.dask: the downsample functions chunk by chunk on dask arrays equal the in-memory
functions on the whole image, for odd sizes, oblique grids, every component type, any
chunking, vector images and crop radii; with dask's threaded scheduler and on a
dask.distributed cluster of real worker processes."""

from __future__ import annotations

import numpy as np
import pytest

dask = pytest.importorskip("dask")
import dask.array as da  # noqa: E402
import witk_downsample  # noqa: E402

import witk  # noqa: E402
import witk.dask  # noqa: E402

DTYPES = ["uint8", "int8", "int16", "uint16", "int32", "float32", "float64"]


def oblique(array: np.ndarray, is_vector: bool = False) -> witk.Image:
    image = witk.image_from_array(array, is_vector=is_vector)
    d = image.imageType.dimension
    image.spacing = [0.7, 1.3, 2.1][:d]
    image.origin = [-10.0, 4.5, 33.0][:d]
    theta = 0.3
    rotation = np.eye(d)
    rotation[0, 0] = rotation[1, 1] = np.cos(theta)
    rotation[0, 1], rotation[1, 0] = -np.sin(theta), np.sin(theta)
    image.direction = rotation
    return image


def volume(dtype: str, shape: tuple[int, ...] = (13, 17, 23), seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if np.issubdtype(np.dtype(dtype), np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -1000), min(info.max, 1000), shape, dtype=dtype, endpoint=True)
    return (rng.standard_normal(shape) * 100).astype(dtype)


def lazily(image: witk.Image, chunks: object) -> witk.Image:
    lazy = witk.Image(**{**image.__dict__})
    lazy.data = da.from_array(np.asarray(image.data), chunks=chunks)
    return lazy


def same(got: witk.Image, want: witk.Image) -> None:
    assert isinstance(got.data, da.Array)
    computed = got.data.compute()
    assert computed.dtype == want.data.dtype and computed.shape == want.data.shape
    np.testing.assert_array_equal(computed, want.data)
    assert list(got.size) == list(want.size)
    assert np.allclose(got.origin, want.origin, rtol=0, atol=1e-12)
    assert np.allclose(got.spacing, want.spacing, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(np.asarray(got.direction), np.asarray(want.direction))


@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_chunks_equal_the_whole_call(dtype: str) -> None:
    image = oblique(volume(dtype))
    for shrink, crop, chunks in [
        ([2, 2, 2], None, (5, 6, 7)),
        ([3, 2, 4], [1, 0, 2], (4, 17, 9)),
        ([2, 3, 2], None, 6),
    ]:
        want = witk_downsample.downsample(image, shrink, crop_radius=crop)
        same(witk.dask.downsample(lazily(image, chunks), shrink, crop_radius=crop), want)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bin_shrink_chunks_equal_the_whole_call(dtype: str) -> None:
    image = oblique(volume(dtype))
    # Chunks that are not multiples of the factors: each output chunk reads its blocks.
    for shrink, chunks in [([2, 2, 2], (5, 6, 7)), ([3, 4, 5], (4, 9, 11)), ([1, 2, 3], 3)]:
        want = witk_downsample.downsample_bin_shrink(image, shrink)
        same(witk.dask.downsample_bin_shrink(lazily(image, chunks), shrink), want)


@pytest.mark.parametrize("dtype", ["uint8", "int16", "uint16", "int32"])
def test_label_chunks_equal_the_whole_call(dtype: str) -> None:
    labels = (volume(dtype) % 7).astype(dtype)
    image = oblique(labels)
    for shrink, crop, chunks in [([2, 2, 2], None, (5, 6, 7)), ([3, 2, 2], [1, 1, 0], (6, 5, 4))]:
        want = witk_downsample.downsample_label_image(image, shrink, crop_radius=crop)
        got = witk.dask.downsample_label_image(lazily(image, chunks), shrink, crop_radius=crop)
        same(got, want)
        assert set(np.unique(got.data.compute())) <= set(np.unique(labels))


def test_two_dimensional_and_vector_images() -> None:
    flat = oblique(volume("float32", (31, 19)))
    same(witk.dask.downsample(lazily(flat, (8, 5)), [2, 3]), witk_downsample.downsample(flat, [2, 3]))
    rgb = oblique(volume("uint8", (11, 14, 3)), is_vector=True)
    assert rgb.imageType.components == 3
    lazy = lazily(rgb, (4, 5, 3))
    same(witk.dask.downsample(lazy, [2, 2]), witk_downsample.downsample(rgb, [2, 2]))
    same(witk.dask.downsample_bin_shrink(lazy, [2, 3]), witk_downsample.downsample_bin_shrink(rgb, [2, 3]))


def test_plain_dask_arrays_come_back_as_dask_arrays() -> None:
    array = volume("uint16", (20, 21, 22))
    lazy = da.from_array(array, chunks=(7, 8, 9))
    got = witk.dask.downsample_bin_shrink(lazy, [2, 3, 4])
    assert isinstance(got, da.Array)
    want = witk_downsample.downsample_bin_shrink(witk.image_from_array(array), [2, 3, 4]).data
    np.testing.assert_array_equal(got.compute(), want)
    vector = da.from_array(volume("float32", (9, 10, 2)), chunks=(4, 4, 2))
    got = witk.dask.downsample(vector, [2, 2], is_vector=True)
    want = witk_downsample.downsample(witk.image_from_array(vector.compute(), is_vector=True), [2, 2]).data
    np.testing.assert_array_equal(got.compute(), want)


def test_threaded_scheduler_runs_chunks_in_parallel_and_equals_the_whole() -> None:
    image = oblique(volume("float32", (24, 40, 40)))
    lazy = witk.dask.downsample(lazily(image, (8, 10, 10)), [2, 2, 2])
    assert lazy.data.npartitions >= 8
    with dask.config.set(scheduler="threads", num_workers=2):
        same(lazy, witk_downsample.downsample(image, [2, 2, 2]))


def test_bad_parameters_are_typed_errors_before_any_chunk_runs() -> None:
    lazy = lazily(oblique(volume("uint8")), 5)
    with pytest.raises(witk.InvalidArgumentError, match="shrink"):
        witk.dask.downsample(lazy, [2, 2])
    with pytest.raises(witk.InvalidArgumentError):
        witk.dask.downsample_bin_shrink(lazy, [2, 0, 2])


def test_distributed_workers_equal_the_whole_call() -> None:
    distributed = pytest.importorskip("distributed")
    image = oblique(volume("int16", (20, 26, 30)))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            for fn, args in [("downsample", ([2, 2, 2],)), ("downsample_bin_shrink", ([3, 2, 2],))]:
                lazy = getattr(witk.dask, fn)(lazily(image, (7, 9, 11)), *args)
                got = client.compute(lazy.data).result()
                np.testing.assert_array_equal(got, getattr(witk_downsample, fn)(image, *args).data)

            # Each worker process loaded the component once (witk's per-process cache).
            def loaded() -> int:
                import witk.runtime

                return len(witk.runtime._pipelines)

            counts = client.run(loaded)
            assert len(counts) == 2 and all(1 <= n <= 2 for n in counts.values()), counts


def test_compare_images_as_a_reduction_equals_one_call() -> None:
    from witk_compare_images import compare_images

    rng = np.random.default_rng(9)
    base = (rng.random((14, 17, 19)) * 100).astype(np.float32)
    test = base.copy()
    test[3, 4, 5] += 7.5
    test[13, 16, 18] -= 2.0  # a corner: boundary handling
    test[7, 0:5, 9] += np.linspace(0.5, 3, 5).astype(np.float32)
    noisy = base + rng.normal(0, 0.2, base.shape).astype(np.float32)
    test_image, baseline, other = oblique(test), oblique(base), oblique(noisy)
    for threshold, radius, ignore in [(0.0, 0, False), (0.3, 1, False), (0.3, 2, True), (1.0, 1, True)]:
        want_metrics, want_diff, _ = compare_images(
            test_image,
            [other, baseline],
            difference_threshold=threshold,
            radius_tolerance=radius,
            ignore_boundary_pixels=ignore,
        )
        got_metrics, got_diff = witk.dask.compare_images(
            lazily(test_image, (5, 6, 4)),
            [lazily(other, (3, 7, 8)), lazily(baseline, 6)],
            difference_threshold=threshold,
            radius_tolerance=radius,
            ignore_boundary_pixels=ignore,
        )
        assert got_metrics == pytest.approx(dict(want_metrics)), (threshold, radius, ignore)
        np.testing.assert_array_equal(got_diff.data.compute(), want_diff.data)
        assert list(got_diff.origin) == pytest.approx(list(want_diff.origin))
    equal, _ = witk.dask.compare_images(lazily(baseline, 5), [lazily(baseline, 7)])
    assert equal["almostEqual"] and equal["numberOfPixelsWithDifferences"] == 0
    with pytest.raises(witk.InvalidArgumentError, match="shape"):
        witk.dask.compare_images(lazily(baseline, 5), [lazily(oblique(base[:-1]), 5)])
