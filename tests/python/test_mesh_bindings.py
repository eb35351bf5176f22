"""Meshes and point sets through the Python binding of mesh-io: witk.Mesh, itkwasm.Mesh
and dicts in, witk.Mesh with flat NumPy arrays (ITK-Wasm's layout) out; per-format
functions' (could_read, mesh) tuples; typed errors; ITK-Wasm's mesh-io reads what witk
writes and the other way round."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import itkwasm
import itkwasm_mesh_io
import numpy as np
import pytest
import witk_mesh_io
from witk_mesh_io import read_mesh, read_point_set, write_mesh, write_point_set

import witk
from witk.convert import mesh_from_native, mesh_to_native, point_set_from_native, point_set_to_native

# ITK's cell types (the WIT's doc): 2 triangle, 4 polygon. Readers of polygon formats
# (VTK, PLY, OBJ, OFF) give polygons, as ITK's do; .iwm.cbor keeps the written type.
TRIANGLE, POLYGON = 2, 4
POINTS = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)


def cells(cell_type: int) -> np.ndarray:
    return np.array([cell_type, 3, 0, 1, 2, cell_type, 3, 0, 1, 3, cell_type, 3, 1, 2, 3], np.uint32)


def tetra_surface(cell_type: int = POLYGON) -> witk.Mesh:
    return witk.mesh_from_arrays(POINTS, cells(cell_type), point_data=np.array([0.5, 1.5, 2.5, 3.5], np.float32))


def itkwasm_mesh() -> itkwasm.Mesh:
    mesh_type = itkwasm.MeshType(
        dimension=3,
        pointComponentType=itkwasm.FloatTypes.Float64,
        pointPixelComponentType=itkwasm.IntTypes.Int16,
        cellComponentType=itkwasm.IntTypes.UInt32,
    )
    return itkwasm.Mesh(
        mesh_type,
        numberOfPoints=4,
        points=POINTS.astype(np.float64).ravel(),
        numberOfPointPixels=4,
        pointData=np.array([-3, 0, 7, 300], np.int16),
        numberOfCells=3,
        cells=cells(TRIANGLE),
        cellBufferSize=15,
        metadata={"units": "mm", "labels": [1, 2]},
    )


def assert_flat(array: Any, dtype: str, n: int) -> None:
    assert isinstance(array, np.ndarray)
    assert array.dtype == np.dtype(dtype)
    assert array.ndim == 1 and array.size == n
    assert array.flags.writeable and array.flags.c_contiguous


@pytest.mark.parametrize("ext", [".vtk", ".iwm.cbor", ".ply"])
def test_mesh_from_arrays_round_trips(tmp_path: Path, ext: str) -> None:
    mesh = tetra_surface(TRIANGLE if ext == ".iwm.cbor" else POLYGON)
    path = tmp_path / f"m{ext}"
    assert write_mesh(mesh, path) is None
    back = read_mesh(path)
    assert isinstance(back, witk.Mesh)
    assert (back.numberOfPoints, back.numberOfCells, back.cellBufferSize, back.numberOfPointPixels) == (4, 3, 15, 4)
    assert_flat(back.points, "float32", 12)
    assert_flat(back.cells, "uint32", 15)
    assert_flat(back.pointData, "float32", 4)
    np.testing.assert_array_equal(back.points, mesh.points)
    np.testing.assert_array_equal(back.cells, mesh.cells)
    np.testing.assert_array_equal(back.pointData, mesh.pointData)
    mt = back.meshType
    assert isinstance(mt, witk.MeshType)
    assert (mt.dimension, mt.pointComponentType, mt.cellComponentType) == (
        3,
        witk.FloatTypes.Float32,
        witk.IntTypes.UInt32,
    )
    assert (mt.pointPixelComponentType, mt.pointPixelType, mt.pointPixelComponents) == ("float32", "Scalar", 1)
    assert isinstance(mt.pointPixelType, witk.PixelTypes)
    points, cell_buffer = witk.arrays_from_mesh(back)
    assert points.shape == (4, 3)
    assert cell_buffer is back.cells
    back.points[0] = 9  # writable: the caller owns the arrays


@pytest.mark.parametrize("ext", [".vtk", ".iwm.cbor", ".ply"])
def test_itkwasm_mesh_round_trips(tmp_path: Path, ext: str) -> None:
    mesh = itkwasm_mesh()
    path = tmp_path / f"m{ext}"
    write_mesh(mesh, str(path))
    back = read_mesh(str(path))
    assert_flat(back.points, "float64", 12)
    assert_flat(back.pointData, "int16", 4)
    np.testing.assert_array_equal(back.points, mesh.points)
    np.testing.assert_array_equal(back.pointData, mesh.pointData)
    want = cells(TRIANGLE if ext == ".iwm.cbor" else POLYGON)
    np.testing.assert_array_equal(back.cells, want)
    assert back.meshType.pointPixelComponentType == witk.IntTypes.Int16
    if ext == ".iwm.cbor":  # the one format with metadata and a name
        assert back.metadata == {"units": "mm", "labels": [1, 2]}
        assert back.name == "Mesh"


def test_dicts_and_lists_are_meshes_too(tmp_path: Path) -> None:
    fields = {
        "meshType": {"dimension": 2, "cellComponentType": "uint32"},
        "name": "square",
        "numberOfPoints": 4,
        "points": [0, 0, 1, 0, 1, 1, 0, 1],
        "numberOfCells": 1,
        "cells": [3, 4, 0, 1, 2, 3],
        "cellBufferSize": 6,
        "numberOfCellPixels": 1,
        "cellData": np.array([42.0], np.float32),
    }
    write_mesh(fields, tmp_path / "square.iwm.cbor")
    back = read_mesh(tmp_path / "square.iwm.cbor")
    assert back.name == "square"
    assert back.meshType.dimension == 2
    np.testing.assert_array_equal(back.points, np.array(fields["points"], np.float32))
    np.testing.assert_array_equal(back.cells, np.array(fields["cells"], np.uint32))
    assert_flat(back.cellData, "float32", 1)
    assert back.cellData[0] == 42


def test_native_dicts_round_trip_without_the_component() -> None:
    mesh = itkwasm_mesh()
    d = mesh_to_native(mesh)
    assert d["mesh_type"]["point_component_type"] == "float64"
    assert d["mesh_type"]["point_pixel_type"] == "scalar"
    assert d["cell_data"] is None
    # As the host gives them back: bytearrays.
    for key in ("points", "point_data", "cells"):
        d[key] = bytearray(d[key])
    back = mesh_from_native(d)
    np.testing.assert_array_equal(back.points, mesh.points)
    np.testing.assert_array_equal(back.cells, mesh.cells)
    assert back.metadata == mesh.metadata
    ps = witk.point_set_from_array(POINTS[:2])
    d = point_set_to_native(ps)
    d["points"] = bytearray(d["points"])
    assert point_set_from_native(d).pointSetType == ps.pointSetType


def test_information_only_reads_counts_without_buffers(tmp_path: Path) -> None:
    write_mesh(tetra_surface(TRIANGLE), tmp_path / "m.iwm.cbor")
    info = read_mesh(tmp_path / "m.iwm.cbor", information_only=True)
    assert (info.numberOfPoints, info.numberOfCells) == (4, 3)
    assert info.points is None and info.cells is None


def test_per_format_functions_return_could_read_and_the_mesh(tmp_path: Path) -> None:
    mesh = tetra_surface()
    assert witk_mesh_io.vtk_poly_data_write_mesh(mesh, tmp_path / "m.vtk") is True
    assert witk_mesh_io.ply_write_mesh(mesh, tmp_path / "m.ply") is True
    could, back = witk_mesh_io.vtk_poly_data_read_mesh(tmp_path / "m.vtk")
    assert could is True and isinstance(back, witk.Mesh)
    np.testing.assert_array_equal(back.cells, mesh.cells)
    assert witk_mesh_io.vtk_poly_data_read_mesh(tmp_path / "m.ply") == (False, None)
    could, back = witk_mesh_io.ply_read_mesh(tmp_path / "m.ply")
    assert could and back.numberOfPoints == 4
    could, ps = witk_mesh_io.ply_read_point_set(tmp_path / "m.ply")
    assert could and isinstance(ps, witk.PointSet) and ps.numberOfPoints == 4


@pytest.mark.parametrize("ext", [".vtk", ".iwm.cbor", ".ply"])
def test_point_sets_round_trip(tmp_path: Path, ext: str) -> None:
    rng = np.random.default_rng(5)
    points = rng.random((6, 3)).astype(np.float32)
    ps = witk.point_set_from_array(points, np.arange(6, dtype=np.float32))
    write_point_set(ps, tmp_path / f"p{ext}")
    back = read_point_set(tmp_path / f"p{ext}")
    assert isinstance(back, witk.PointSet)
    assert (back.numberOfPoints, back.numberOfPointPixels) == (6, 6)
    assert_flat(back.points, "float32", 18)
    assert_flat(back.pointData, "float32", 6)
    np.testing.assert_array_equal(witk.array_from_point_set(back), points)
    np.testing.assert_array_equal(back.pointData, ps.pointData)
    pst = back.pointSetType
    assert isinstance(pst, witk.PointSetType)
    assert (pst.dimension, pst.pointComponentType, pst.pointPixelComponents) == (3, witk.FloatTypes.Float32, 1)
    could, again = getattr(
        witk_mesh_io, {".vtk": "vtk_poly_data", ".iwm.cbor": "wasm", ".ply": "ply"}[ext] + "_read_point_set"
    )(tmp_path / f"p{ext}")
    assert could and again.numberOfPoints == 6


def test_itkwasm_point_set_is_accepted(tmp_path: Path) -> None:
    pst = itkwasm.PointSetType(dimension=2, pointComponentType=itkwasm.FloatTypes.Float64)
    ps = itkwasm.PointSet(pst, numberOfPoints=3, points=np.array([0, 0, 1, 2, 3, 5], np.float64))
    write_point_set(ps, tmp_path / "p.iwm.cbor")
    back = read_point_set(tmp_path / "p.iwm.cbor")
    assert back.pointSetType.dimension == 2
    assert_flat(back.points, "float64", 6)
    np.testing.assert_array_equal(back.points, ps.points)


def test_itkwasm_mesh_io_reads_what_witk_writes_and_the_other_way(tmp_path: Path) -> None:
    mesh = tetra_surface()
    write_mesh(mesh, tmp_path / "witk.vtk")
    theirs = itkwasm_mesh_io.read_mesh(str(tmp_path / "witk.vtk"))
    np.testing.assert_array_equal(theirs.points, mesh.points)
    np.testing.assert_array_equal(theirs.cells, mesh.cells)
    # Their itkwasm.Mesh goes straight back into witk.
    write_mesh(theirs, tmp_path / "again.iwm.cbor")
    np.testing.assert_array_equal(read_mesh(tmp_path / "again.iwm.cbor").pointData, mesh.pointData)


def test_a_wrong_dtype_is_a_type_error_naming_the_field(tmp_path: Path) -> None:
    mesh = tetra_surface()
    mesh.points = mesh.points.astype(np.float64)
    with pytest.raises(TypeError, match=r"Mesh\.points is float64 but its meshType\.pointComponentType says float32"):
        write_mesh(mesh, tmp_path / "m.vtk")
    mesh = tetra_surface()
    mesh.cells = mesh.cells.astype(np.int64)
    with pytest.raises(TypeError, match=r"Mesh\.cells is int64 .*\.cellComponentType says uint32"):
        write_mesh(mesh, tmp_path / "m.vtk")
    ps = witk.point_set_from_array(POINTS)
    ps.pointData = np.zeros(4, np.uint8)
    with pytest.raises(TypeError, match=r"PointSet\.pointData is uint8 .*\.pointPixelComponentType says float32"):
        write_point_set(ps, tmp_path / "p.vtk")
    assert not list(tmp_path.iterdir())


def test_cells_naming_a_point_past_the_end_are_an_invalid_argument(tmp_path: Path) -> None:
    mesh = witk.mesh_from_arrays(POINTS, np.array([TRIANGLE, 3, 0, 1, 4], np.uint32))
    with pytest.raises(witk.InvalidArgumentError, match="cell 0 names point 4; the mesh has 4 points"):
        write_mesh(mesh, tmp_path / "m.vtk")
    with pytest.raises(witk.InvalidArgumentError):
        witk_mesh_io.vtk_poly_data_write_mesh(mesh, tmp_path / "m.vtk")
    assert not (tmp_path / "m.vtk").exists()


# (.obj is left out: OBJ readers skip the lines they do not know, ITK's too, so text
# without a vertex is an empty mesh.)
@pytest.mark.parametrize("ext", [".vtk", ".iwm.cbor", ".ply", ".stl", ".off"])
def test_garbage_is_invalid_data(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"garbage{ext}"
    path.write_bytes(b"garbage, not a mesh\n" * 3)
    with pytest.raises(witk.InvalidDataError) as e:
        read_mesh(path)
    assert isinstance(e.value, witk.PipelineError)
    assert str(e.value).startswith("read-mesh: ")
    # STL holds no point sets: asked for one, it is unsupported.
    with pytest.raises(witk.UnsupportedError if ext == ".stl" else witk.InvalidDataError):
        read_point_set(path)


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_mesh(tmp_path / "none.vtk")
