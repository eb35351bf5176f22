"""The data model: ITK-Wasm field names and defaults, NumPy round trips."""

from __future__ import annotations

import dataclasses

import itkwasm
import numpy as np
import pytest
from conftest import ROOT

import witk
from witk.spatial import coerce

PAIRS = [
    (witk.ImageType, itkwasm.ImageType),
    (witk.Image, itkwasm.Image),
    (witk.ImageRegion, itkwasm.ImageRegion),
    (witk.MeshType, itkwasm.MeshType),
    (witk.Mesh, itkwasm.Mesh),
    (witk.PointSetType, itkwasm.PointSetType),
    (witk.PointSet, itkwasm.PointSet),
    (witk.PolyDataType, itkwasm.PolyDataType),
    (witk.PolyData, itkwasm.PolyData),
    (witk.TransformType, itkwasm.TransformType),
    (witk.Transform, itkwasm.Transform),
    (witk.BinaryStream, itkwasm.BinaryStream),
    (witk.TextStream, itkwasm.TextStream),
]


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_same_fields_as_itkwasm(ours: type, theirs: type) -> None:
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(theirs)]


@pytest.mark.parametrize("enum", ["IntTypes", "FloatTypes", "PixelTypes", "TransformParameterizations"])
def test_enum_values_match_itkwasm(enum: str) -> None:
    ours = {m.name: m.value for m in getattr(witk, enum)}
    theirs = {m.name: m.value for m in getattr(itkwasm, enum)}
    assert ours == theirs


def test_defaults_match_itkwasm() -> None:
    a, b = witk.Image(), itkwasm.Image()
    assert (a.name, list(a.origin), list(a.spacing), list(a.size)) == (
        b.name,
        list(b.origin),
        list(b.spacing),
        list(b.size),
    )
    np.testing.assert_array_equal(np.asarray(a.direction), np.asarray(b.direction))
    assert a.imageType.componentType.value == b.imageType.componentType.value
    assert witk.Mesh().meshType.cellComponentType.value == itkwasm.Mesh().meshType.cellComponentType.value
    assert witk.Transform().transformType.parametersValueType.value == "float64"


def test_itkwasm_image_is_accepted() -> None:
    arr = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    theirs = itkwasm.image_from_array(arr)
    theirs.origin = [1.0, 2.0, 3.0]
    ours = coerce(witk.Image, theirs)
    assert ours.imageType.componentType is witk.IntTypes.Int16
    assert list(ours.size) == [4, 3, 2] and list(ours.origin) == [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(witk.array_from_image(theirs), arr)
    assert coerce(witk.ImageType, {"dimension": 3, "componentType": "float32"}).componentType is witk.FloatTypes.Float32
    with pytest.raises(TypeError):
        coerce(witk.ImageType, {"dimension": 3, "bogus": 1})


@pytest.mark.parametrize(
    "dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
)
@pytest.mark.parametrize("shape", [(5, 7), (3, 5, 7)])
def test_numpy_round_trip(dtype: str, shape: tuple) -> None:
    arr = (np.arange(np.prod(shape)) % 100).astype(dtype).reshape(shape)
    image = witk.image_from_array(arr)
    assert image.imageType.dimension == len(shape)
    assert image.imageType.componentType.value == dtype
    assert list(image.size) == list(shape[::-1])
    back = witk.array_from_image(image)
    assert back.dtype == arr.dtype
    np.testing.assert_array_equal(back, arr)
    assert np.shares_memory(back, arr)


def test_vector_images_and_point_sets() -> None:
    rgb = np.random.default_rng(0).integers(0, 255, (4, 6, 3), dtype=np.uint8)
    image = witk.image_from_array(rgb, is_vector=True)
    assert (image.imageType.dimension, image.imageType.components) == (2, 3)
    np.testing.assert_array_equal(witk.array_from_image(image), rgb)
    # A raw byte buffer (as a component returns it) is viewed with the image's type.
    image.data = np.frombuffer(np.arange(6, dtype=np.float64).tobytes(), np.uint8)
    image.imageType = witk.ImageType(dimension=2, componentType="float64")
    image.size = image.bufferedRegion.size = [3, 2]
    np.testing.assert_array_equal(witk.array_from_image(image), np.arange(6.0).reshape(2, 3))

    pts = np.random.default_rng(1).random((10, 3)).astype(np.float32)
    ps = witk.point_set_from_array(pts, point_data=np.arange(10, dtype=np.int32))
    assert ps.numberOfPoints == 10 and ps.pointSetType.pointPixelComponentType is witk.IntTypes.Int32
    np.testing.assert_array_equal(witk.array_from_point_set(ps), pts)


def test_meshes() -> None:
    points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    # Two triangles (ITK cell type 2) in ITK's buffer layout: type, count, ids.
    cells = np.array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3], dtype=np.uint32)
    mesh = witk.mesh_from_arrays(points, cells, cell_data=np.array([1.5, 2.5], dtype=np.float64))
    assert (mesh.numberOfPoints, mesh.numberOfCells, mesh.cellBufferSize) == (4, 2, 10)
    assert mesh.meshType.cellComponentType is witk.IntTypes.UInt32
    assert mesh.meshType.cellPixelComponentType is witk.FloatTypes.Float64
    back_points, back_cells = witk.arrays_from_mesh(mesh)
    np.testing.assert_array_equal(back_points, points)
    np.testing.assert_array_equal(back_cells, cells)
    theirs = itkwasm.Mesh(numberOfPoints=4, points=points.ravel(), cells=cells, numberOfCells=2, cellBufferSize=10)
    np.testing.assert_array_equal(witk.arrays_from_mesh(theirs)[0], points)
    with pytest.raises(ValueError, match="past the end"):
        witk.mesh_from_arrays(points, np.array([2, 3, 0, 1], dtype=np.uint32))


def test_bad_arrays() -> None:
    with pytest.raises(TypeError, match="component type"):
        witk.image_from_array(np.zeros((2, 2), dtype=np.complex64))
    with pytest.raises(ValueError, match="no pixel data"):
        witk.array_from_image(witk.Image())
    with pytest.raises(ValueError, match="needs"):
        witk.array_from_image(witk.Image(size=[3, 3], data=np.zeros(5, np.uint8)))


def wit_enum(name: str) -> list[str]:
    """The cases of a `witk:types/spatial` enum, read from the WIT."""
    wit = (ROOT / "wit" / "types" / "spatial.wit").read_text()
    body = wit[wit.index(f"enum {name} {{") :].split("{", 1)[1].split("}", 1)[0]
    code = " ".join(line for line in body.splitlines() if not line.strip().startswith("//"))
    return [c.strip() for c in code.split(",") if c.strip()]


def test_python_tables_follow_the_wit() -> None:
    """Python's one table of component types and its pixel-type WIT names are the WIT's."""
    from witk.component_types import STORAGE
    from witk.convert import _WIT_PIXELS

    assert list(STORAGE) == wit_enum("component-type")
    assert _WIT_PIXELS == wit_enum("pixel-type")
