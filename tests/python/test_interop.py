"""Meshes to and from meshio and PyVista, and VTK itself (through PyVista) reading what
mesh-io writes and writing what it reads: VTK legacy, VTK XML PolyData, PLY, STL."""

from __future__ import annotations

from pathlib import Path

import meshio
import numpy as np
import pytest
import pyvista as pv
import witk_mesh_io
import witk_mesh_to_poly_data

import witk


def surface() -> pv.PolyData:
    """A VTK sphere with noise, a value per point and an id per cell."""
    s = pv.Sphere(theta_resolution=24, phi_resolution=16)
    s.points = s.points + np.random.default_rng(8).normal(0, 0.01, s.points.shape).astype(np.float32)
    s.point_data.clear()
    s.cell_data.clear()
    s.point_data["p"] = np.linspace(-1, 1, s.n_points).astype(np.float32)
    s.cell_data["c"] = np.arange(s.n_cells, dtype=np.int32)
    return s


def triangles_of(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Triangles as sorted rows of corner coordinates, for order-free comparison."""
    corners = np.asarray(points, np.float32)[np.asarray(faces).reshape(-1, 3)]
    corners = np.array([sorted(map(tuple, t)) for t in corners]).reshape(len(corners), 9)
    return corners[np.lexsort(corners.T[::-1])]


def test_meshio_round_trip_with_data() -> None:
    mesh = witk.from_pyvista(surface())
    m = witk.to_meshio(mesh)
    assert [b.type for b in m.cells] == ["triangle"]
    back = witk.from_meshio(m)
    np.testing.assert_array_equal(witk.arrays_from_mesh(back)[0], witk.arrays_from_mesh(mesh)[0])
    np.testing.assert_array_equal(witk.arrays_from_mesh(back)[1], witk.arrays_from_mesh(mesh)[1])
    np.testing.assert_array_equal(back.pointData, mesh.pointData)
    np.testing.assert_array_equal(back.cellData, mesh.cellData)
    # Mixed cells keep their order as runs of blocks.
    cells = np.array([5, 4, 0, 1, 2, 3, 2, 3, 0, 1, 2, 2, 3, 1, 2, 3, 1, 2, 0, 3], np.uint32)
    mixed = witk.mesh_from_arrays(np.eye(4, 3, dtype=np.float64), cells, cell_data=np.arange(4.0))
    m = witk.to_meshio(mixed)
    assert [b.type for b in m.cells] == ["tetra", "triangle", "line"]
    assert witk.arrays_from_mesh(witk.from_meshio(m))[1].tolist() == cells.tolist()


@pytest.mark.parametrize(("ext", "binary"), [("vtk", False), ("vtk", True), ("vtp", False), ("vtp", True)])
def test_vtk_reads_what_we_write(tmp_path: Path, ext: str, binary: bool) -> None:
    s = surface()
    mesh = witk.from_pyvista(s)
    path = tmp_path / f"m.{ext}"
    witk_mesh_io.write_mesh(mesh, path, binary_file_type=binary)
    read = pv.read(path)
    assert read.n_points == s.n_points and read.n_cells == s.n_cells
    np.testing.assert_array_equal(np.asarray(read.points, np.float32), np.asarray(s.points, np.float32))
    np.testing.assert_array_equal(np.asarray(read.faces), np.asarray(s.faces))
    (pname,) = read.point_data.keys()
    np.testing.assert_array_equal(read.point_data[pname], s.point_data["p"])
    (cname,) = read.cell_data.keys()
    np.testing.assert_array_equal(read.cell_data[cname], s.cell_data["c"])


@pytest.mark.parametrize("ext", ["vtk", "vtp", "ply", "stl", "obj"])
def test_we_read_what_vtk_writes(tmp_path: Path, ext: str) -> None:
    s = surface()
    path = tmp_path / f"m.{ext}"
    s.save(path)
    mesh = witk_mesh_io.read_mesh(path)
    points, _ = witk.arrays_from_mesh(mesh)
    faces = np.array([ids for _, ids in witk.interop._cells(mesh)])
    tri = s.faces.reshape(-1, 4)[:, 1:]
    np.testing.assert_array_equal(triangles_of(points, faces), triangles_of(s.points, tri))
    if ext in ("vtk", "vtp"):
        np.testing.assert_array_equal(np.asarray(mesh.pointData), s.point_data["p"])
        np.testing.assert_array_equal(np.asarray(mesh.cellData), s.cell_data["c"])


@pytest.mark.parametrize("mode", ["ascii", "binary", "appended", "appended-zlib"])
def test_we_read_vtks_multi_piece_vtp_as_vtk_does(tmp_path: Path, mode: str) -> None:
    """VTK's writer, streaming a sphere source in three pieces (each its own points and
    cells, ids from 0), with point normals and elevation and a cell id per piece."""
    import vtk

    src = vtk.vtkSphereSource()
    src.SetThetaResolution(16)
    src.SetPhiResolution(9)
    elevation = vtk.vtkElevationFilter()
    elevation.SetInputConnection(src.GetOutputPort())
    ids = vtk.vtkGenerateIds()
    ids.SetInputConnection(elevation.GetOutputPort())
    ids.PointIdsOff()
    ids.CellIdsOn()
    writer = vtk.vtkXMLPolyDataWriter()
    writer.SetInputConnection(ids.GetOutputPort())
    writer.SetNumberOfPieces(3)
    {"ascii": writer.SetDataModeToAscii, "binary": writer.SetDataModeToBinary}.get(mode, writer.SetDataModeToAppended)()
    if mode == "appended-zlib":
        writer.SetCompressorTypeToZLib()
    else:
        writer.SetCompressorTypeToNone()
    path = tmp_path / "pieces.vtp"
    writer.SetFileName(str(path))
    assert writer.Write() == 1
    assert path.read_text(errors="replace").count("<Piece ") == 3
    vtk_read = pv.read(path)
    mesh = witk_mesh_io.read_mesh(path)
    points, _ = witk.arrays_from_mesh(mesh)
    assert mesh.numberOfPoints == vtk_read.n_points and mesh.numberOfCells == vtk_read.n_cells
    np.testing.assert_array_equal(np.asarray(points).reshape(-1, 3), np.asarray(vtk_read.points))
    faces = np.array([ids for _, ids in witk.interop._cells(mesh)])
    np.testing.assert_array_equal(faces, vtk_read.faces.reshape(-1, 4)[:, 1:])
    # The first array of each section: normals on points, the ids on cells.
    np.testing.assert_array_equal(np.asarray(mesh.pointData).reshape(-1, 3), vtk_read.point_data["Normals"])
    (cell_ids,) = vtk_read.cell_data.keys()
    np.testing.assert_array_equal(np.asarray(mesh.cellData), vtk_read.cell_data[cell_ids])


def test_pyvista_conversions() -> None:
    s = surface()
    mesh = witk.from_pyvista(s)
    assert mesh.numberOfCells == s.n_cells and mesh.numberOfPoints == s.n_points
    back = witk.to_pyvista(mesh)
    assert isinstance(back, pv.PolyData)
    np.testing.assert_array_equal(back.faces, s.faces)
    np.testing.assert_array_equal(back.point_data["point_data"], s.point_data["p"])
    np.testing.assert_array_equal(back.cell_data["cell_data"], s.cell_data["c"])
    # Poly data goes straight to PyVista, and volume cells to an unstructured grid.
    poly = witk_mesh_to_poly_data.mesh_to_poly_data(mesh)
    np.testing.assert_array_equal(witk.to_pyvista(poly).faces, s.faces)
    tet = witk.mesh_from_arrays(np.eye(4, 3, dtype=np.float32), np.array([5, 4, 0, 1, 2, 3], np.uint32))
    grid = witk.to_pyvista(tet)
    assert isinstance(grid, pv.UnstructuredGrid) and list(grid.celltypes) == [10]
    # VTK's own volume mesh comes back as ITK cells.
    cube = pv.ImageData(dimensions=(3, 3, 2)).cast_to_unstructured_grid()
    m = witk.from_pyvista(cube)
    assert {k for k, _ in witk.interop._cells(m)} == {6}  # voxels are hexahedra in VTK's cast


def test_unknown_cells_are_errors() -> None:
    with pytest.raises(ValueError, match="meshio has no cell"):
        poly = witk.mesh_from_arrays(np.eye(3, dtype=np.float32), np.array([10, 3, 0, 1, 2], np.uint32))
        witk.to_meshio(poly)
    with pytest.raises(ValueError, match="ITK has no cell"):
        witk.from_meshio(meshio.Mesh(np.eye(6, 3), [("wedge", np.array([[0, 1, 2, 3, 4, 5]]))]))
