"""mesh-to-poly-data against ITK-Wasm's itkwasm-mesh-to-poly-data (the geometry: its
cell data is wrong, see below), and round trips with cell data on mixed cells."""

from __future__ import annotations

from pathlib import Path

import itkwasm_mesh_to_poly_data
import numpy as np
import pytest
import witk_mesh_io
import witk_mesh_to_poly_data

import witk

VERTEX, LINE, TRIANGLE, QUAD, POLYGON, TETRA, POLYLINE = 0, 1, 2, 3, 4, 5, 10


def mixed_mesh() -> witk.Mesh:
    """Interleaved cells of every poly data kind, a label per cell, a value per point."""
    rng = np.random.default_rng(4)
    points = rng.normal(size=(8, 3)).astype(np.float32)
    cells = [POLYGON, 4, 0, 1, 2, 3, VERTEX, 1, 7, LINE, 2, 0, 4, TRIANGLE, 3, 4, 5, 6, POLYLINE, 3, 5, 6, 7]
    cells += [QUAD, 4, 1, 2, 5, 4, VERTEX, 1, 6]
    return witk.mesh_from_arrays(
        points,
        np.array(cells, np.uint32),
        point_data=np.arange(8, dtype=np.float32),
        cell_data=np.array([10, 20, 30, 40, 50, 60, 70], np.int32),
    )


def test_cells_land_in_vtk_sections_with_their_data() -> None:
    poly = witk_mesh_to_poly_data.mesh_to_poly_data(mixed_mesh())
    assert list(poly.vertices) == [1, 7, 1, 6]
    assert list(poly.lines) == [2, 0, 4, 3, 5, 6, 7]
    assert list(poly.polygons) == [4, 0, 1, 2, 3, 3, 4, 5, 6, 4, 1, 2, 5, 4]
    assert poly.polygonsBufferSize == 14 and poly.numberOfPoints == 8
    # VTK's order: vertices' labels, then lines', then polygons'.
    np.testing.assert_array_equal(poly.cellData, [20, 70, 30, 50, 10, 40, 60])
    np.testing.assert_array_equal(poly.pointData, np.arange(8, dtype=np.float32))
    back = witk_mesh_to_poly_data.poly_data_to_mesh(poly)
    _, cells = witk.arrays_from_mesh(back)
    expected = [VERTEX, 1, 7, VERTEX, 1, 6, LINE, 2, 0, 4, POLYLINE, 3, 5, 6, 7]
    expected += [POLYGON, 4, 0, 1, 2, 3, TRIANGLE, 3, 4, 5, 6, POLYGON, 4, 1, 2, 5, 4]
    assert [int(c) for c in cells] == expected
    np.testing.assert_array_equal(back.cellData, [20, 70, 30, 50, 10, 40, 60])


@pytest.mark.parametrize("ext", ["vtk", "stl", "obj", "off", "ply"])
def test_geometry_matches_itkwasm(tmp_path: Path, ext: str) -> None:
    # Triangles only: ITK-Wasm 1.1's mesh_to_poly_data traps on meshes with vertices,
    # lines or polylines (mixed_mesh above, checked by hand instead).
    import trimesh

    t = trimesh.creation.icosphere(subdivisions=2)
    cells = np.empty((len(t.faces), 5), np.uint32)
    cells[:, 0], cells[:, 1], cells[:, 2:] = TRIANGLE, 3, t.faces
    point_data = np.linspace(0, 1, len(t.vertices)).astype(np.float32)
    mesh = witk.mesh_from_arrays(t.vertices.astype(np.float32), cells.ravel(), point_data=point_data)
    path = tmp_path / f"m.{ext}"
    witk_mesh_io.write_mesh(mesh, path)
    read = witk_mesh_io.read_mesh(path)
    ours = witk_mesh_to_poly_data.mesh_to_poly_data(read)
    theirs = itkwasm_mesh_to_poly_data.mesh_to_poly_data(read)
    np.testing.assert_array_equal(np.asarray(ours.points), np.asarray(theirs.points))
    for field in ("vertices", "lines", "polygons"):
        np.testing.assert_array_equal(np.asarray(getattr(ours, field)), np.asarray(getattr(theirs, field)), field)
    # ITK-Wasm 1.1's cell data is not its cells' (it repeats values and miscounts
    # them: 10 values for 4 cells on a VTK file), so only point data is compared.
    if read.numberOfPointPixels:
        np.testing.assert_array_equal(np.asarray(ours.pointData), np.asarray(theirs.pointData))
    # And back through ITK-Wasm's poly-data-to-mesh: the same cells as ours.
    a = witk.arrays_from_mesh(witk_mesh_to_poly_data.poly_data_to_mesh(ours))[1]
    b = np.asarray(itkwasm_mesh_to_poly_data.poly_data_to_mesh(theirs).cells)
    np.testing.assert_array_equal(a, b)


def test_errors_are_typed() -> None:
    tet = witk.mesh_from_arrays(np.eye(4, 3, dtype=np.float32), np.array([TETRA, 4, 0, 1, 2, 3], np.uint32))
    with pytest.raises(witk.UnsupportedError):
        witk_mesh_to_poly_data.mesh_to_poly_data(tet)
    poly = witk_mesh_to_poly_data.mesh_to_poly_data(mixed_mesh())
    poly.polygons = np.array([3, 0, 1, 99], np.uint32)
    poly.polygonsBufferSize = 4
    with pytest.raises(witk.InvalidArgumentError):
        witk_mesh_to_poly_data.poly_data_to_mesh(poly)
