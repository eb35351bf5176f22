"""The native core runs components it has no generated adapter for (a pipeline built
outside this repository) through its dynamic path: values converted by the component's
own WIT types. Checked against the typed adapters of the same components."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from witk_compress_stringify import compress_stringify
from witk_downsample import downsample_bin_shrink
from witk_image_io import read_image

import witk
from witk._native import Pipeline

PREFIX = "data:application/zstd;base64,"


def wasm(pipeline: str) -> Path:
    """The component a -wasi package ships, loaded under a name this build does not know."""
    module = __import__(f"witk_{pipeline.replace('-', '_')}_wasi")
    return Path(module.__file__).parent / "wasm_modules" / f"{pipeline}.wasm"


@pytest.fixture(scope="module")
def zstd() -> Pipeline:
    p = Pipeline("someone-elses-zstd", str(wasm("compress-stringify")))
    assert not p.typed
    return p


def test_known_packages_stay_typed() -> None:
    assert Pipeline("compress-stringify", str(wasm("compress-stringify"))).typed


def test_bytes_scalars_and_strings_match_the_typed_adapter(zstd: Pipeline) -> None:
    data = bytes(range(256)) * 40
    for stringify, level in [(False, 3), (True, 19), (False, -5)]:
        ours = zstd.call("compress-stringify", data, stringify, level, PREFIX)
        assert ours == compress_stringify(data, stringify=stringify, compression_level=level)
    frame = zstd.call("compress-stringify", data, False, 3, PREFIX)
    assert zstd.call("parse-string-decompress", frame, False) == data
    assert zstd.call("parse-string-decompress", np.frombuffer(frame, np.uint8), False) == data


def test_errors_are_typed_and_do_not_poison_the_next_call(zstd: Pipeline) -> None:
    with pytest.raises(witk.InvalidDataError, match="not Zstandard"):
        zstd.call("parse-string-decompress", b"hello", False)
    with pytest.raises(witk.InvalidArgumentError):
        zstd.call("compress-stringify", b"x", False, 99, PREFIX)
    assert zstd.call("parse-string-decompress", zstd.call("compress-stringify", b"x", False, 3, PREFIX), False) == b"x"


def test_wrong_calls_name_what_is_wrong(zstd: Pipeline) -> None:
    with pytest.raises(TypeError, match=r"takes 4 arguments \(input, stringify, compression_level"):
        zstd.call("compress-stringify", b"x")
    with pytest.raises(TypeError, match="stringify: expected a bool"):
        zstd.call("compress-stringify", b"x", "yes", 3, PREFIX)
    with pytest.raises(ValueError, match='no function "nope"; this component has compress-stringify'):
        zstd.call("nope")


def test_records_options_and_enums_read_an_image_header() -> None:
    io = Pipeline("my-image-io", str(wasm("image-io")))
    path = ROOT / "data" / "phantom.nrrd"
    header = io.call("read-image", {"path": path.name, "data": path.read_bytes()}, [], True, None, None)
    typed = read_image(path, information_only=True)
    assert header["imageType"] == {"dimension": 3, "componentType": "uint8", "pixelType": "scalar", "components": 1}
    assert header["size"] == list(typed.size) and header["spacing"] == list(typed.spacing)
    assert header["origin"] == list(typed.origin) and header["data"] is None
    with pytest.raises(ValueError, match="'uint7' is not one of int8, uint8"):
        io.call("read-image", {"path": path.name, "data": b""}, [], True, None, "uint7")


def test_variants_carry_pixels_both_ways() -> None:
    ds = Pipeline("my-downsample", str(wasm("downsample")))
    pixels = np.arange(4 * 6, dtype=np.uint16).reshape(6, 4)
    image = witk.image_from_array(pixels)
    record = {
        "image_type": {"dimension": 2, "component_type": "uint16", "pixel_type": "Scalar", "components": 1},
        "name": "Image",
        "origin": [0.0, 0.0],
        "spacing": [1.0, 1.0],
        "direction": [1.0, 0.0, 0.0, 1.0],
        "size": [4, 6],
        "metadata": [],
        "data": ("uint16", pixels.ravel().tolist()),
        "buffered_region": None,
    }
    out = ds.call("downsample-bin-shrink", record, [2, 2], False)
    typed = downsample_bin_shrink(image, [2, 2])
    case, values = out["data"]
    assert case == "uint16" and values == typed.data.ravel().tolist()
    assert out["size"] == list(typed.size) and out["spacing"] == list(typed.spacing)


def test_witk_convert_shapes_go_both_ways() -> None:
    """What generated -wasi packages pass (witk.convert's dicts: type records flattened,
    regions as tuples, pixels as NumPy arrays) works on the dynamic path, and its results
    convert back: a pipeline built outside this repository gets witk.Images."""
    ds = Pipeline("my-downsample", str(wasm("downsample")))
    for dtype in ["uint8", "int16", "float32", "float64"]:
        image = witk.image_from_array(np.arange(6 * 8 * 10, dtype=dtype).reshape(6, 8, 10))
        image.spacing, image.origin = [0.5, 2.0, 3.0], [1.0, -2.0, 4.0]
        got = witk.convert.image_from_native(
            ds.call("downsample-bin-shrink", witk.convert.image_to_native(image), [2, 2, 3], False)
        )
        typed = downsample_bin_shrink(image, [2, 2, 3])
        assert got.data.dtype == typed.data.dtype and np.array_equal(got.data, typed.data)
        assert list(got.size) == list(typed.size) and list(got.origin) == list(typed.origin)
        assert list(got.spacing) == list(typed.spacing) and got.bufferedRegion == typed.bufferedRegion
    # A header read (a buffered region, no pixels) comes back as the typed path gives it.
    io = Pipeline("my-image-io", str(wasm("image-io")))
    path = ROOT / "data" / "phantom.nrrd"
    native = io.call("read-image", {"path": path.name, "data": path.read_bytes()}, [], False, None, None)
    image = witk.convert.image_from_native(native)
    assert np.array_equal(image.data, read_image(path).data) and image.bufferedRegion == read_image(path).bufferedRegion
    # A dtype the WIT list does not hold is refused, naming the field.
    image = witk.image_from_array(np.zeros((4, 4), np.float32))
    flat = witk.convert.image_to_native(image)
    flat["component_type"] = "float64"
    with pytest.raises(ValueError, match="float64"):
        ds.call("downsample-bin-shrink", {**flat, "buffered_region": ([0, 0], [4, 4, 1])}, [2, 2], False)


def test_meshes_come_back_from_the_dynamic_path() -> None:
    from witk_mesh_to_poly_data import mesh_to_poly_data

    m2p = Pipeline("my-mesh-to-poly-data", str(wasm("mesh-to-poly-data")))
    points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    mesh = witk.mesh_from_arrays(points, np.array([[0, 1, 2], [0, 1, 3]]))
    poly = witk.convert.poly_data_from_native(m2p.call("mesh-to-poly-data", witk.convert.mesh_to_native(mesh)))
    typed = mesh_to_poly_data(mesh)
    assert np.array_equal(np.asarray(poly.points), np.asarray(typed.points))
    assert np.array_equal(np.asarray(poly.polygons), np.asarray(typed.polygons))
    back = witk.convert.mesh_from_native(m2p.call("poly-data-to-mesh", witk.convert.poly_data_to_native(poly)))
    assert np.array_equal(np.asarray(back.points), np.asarray(points).ravel()) and back.numberOfCells == 2
