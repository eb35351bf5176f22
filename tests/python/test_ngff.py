"""witk.ngff: OME-Zarr pyramids by witk's downsample component equal ngff-zarr's own
``Methods.ITKWASM_*`` pyramids (computed here with ITK-Wasm's itkwasm-downsample) level by
level, pixels and scale/translation; written as OME-NGFF 0.4 and 0.5 they read back
through ngff-zarr and ome-zarr-py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ngff_zarr = pytest.importorskip("ngff_zarr")
pytest.importorskip("itkwasm_downsample")
import witk  # noqa: E402
import witk.ngff  # noqa: E402

METHODS = {
    "gaussian": ngff_zarr.Methods.ITKWASM_GAUSSIAN,
    "bin_shrink": ngff_zarr.Methods.ITKWASM_BIN_SHRINK,
    "label": ngff_zarr.Methods.ITKWASM_LABEL_IMAGE,
}
SPACING, ORIGIN = [0.5, 0.75, 2.0], [1.0, -2.0, 3.5]


def image(array: np.ndarray) -> witk.Image:
    im = witk.image_from_array(array)
    d = im.imageType.dimension
    im.spacing, im.origin = SPACING[:d], ORIGIN[:d]
    return im


def theirs(array: np.ndarray, scale_factors: list, method: str, chunks: int) -> object:
    dims = ["z", "y", "x"][3 - array.ndim :]
    axes = ["x", "y", "z"][: array.ndim]
    scale = dict(zip(axes, SPACING))
    translation = dict(zip(axes, ORIGIN))
    ngff_image = ngff_zarr.to_ngff_image(array, dims=dims, scale=scale, translation=translation)
    return ngff_zarr.to_multiscales(ngff_image, scale_factors, method=METHODS[method], chunks=chunks)


def volume(dtype: str, shape: tuple[int, ...], method: str) -> np.ndarray:
    rng = np.random.default_rng(len(shape) + len(dtype))
    if method == "label":
        return rng.integers(0, 6, shape).astype(dtype)
    if np.issubdtype(np.dtype(dtype), np.integer):
        # Smooth data with noise, as images are: blurred integers round near .5 rarely.
        z = np.indices(shape).sum(axis=0).astype(np.float64)
        return (200 * np.sin(z / 7) + 300 + rng.normal(0, 20, shape)).clip(0, 1000).astype(dtype)
    return (rng.standard_normal(shape) * 50).astype(dtype)


def assert_same_pyramid(ours: object, ref: object, method: str) -> None:
    assert len(ours.images) == len(ref.images)
    for level, (a, b) in enumerate(zip(ours.images, ref.images)):
        x, y = a.data.compute(), b.data.compute()
        assert x.dtype == y.dtype and x.shape == y.shape, level
        if method == "gaussian":
            # ITK-Wasm's float pipeline and ours agree to 1e-7 (tests/python/test_downsample.py):
            # after rounding back to integers a value can fall on the other side of .5.
            diff = np.abs(x.astype(np.float64) - y.astype(np.float64))
            tolerance = 1 if np.issubdtype(x.dtype, np.integer) else 1e-4 * max(1.0, float(np.abs(y).max()))
            assert diff.max() <= tolerance and (diff > 0).mean() < 1e-3, (level, diff.max())
        else:
            np.testing.assert_array_equal(x, y, err_msg=f"level {level}")
        for d in a.dims:
            assert a.scale[d] == pytest.approx(b.scale[d], abs=1e-12), (level, d)
            assert a.translation[d] == pytest.approx(b.translation[d], abs=1e-12), (level, d)


@pytest.mark.parametrize(
    "method, dtype",
    [(m, t) for m in METHODS for t in ["uint8", "uint16", "int16", "float32"] if (m, t) != ("label", "float32")],
)
def test_pyramids_equal_ngff_zarrs_itkwasm_methods(method: str, dtype: str) -> None:
    array = volume(dtype, (37, 44, 52), method)
    for scale_factors in [[2, 4], [2, 3, 6]]:
        ours = witk.ngff.to_multiscales(image(array), scale_factors, method=method, chunks=24)
        assert_same_pyramid(ours, theirs(array, scale_factors, method, 24), method)


@pytest.mark.parametrize("method", list(METHODS))
def test_two_dimensional_and_per_axis_factors(method: str) -> None:
    flat = volume("uint16", (90, 71), method)
    ours = witk.ngff.to_multiscales(image(flat), [2, 4, 8], method=method, chunks=32)
    assert_same_pyramid(ours, theirs(flat, [2, 4, 8], method, 32), method)
    array = volume("float32" if method != "label" else "uint16", (16, 40, 48), method)
    factors = [{"x": 2, "y": 2, "z": 1}, {"x": 4, "y": 4, "z": 2}]
    ours = witk.ngff.to_multiscales(image(array), factors, method=method, chunks=16)
    assert_same_pyramid(ours, theirs(array, factors, method, 16), method)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_written_stores_read_back_through_ngff_zarr_and_ome_zarr(tmp_path: Path, version: str) -> None:
    array = volume("uint16", (30, 40, 50), "gaussian")
    pyramid = witk.ngff.to_multiscales(image(array), [2, 4], method="gaussian", chunks=16)
    store = tmp_path / f"volume-{version}.ome.zarr"
    witk.ngff.to_ngff_zarr(store, pyramid, version=version)
    zarr_format = (store / "zarr.json").is_file()
    assert zarr_format == (version == "0.5") and (store / ".zattrs").is_file() == (version == "0.4")

    back = ngff_zarr.from_ngff_zarr(store)
    assert len(back.images) == 3
    for a, b in zip(back.images, pyramid.images):
        np.testing.assert_array_equal(a.data.compute(), b.data.compute())
        assert a.scale == pytest.approx(b.scale) and a.translation == pytest.approx(b.translation)

    levels = witk.ngff.from_ngff_zarr(store)
    assert [list(level.size) for level in levels] == [[50, 40, 30], [25, 20, 15], [12, 10, 7]]
    assert list(levels[0].spacing) == SPACING and list(levels[0].origin) == ORIGIN
    assert list(levels[1].spacing) == [1.0, 1.5, 4.0]
    np.testing.assert_array_equal(levels[0].data.compute(), array)

    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    nodes = list(Reader(parse_url(str(store)))())
    data = nodes[0].data
    assert len(data) == 3
    for a, b in zip(data, pyramid.images):
        np.testing.assert_array_equal(np.asarray(a), b.data.compute())
    multiscales = nodes[0].metadata
    assert [ax["name"] for ax in multiscales["axes"]] == ["z", "y", "x"]


def test_refusals() -> None:
    rotated = image(np.zeros((8, 8, 8), np.uint8))
    rotated.direction = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="direction is not the identity"):
        witk.ngff.to_multiscales(rotated, [2])
    assert len(witk.ngff.to_multiscales(rotated, [2], ignore_direction=True).images) == 2
    with pytest.raises(ValueError, match="method must be one of"):
        witk.ngff.to_multiscales(image(np.zeros((8, 8), np.uint8)), [2], method="mean")
    pyramid = witk.ngff.to_multiscales(image(np.zeros((8, 8), np.uint8)), [2])
    with pytest.raises(ValueError, match="version must be"):
        witk.ngff.to_ngff_zarr("/nonexistent/x.ome.zarr", pyramid, version="0.3")


@pytest.mark.parametrize("version, method", [("0.4", "bin_shrink"), ("0.5", "gaussian")])
def test_the_cli_writes_ngff_zarrs_pyramid(tmp_path: Path, version: str, method: str) -> None:
    """`witk ngff IN OUT --scale-factors 2,4` (witk.ngff through the CLI) writes the pyramid
    ngff-zarr's ITKWASM_* method computes from the same file, with dask's progress bar;
    0.5 sharded. Bad arguments and missing files are exit code 2 with the reason."""
    import os
    import subprocess
    import sys

    import witk_image_io

    root = Path(__file__).resolve().parents[2]
    cli = os.environ.get("WITK_BIN", str(root / "target" / "release" / "witk"))
    env = {**os.environ, "WITK_PYTHON": sys.executable}
    array = volume("uint16", (30, 40, 50), method)
    source = tmp_path / "volume.nrrd"
    witk_image_io.write_image(image(array), source)
    store = tmp_path / "volume.ome.zarr"
    args = [cli, "ngff", str(source), str(store), "--scale-factors", "2,4", "--method", method.replace("_", "-")]
    args += ["--ngff-version", version, "--chunks", "16"] + (["--chunks-per-shard", "2"] if version == "0.5" else [])
    out = subprocess.run(args, env=env, capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    assert "[########################################] | 100% Completed" in out.stdout
    assert f"OME-NGFF {version}, 3 levels (50 x 40 x 30, 25 x 20 x 15, 12 x 10 x 7)" in out.stderr
    assert (store / ("zarr.json" if version == "0.5" else ".zattrs")).is_file()
    back = ngff_zarr.from_ngff_zarr(store)
    assert_same_pyramid(back, theirs(array, [2, 4], method, 16), method)
    if version == "0.5":
        import json

        (array_meta,) = (store / "scale0").glob("*/zarr.json")  # the image's name: its array
        meta = json.loads(array_meta.read_text(encoding="utf-8"))
        (codec,) = meta["codecs"]
        assert codec["name"] == "sharding_indexed" and codec["configuration"]["chunk_shape"] == [16, 16, 16]
        assert meta["chunk_grid"]["configuration"]["chunk_shape"] == [32, 32, 32]  # 2 chunks a side

    bad = subprocess.run(
        [cli, "ngff", str(tmp_path / "missing.nrrd"), str(tmp_path / "x.ome.zarr"), "-s", "2"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert bad.returncode == 2 and "missing.nrrd: no such file" in bad.stderr, bad.stderr
